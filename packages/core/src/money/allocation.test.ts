import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocateEvenly } from './allocation';
import { MoneyInvariantError, money, sumMoney } from './money';

const usd = (amountMinor: number) => money(amountMinor, 'USD');
const amounts = (parts: readonly { amountMinor: number }[]) => parts.map((part) => part.amountMinor);

describe('allocate', () => {
  it('splits by weights with the leftover going to the largest remainders', () => {
    expect(amounts(allocate(usd(100), [1, 1, 1]))).toEqual([34, 33, 33]);
    expect(amounts(allocate(usd(5), [3, 7]))).toEqual([2, 3]);
    expect(amounts(allocate(usd(1000), [500, 300, 200]))).toEqual([500, 300, 200]);
    expect(amounts(allocate(usd(10), [1n, 2n, 3n]))).toEqual([2, 3, 5]);
  });

  it('breaks ties by index, lowest first', () => {
    expect(amounts(allocate(usd(2), [1, 1, 1]))).toEqual([1, 1, 0]);
    expect(amounts(allocate(usd(1), [5, 5]))).toEqual([1, 0]);
  });

  it('mirrors negative totals', () => {
    expect(amounts(allocate(usd(-100), [1, 1, 1]))).toEqual([-34, -33, -33]);
  });

  it('gives nothing to zero weights', () => {
    expect(amounts(allocate(usd(7), [0, 1, 0, 1]))).toEqual([0, 4, 0, 3]);
    expect(amounts(allocate(usd(0), [0, 0]))).toEqual([0, 0]);
  });

  it('refuses what cannot be allocated', () => {
    expect(() => allocate(usd(1), [])).toThrow(MoneyInvariantError);
    expect(() => allocate(usd(1), [0, 0])).toThrow(MoneyInvariantError);
    expect(() => allocate(usd(1), [1, -1])).toThrow(MoneyInvariantError);
    expect(() => allocate(usd(1), [0.5])).toThrow(MoneyInvariantError);
  });

  it('splits evenly into parts that differ by at most one minor unit', () => {
    expect(amounts(allocateEvenly(usd(1001), 4))).toEqual([251, 250, 250, 250]);
    expect(() => allocateEvenly(usd(1), 0)).toThrow(MoneyInvariantError);
  });

  it('never loses or invents a cent, and each part is within one unit of its exact share', () => {
    const weights = fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 40 });
    const total = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(total, weights, (totalMinor, weightList) => {
        const weightTotal = weightList.reduce((sum, weight) => sum + weight, 0n);
        fc.pre(weightTotal > 0n || totalMinor === 0);
        const parts = allocate(usd(totalMinor), weightList);
        expect(parts).toHaveLength(weightList.length);
        expect(sumMoney('USD', parts)).toEqual(usd(totalMinor));
        parts.forEach((part, index) => {
          const weight = weightList[index] ?? 0n;
          if (weight === 0n) expect(part.amountMinor).toBe(0);
          if (weightTotal === 0n) return;
          // |part × W − total × w| < W: the part is the exact share rounded one way or the other.
          const error = BigInt(part.amountMinor) * weightTotal - BigInt(totalMinor) * weight;
          expect(error < weightTotal && error > -weightTotal).toBe(true);
        });
      }),
    );
  });

  it('is deterministic and mirrors the sign of the total', () => {
    const weights = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), weights, (totalMinor, weightList) => {
        fc.pre(weightList.some((weight) => weight > 0));
        const positive = amounts(allocate(usd(totalMinor), weightList));
        expect(amounts(allocate(usd(totalMinor), weightList))).toEqual(positive);
        expect(amounts(allocate(usd(-totalMinor), weightList))).toEqual(
          positive.map((part) => (part === 0 ? 0 : -part)),
        );
      }),
    );
  });
});
