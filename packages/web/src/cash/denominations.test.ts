import { currencyCodes, currencyDefinition, DENOMINATIONS_MAX } from '@mostrador/core';
import { describe, expect, it } from 'vitest';
import { countedTotalMinor, denominationsOf, nonEmptyCounts } from './denominations';

describe('drawer denominations', () => {
  it.each(currencyCodes)(
    '%s: distinct positive values, smallest first, within the fact limit',
    (currency) => {
      const values = denominationsOf(currency).map((denomination) => denomination.valueMinor);
      expect(values.length).toBeGreaterThan(5);
      expect(values.length).toBeLessThanOrEqual(DENOMINATIONS_MAX);
      expect(new Set(values).size).toBe(values.length);
      expect([...values].sort((left, right) => left - right)).toEqual(values);
      for (const value of values) expect(Number.isSafeInteger(value) && value > 0).toBe(true);
    },
  );

  it.each(currencyCodes)('%s: the drawer can pay the cash rounding increment', (currency) => {
    // Every cash total is a multiple of the increment, so the smallest piece must divide it.
    const [smallest] = denominationsOf(currency);
    expect(currencyDefinition(currency).cashRoundingIncrementMinor % smallest!.valueMinor).toBe(0);
  });

  it('knows the notes and coins of the markets we sell in', () => {
    const major = (currency: 'CRC' | 'MXN' | 'USD' | 'PEN' | 'COP' | 'PKR') =>
      denominationsOf(currency).map((denomination) => [denomination.valueMinor / 100, denomination.kind]);
    expect(major('CRC')).toContainEqual([20_000, 'bill']);
    expect(major('CRC')).toContainEqual([500, 'coin']);
    expect(major('MXN')).toContainEqual([20, 'coin-or-bill']);
    expect(major('USD')).toContainEqual([0.25, 'coin']);
    expect(major('PEN')).toContainEqual([200, 'bill']);
    expect(major('COP')).toContainEqual([100_000, 'bill']);
    expect(major('PKR')).toContainEqual([5_000, 'bill']);
  });
});

describe('counted total', () => {
  it('adds value × count exactly in minor units', () => {
    expect(
      countedTotalMinor([
        { valueMinor: 50_000, count: 1 },
        { valueMinor: 50, count: 3 },
      ]),
    ).toBe(50_150);
    expect(countedTotalMinor([])).toBe(0);
  });

  it('refuses fractional or negative counts and sums past the safe range', () => {
    expect(countedTotalMinor([{ valueMinor: 100, count: 1.5 }])).toBeUndefined();
    expect(countedTotalMinor([{ valueMinor: 100, count: -1 }])).toBeUndefined();
    expect(countedTotalMinor([{ valueMinor: Number.MAX_SAFE_INTEGER, count: 2 }])).toBeUndefined();
  });

  it('sends only denominations with pieces, in value order', () => {
    expect(
      nonEmptyCounts(
        new Map([
          [500, 2],
          [100, 0],
          [50, 1],
        ]),
      ),
    ).toEqual([
      { valueMinor: 50, count: 1 },
      { valueMinor: 500, count: 2 },
    ]);
  });
});
