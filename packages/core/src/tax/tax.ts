import { z } from 'zod';
import {
  addMoney,
  assertMoneyInvariant,
  divideRoundingHalfUp,
  type Money,
  moneyFromBigInt,
  subtractMoney,
  zeroMoney,
} from '../money';

// Taxes (IVA, IGV, GST) are a rate in basis points applied per line: 1300 is 13 %, 0 is exempt.
// Each tenant prices either tax-included (the shelf price is what the customer pays) or
// tax-excluded (tax is added on top). Tax is rounded half up on every line, and the receipt's
// per-rate totals are sums of those rounded lines, so the receipt always adds up to the total
// the customer paid instead of drifting by a cent from a rate applied to a subtotal.

export const taxRateBasisPointsMax = 10_000;
const basisPointsPerWhole = 10_000n;

export const taxRateBasisPointsSchema = z.int().min(0).max(taxRateBasisPointsMax);

export type PriceTaxMode = {
  /** True when prices already contain tax, false when tax is added on top of them. */
  readonly pricesIncludeTax: boolean;
};

/** One line's amount split into taxable base and tax. */
export type LineTax = {
  readonly rateBasisPoints: number;
  /** Taxable base, tax excluded. */
  readonly net: Money;
  readonly tax: Money;
  /** What the customer pays for the line: net + tax. */
  readonly gross: Money;
};

/** The receipt's tax summary row for one rate. */
export type TaxRateTotal = {
  readonly rateBasisPoints: number;
  readonly taxableBase: Money;
  readonly tax: Money;
  readonly gross: Money;
};

export function assertTaxRate(rateBasisPoints: number): void {
  assertMoneyInvariant(
    Number.isSafeInteger(rateBasisPoints) && rateBasisPoints >= 0 && rateBasisPoints <= taxRateBasisPointsMax,
    `Tax rate must be an integer between 0 and ${taxRateBasisPointsMax} basis points, got ${rateBasisPoints}`,
  );
}

/** Extracts the tax contained in a tax-included amount: tax = round(gross × rate / (10000 + rate)). */
export function taxFromGross(gross: Money, rateBasisPoints: number): LineTax {
  assertTaxRate(rateBasisPoints);
  const rate = BigInt(rateBasisPoints);
  const tax = moneyFromBigInt(
    divideRoundingHalfUp(BigInt(gross.amountMinor) * rate, basisPointsPerWhole + rate),
    gross.currency,
  );
  return checkedLineTax({ rateBasisPoints, net: subtractMoney(gross, tax), tax, gross });
}

/** Adds tax on top of a tax-excluded amount: tax = round(net × rate / 10000). */
export function taxFromNet(net: Money, rateBasisPoints: number): LineTax {
  assertTaxRate(rateBasisPoints);
  const tax = moneyFromBigInt(
    divideRoundingHalfUp(BigInt(net.amountMinor) * BigInt(rateBasisPoints), basisPointsPerWhole),
    net.currency,
  );
  return checkedLineTax({ rateBasisPoints, net, tax, gross: addMoney(net, tax) });
}

/** Splits a line amount priced the tenant's way. */
export function lineTax(amount: Money, rateBasisPoints: number, mode: PriceTaxMode): LineTax {
  return mode.pricesIncludeTax ? taxFromGross(amount, rateBasisPoints) : taxFromNet(amount, rateBasisPoints);
}

/** Groups rounded line taxes by rate, lowest rate first, for the receipt's tax summary. */
export function taxTotalsByRate(lines: readonly LineTax[]): TaxRateTotal[] {
  const totalsByRate = new Map<number, TaxRateTotal>();
  for (const line of lines) {
    const current = totalsByRate.get(line.rateBasisPoints) ?? {
      rateBasisPoints: line.rateBasisPoints,
      taxableBase: zeroMoney(line.gross.currency),
      tax: zeroMoney(line.gross.currency),
      gross: zeroMoney(line.gross.currency),
    };
    totalsByRate.set(line.rateBasisPoints, {
      rateBasisPoints: line.rateBasisPoints,
      taxableBase: addMoney(current.taxableBase, line.net),
      tax: addMoney(current.tax, line.tax),
      gross: addMoney(current.gross, line.gross),
    });
  }
  const totals = [...totalsByRate.values()].sort(
    (left, right) => left.rateBasisPoints - right.rateBasisPoints,
  );
  for (const total of totals) {
    assertMoneyInvariant(
      addMoney(total.taxableBase, total.tax).amountMinor === total.gross.amountMinor,
      'Per-rate taxable base plus tax must equal the per-rate gross',
    );
  }
  return totals;
}

function checkedLineTax(line: LineTax): LineTax {
  assertMoneyInvariant(
    addMoney(line.net, line.tax).amountMinor === line.gross.amountMinor,
    'Line net plus tax must equal line gross',
  );
  return line;
}
