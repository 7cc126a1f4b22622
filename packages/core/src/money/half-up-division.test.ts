import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideRoundingHalfUp } from './half-up-division';

describe('divideRoundingHalfUp', () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [8n, 3n, 3n],
    [-5n, 2n, -3n],
    [-7n, 3n, -2n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
  ])('%i / %i rounds to %i', (numerator, denominator, expected) => {
    expect(divideRoundingHalfUp(numerator, denominator)).toBe(expected);
  });

  it('refuses division by zero', () => {
    expect(() => divideRoundingHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('lands within half a unit of the exact quotient and mirrors for negatives', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (numerator, denominator) => {
          const quotient = divideRoundingHalfUp(numerator, denominator);
          const errorTwice = 2n * (quotient * denominator - numerator);
          expect(errorTwice <= denominator && errorTwice >= -denominator).toBe(true);
          expect(divideRoundingHalfUp(-numerator, denominator)).toBe(-quotient);
        },
      ),
    );
  });
});
