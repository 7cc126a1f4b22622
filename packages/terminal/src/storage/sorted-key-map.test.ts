import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyInScanRange, toScanRange } from './scan-range';
import { SortedKeyMap } from './sorted-key-map';

const key = fc
  .array(fc.constantFrom('a', 'b', '/', '\uffff', '\ud83d', '\ude00'), { minLength: 1, maxLength: 4 })
  .map((units) => units.join(''));

type Operation =
  | { kind: 'set'; key: string; value: number }
  | { kind: 'load'; key: string; value: number }
  | { kind: 'delete'; key: string }
  | { kind: 'apply'; puts: [string, number][]; deletes: string[] };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('load' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  // Large enough to take the bulk merge path as well as the one-by-one path.
  fc
    .uniqueArray(fc.tuple(key, fc.boolean(), fc.integer()), { selector: ([k]) => k, maxLength: 80 })
    .map((changes) => ({
      kind: 'apply' as const,
      puts: changes.filter(([, isPut]) => isPut).map(([k, , value]): [string, number] => [k, value]),
      deletes: changes.filter(([, isPut]) => !isPut).map(([k]) => k),
    })),
);

describe('sorted key map', () => {
  it('scans like a filtered, sorted copy of a plain map, whatever sequence of changes built it', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 40 }),
        key,
        fc.option(key, { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        fc.boolean(),
        // Tiny chunks make the sorted keys split, empty and merge chunks within a few steps.
        fc.constantFrom(2, 3, 8, 16, undefined),
        (operations, prefix, startAfter, limit, reverse, chunkKeysMax) => {
          const map = new SortedKeyMap(chunkKeysMax);
          const model = new Map<string, string>();
          for (const step of operations) {
            if (step.kind === 'set' || step.kind === 'load') {
              map[step.kind](step.key, String(step.value));
              model.set(step.key, String(step.value));
            } else if (step.kind === 'delete') {
              map.delete(step.key);
              model.delete(step.key);
            } else {
              const puts = step.puts.map(([k, value]): [string, string] => [k, String(value)]);
              map.apply({ puts, deletes: step.deletes });
              for (const deleted of step.deletes) {
                model.delete(deleted);
              }
              for (const [k, value] of puts) {
                model.set(k, value);
              }
            }
          }
          const range = toScanRange({
            prefix,
            reverse,
            ...(startAfter === undefined ? {} : { startAfter }),
            ...(limit === undefined ? {} : { limit }),
          });
          const sortedModel = [...model].sort(([left], [right]) =>
            left < right ? -1 : left > right ? 1 : 0,
          );
          const selected = sortedModel.filter(([k]) => isKeyInScanRange(k, range));
          const ordered = reverse ? selected.reverse() : selected;
          expect(map.scan(range, range.limit)).toEqual(
            limit === undefined ? ordered : ordered.slice(0, limit),
          );
          expect(map.countPrefix(prefix)).toBe(sortedModel.filter(([k]) => k.startsWith(prefix)).length);
          expect(map.size).toBe(model.size);
          expect([...map.entries()]).toEqual(sortedModel);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
