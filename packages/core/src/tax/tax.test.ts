import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, MoneyInvariantError, money, sumMoney } from '../money';
import { lineTax, taxFromGross, taxFromNet, taxRateBasisPointsSchema, taxTotalsByRate } from './tax';

const crc = (amountMinor: number) => money(amountMinor, 'CRC');
const minor = (line: {
  net: { amountMinor: number };
  tax: { amountMinor: number };
  gross: { amountMinor: number };
}) => [line.net.amountMinor, line.tax.amountMinor, line.gross.amountMinor];

describe('taxFromGross (prices include tax)', () => {
  it.each([
    // 113.00 at 13 %: tax = 11300 × 1300 / 11300 = 1300.
    [11_300, 1300, 10_000, 1300],
    // 100.00 at 13 %: 10000 × 1300 / 11300 = 1150.44 → 1150.
    [10_000, 1300, 8_850, 1150],
    // 116.00 at 16 %.
    [11_600, 1600, 10_000, 1600],
    // 1.00 at 18 %: 100 × 1800 / 11800 = 15.25 → 15.
    [100, 1800, 85, 15],
    // Exempt.
    [12_345, 0, 12_345, 0],
  ])('%i gross at %i bp is net %i + tax %i', (grossMinor, rate, netMinor, taxMinor) => {
    expect(minor(taxFromGross(crc(grossMinor), rate))).toEqual([netMinor, taxMinor, grossMinor]);
  });

  it('mirrors refunds exactly', () => {
    expect(minor(taxFromGross(crc(-10_000), 1300))).toEqual([-8_850, -1150, -10_000]);
  });
});

describe('taxFromNet (prices exclude tax)', () => {
  it.each([
    [10_000, 1300, 1300, 11_300],
    // 0.05 at 13 % = 0.0065 → 0.01.
    [5, 1300, 1, 6],
    // 0.03 at 16 % = 0.0048 → 0.00.
    [3, 1600, 0, 3],
    // 12.50 at 18 % = 2.25 exactly.
    [1_250, 1800, 225, 1_475],
    [999, 0, 0, 999],
  ])('%i net at %i bp is tax %i, gross %i', (netMinor, rate, taxMinor, grossMinor) => {
    expect(minor(taxFromNet(crc(netMinor), rate))).toEqual([netMinor, taxMinor, grossMinor]);
  });
});

describe('tax rates', () => {
  it('refuses rates outside 0 to 10000 basis points or with fractions', () => {
    expect(() => taxFromNet(crc(1), -1)).toThrow(MoneyInvariantError);
    expect(() => taxFromNet(crc(1), 10_001)).toThrow(MoneyInvariantError);
    expect(() => taxFromGross(crc(1), 12.5)).toThrow(MoneyInvariantError);
    expect(taxRateBasisPointsSchema.safeParse(1300).success).toBe(true);
    expect(taxRateBasisPointsSchema.safeParse(10_001).success).toBe(false);
    expect(taxRateBasisPointsSchema.safeParse(13.5).success).toBe(false);
  });
});

describe('taxTotalsByRate', () => {
  it('groups rounded line taxes by rate, lowest rate first', () => {
    const lines = [
      taxFromGross(crc(11_300), 1300),
      taxFromGross(crc(500), 0),
      taxFromGross(crc(10_000), 1300),
    ];
    expect(taxTotalsByRate(lines)).toEqual([
      { rateBasisPoints: 0, taxableBase: crc(500), tax: crc(0), gross: crc(500) },
      { rateBasisPoints: 1300, taxableBase: crc(18_850), tax: crc(2_450), gross: crc(21_300) },
    ]);
    expect(taxTotalsByRate([])).toEqual([]);
  });

  const rate = fc.constantFrom(0, 500, 800, 1000, 1300, 1500, 1600, 1800, 10_000);
  const line = fc.record({ amountMinor: fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), rate });

  for (const pricesIncludeTax of [true, false]) {
    it(`adds up per line and per rate (prices ${pricesIncludeTax ? 'include' : 'exclude'} tax)`, () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 60 }), (inputs) => {
          const lines = inputs.map((input) =>
            lineTax(crc(input.amountMinor), input.rate, { pricesIncludeTax }),
          );
          for (const [index, taxed] of lines.entries()) {
            expect(addMoney(taxed.net, taxed.tax)).toEqual(taxed.gross);
            const input = inputs[index];
            expect(input).toBeDefined();
            const priced = pricesIncludeTax ? taxed.gross : taxed.net;
            expect(priced.amountMinor).toBe(input?.amountMinor);
          }
          const cartTotal = sumMoney(
            'CRC',
            lines.map((taxed) => taxed.gross),
          );
          const byRate = taxTotalsByRate(lines);
          expect(
            sumMoney(
              'CRC',
              byRate.map((total) => total.gross),
            ),
          ).toEqual(cartTotal);
          expect(
            sumMoney(
              'CRC',
              byRate.map((total) => total.tax),
            ),
          ).toEqual(
            sumMoney(
              'CRC',
              lines.map((taxed) => taxed.tax),
            ),
          );
          for (const total of byRate) expect(addMoney(total.taxableBase, total.tax)).toEqual(total.gross);
          expect(new Set(byRate.map((total) => total.rateBasisPoints)).size).toBe(byRate.length);
        }),
      );
    });
  }

  it('keeps each line tax within half a minor unit of the exact tax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), rate, (amountMinor, rateBasisPoints) => {
        const included = taxFromGross(crc(amountMinor), rateBasisPoints);
        const exactIncludedError =
          BigInt(included.tax.amountMinor) * BigInt(10_000 + rateBasisPoints) -
          BigInt(amountMinor) * BigInt(rateBasisPoints);
        expect(2n * (exactIncludedError < 0n ? -exactIncludedError : exactIncludedError)).toBeLessThanOrEqual(
          BigInt(10_000 + rateBasisPoints),
        );
        const excluded = taxFromNet(crc(amountMinor), rateBasisPoints);
        const exactExcludedError =
          BigInt(excluded.tax.amountMinor) * 10_000n - BigInt(amountMinor) * BigInt(rateBasisPoints);
        expect(2n * (exactExcludedError < 0n ? -exactExcludedError : exactExcludedError)).toBeLessThanOrEqual(
          10_000n,
        );
      }),
    );
  });
});
