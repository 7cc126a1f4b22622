import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedKeyList } from './sorted-key-list';

const key = fc
  .array(fc.constantFrom('a', 'b', 'c', '/', '\uffff', '\ud83d'), { minLength: 1, maxLength: 4 })
  .map((units) => units.join(''));

type Step =
  | { kind: 'insert'; key: string }
  | { kind: 'remove'; key: string }
  | { kind: 'insertSorted'; keys: string[] }
  | { kind: 'retain'; keepEvery: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), key }),
  fc.record({ kind: fc.constant('remove' as const), key }),
  fc.record({ kind: fc.constant('insertSorted' as const), keys: fc.uniqueArray(key, { maxLength: 30 }) }),
  fc.record({ kind: fc.constant('retain' as const), keepEvery: fc.integer({ min: 1, max: 4 }) }),
);

const byCodeUnits = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

describe('sorted key list', () => {
  it('holds the same keys as a sorted set, in order and in bounded chunks, after any sequence of changes', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 2, max: 16 }),
        key,
        key,
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (steps, chunkKeysMax, lower, upper, limit, reverse) => {
          const list = new SortedKeyList(chunkKeysMax);
          let model = new Set<string>();
          for (const change of steps) {
            if (change.kind === 'insert' && !model.has(change.key)) {
              list.insert(change.key);
              model.add(change.key);
            } else if (change.kind === 'remove' && model.has(change.key)) {
              list.remove(change.key);
              model.delete(change.key);
            } else if (change.kind === 'insertSorted') {
              const fresh = change.keys.filter((candidate) => !model.has(candidate)).sort(byCodeUnits);
              list.insertSorted(fresh);
              for (const added of fresh) model.add(added);
            } else if (change.kind === 'retain') {
              const keep = (candidate: string) => candidate.length % change.keepEvery === 0;
              list.retain(keep);
              model = new Set([...model].filter(keep));
            }
            list.assertSorted();
          }
          const sorted = [...model].sort(byCodeUnits);
          expect([...list]).toEqual(sorted);
          expect(list.size).toBe(sorted.length);

          const start = list.lowerBound(lower);
          const end = list.upperBound(upper);
          const inRange = sorted.filter((candidate) => candidate >= lower && candidate <= upper);
          expect(list.countBetween(start, end)).toBe(inRange.length);
          const expected = reverse ? inRange.reverse() : inRange;
          expect(list.keysBetween(start, end, limit, reverse)).toEqual(expected.slice(0, limit));
          expect(list.countBetween(list.upperBound(lower), list.end())).toBe(
            sorted.filter((candidate) => candidate > lower).length,
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('builds bounded chunks from a sorted array', () => {
    const keys = Array.from({ length: 5_000 }, (_, index) => String(index).padStart(5, '0'));
    const list = SortedKeyList.fromSorted(keys, 64);
    list.assertSorted();
    expect([...list]).toEqual(keys);
    expect(list.countBetween(list.lowerBound('01000'), list.lowerBound('02000'))).toBe(1_000);
  });

  it('refuses a key it already holds', () => {
    const list = SortedKeyList.fromSorted(['a', 'b', 'c']);
    expect(() => list.insert('b')).toThrow(/already hold/);
    expect(() => list.insertSorted(['c'])).toThrow(/already hold/);
    expect(() => list.remove('d')).toThrow(/lost/);
  });
});
