import type { CurrencyCode, DenominationCount } from '@mostrador/core';

// The notes and coins a drawer holds, per currency, for the blind count at the close of a shift.
// Values are in minor units. Where a coin and a note share a face value (the US dollar, Mexico's
// 20 pesos, Pakistan's 10 rupees), they are one row: the fact counts each value once.

export type Denomination = {
  readonly valueMinor: number;
  readonly kind: 'coin' | 'bill' | 'coin-or-bill';
};

const coins = (values: readonly number[], scale: number) =>
  values.map((value): Denomination => ({ valueMinor: value * scale, kind: 'coin' }));
const bills = (values: readonly number[], scale: number) =>
  values.map((value): Denomination => ({ valueMinor: value * scale, kind: 'bill' }));

/** In major units × 100 (cents) for two-digit currencies, major units for JPY and CLP. */
const DRAWERS: Readonly<Record<CurrencyCode, readonly Denomination[]>> = {
  CRC: [...coins([5, 10, 25, 50, 100, 500], 100), ...bills([1_000, 2_000, 5_000, 10_000, 20_000], 100)],
  MXN: [
    ...coins([10, 20, 50], 1),
    ...coins([1, 2, 5, 10], 100),
    { valueMinor: 2_000, kind: 'coin-or-bill' },
    ...bills([50, 100, 200, 500, 1_000], 100),
  ],
  USD: [
    ...coins([1, 5, 10, 25, 50], 1),
    { valueMinor: 100, kind: 'coin-or-bill' },
    ...bills([2, 5, 10, 20, 50, 100], 100),
  ],
  PEN: [...coins([10, 20, 50], 1), ...coins([1, 2, 5], 100), ...bills([10, 20, 50, 100, 200], 100)],
  COP: [
    ...coins([50, 100, 200, 500], 100),
    { valueMinor: 100_000, kind: 'coin-or-bill' },
    ...bills([2_000, 5_000, 10_000, 20_000, 50_000, 100_000], 100),
  ],
  PKR: [
    ...coins([1, 2, 5], 100),
    { valueMinor: 1_000, kind: 'coin-or-bill' },
    ...bills([20, 50, 100, 500, 1_000, 5_000], 100),
  ],
  JPY: [...coins([1, 5, 10, 50, 100, 500], 1), ...bills([1_000, 2_000, 5_000, 10_000], 1)],
  CLP: [...coins([10, 50, 100, 500], 1), ...bills([1_000, 2_000, 5_000, 10_000, 20_000], 1)],
};

/** The drawer's denominations, smallest first. */
export function denominationsOf(currency: CurrencyCode): readonly Denomination[] {
  return DRAWERS[currency];
}

/**
 * The counted cash, exactly: Σ value × count in minor units, or undefined when a count is not a
 * whole number of pieces or the sum would leave the safe integer range.
 */
export function countedTotalMinor(counts: readonly DenominationCount[]): number | undefined {
  let total = 0n;
  for (const { valueMinor, count } of counts) {
    if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(valueMinor) || valueMinor <= 0) {
      return undefined;
    }
    total += BigInt(valueMinor) * BigInt(count);
  }
  return total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : undefined;
}

/** The rows of a count worth sending: every denomination with at least one piece. */
export function nonEmptyCounts(counts: ReadonlyMap<number, number>): DenominationCount[] {
  return [...counts.entries()]
    .filter(([, count]) => count > 0)
    .sort(([left], [right]) => left - right)
    .map(([valueMinor, count]) => ({ valueMinor, count }));
}
