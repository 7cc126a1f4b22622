import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyInScanRange, type KeyBounds, prefixUpperBound, scanKeyBounds, toScanRange } from './scan-range';
import { isTerminalStoreError } from './terminal-store-error';

/** Short strings over an alphabet full of edge cases: U+FFFF, both halves of a surrogate pair. */
const key = fc
  .array(fc.constantFrom('a', 'b', '/', '\u0000', '\uffff', '\ud83d', '\ude00'), { maxLength: 4 })
  .map((units) => units.join(''));

function inBounds(candidate: string, bounds: KeyBounds | 'empty'): boolean {
  if (bounds === 'empty') {
    return false;
  }
  const aboveLower = bounds.lowerOpen ? candidate > bounds.lower : candidate >= bounds.lower;
  const belowUpper =
    bounds.upper === null || (bounds.upperOpen ? candidate < bounds.upper : candidate <= bounds.upper);
  return aboveLower && belowUpper;
}

describe('scan ranges', () => {
  it('the key interval of a scan holds exactly the keys the scan selects', () => {
    fc.assert(
      fc.property(
        key,
        fc.option(key, { nil: undefined }),
        fc.boolean(),
        fc.array(key),
        (prefix, startAfter, reverse, keys) => {
          const range = toScanRange({ prefix, reverse, ...(startAfter === undefined ? {} : { startAfter }) });
          const bounds = scanKeyBounds(range);
          for (const candidate of keys) {
            expect(inBounds(candidate, bounds)).toBe(isKeyInScanRange(candidate, range));
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('the upper bound of a prefix is above every key with the prefix and at or below every key after them', () => {
    fc.assert(
      fc.property(key, key, (prefix, candidate) => {
        const upper = prefixUpperBound(prefix);
        if (candidate.startsWith(prefix)) {
          expect(upper === null || candidate < upper).toBe(true);
        } else if (candidate > prefix) {
          expect(upper !== null && candidate >= upper).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
    expect(prefixUpperBound('')).toBeNull();
    expect(prefixUpperBound('\uffff\uffff')).toBeNull();
    expect(prefixUpperBound('a/')).toBe('a0');
    expect(prefixUpperBound('a\uffff')).toBe('b');
  });

  it('refuses limits that are not non-negative integers, and keys that are too long or not strings', () => {
    for (const limit of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => toScanRange({ prefix: '', limit })).toThrow(/SCAN_OPTIONS_INVALID/);
    }
    expect(toScanRange({ prefix: 'a', limit: 0 })).toEqual({
      prefix: 'a',
      startAfter: null,
      limit: 0,
      reverse: false,
    });
    const tooLong = (() => {
      try {
        toScanRange({ prefix: 'x'.repeat(1025) });
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(isTerminalStoreError(tooLong, 'KEY_INVALID')).toBe(true);
    expect(() => toScanRange({ prefix: 42 as unknown as string })).toThrow(/KEY_INVALID/);
  });
});
