import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundCash } from './cash-rounding';
import { type CurrencyCode, currencyDefinition } from './currency';
import { MoneyInvariantError, money } from './money';

function roundWithDefault(amountMinor: number, currency: CurrencyCode) {
  const rounding = roundCash(
    money(amountMinor, currency),
    currencyDefinition(currency).cashRoundingIncrementMinor,
  );
  return [rounding.rounded.amountMinor, rounding.difference.amountMinor];
}

describe('roundCash', () => {
  it.each([
    // Costa Rica: colones round to 5 (500 minor units).
    ['CRC', 123250, 123500, 250],
    ['CRC', 123200, 123000, -200],
    ['CRC', 123000, 123000, 0],
    ['CRC', 124999, 125000, 1],
    // Mexico: 10 centavos.
    ['MXN', 10_045, 10_050, 5],
    ['MXN', 10_044, 10_040, -4],
    // Peru: 0.10 soles.
    ['PEN', 1_995, 2_000, 5],
    ['PEN', 1_994, 1_990, -4],
    // Colombia: 50 pesos (5000 minor units).
    ['COP', 1_252_500, 1_255_000, 2500],
    ['COP', 1_252_499, 1_250_000, -2499],
    // Pakistan: 1 rupee.
    ['PKR', 12_350, 12_400, 50],
    ['PKR', 12_349, 12_300, -49],
    // Chile: 10 pesos, no minor digits.
    ['CLP', 1_235, 1_240, 5],
    ['CLP', 1_234, 1_230, -4],
    // No rounding where the smallest coin is the minor unit.
    ['USD', 1_999, 1_999, 0],
    ['JPY', 1_235, 1_235, 0],
  ] as const)(
    '%s %i rounds to %i (difference %i)',
    (currency, amountMinor, roundedMinor, differenceMinor) => {
      expect(roundWithDefault(amountMinor, currency)).toEqual([roundedMinor, differenceMinor]);
    },
  );

  it('rounds negative amounts as the mirror image of positive ones', () => {
    expect(roundWithDefault(-123250, 'CRC')).toEqual([-123500, -250]);
    expect(roundWithDefault(-123200, 'CRC')).toEqual([-123000, 200]);
  });

  it('refuses increments that are not positive integers', () => {
    expect(() => roundCash(money(1, 'CRC'), 0)).toThrow(MoneyInvariantError);
    expect(() => roundCash(money(1, 'CRC'), -5)).toThrow(MoneyInvariantError);
    expect(() => roundCash(money(1, 'CRC'), 2.5)).toThrow(MoneyInvariantError);
  });

  it('lands on a multiple of the increment at most half an increment away', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 13), max: 10 ** 13 }),
        fc.integer({ min: 1, max: 100_000 }),
        (amountMinor, incrementMinor) => {
          const { rounded, difference } = roundCash(money(amountMinor, 'COP'), incrementMinor);
          expect(rounded.amountMinor % incrementMinor === 0).toBe(true);
          expect(rounded.amountMinor - amountMinor).toBe(difference.amountMinor);
          expect(2 * Math.abs(difference.amountMinor)).toBeLessThanOrEqual(incrementMinor);
        },
      ),
    );
  });
});
