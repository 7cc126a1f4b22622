import type { CurrencyCode } from './currency';

// Money is an integer count of minor units (cents, centavos, céntimos) tagged with its currency.
// No floating point touches it: sums stay exact up to Number.MAX_SAFE_INTEGER minor units, and
// products go through BigInt so they never lose a digit before being checked back into range.

export type Money = {
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
};

/** Thrown when a money invariant breaks: that is a bug in the caller, never a business outcome. */
export class MoneyInvariantError extends Error {
  override readonly name = 'MoneyInvariantError';
}

/** Thrown when two amounts in different currencies meet in one operation. */
export class CurrencyMismatchError extends MoneyInvariantError {
  constructor(
    readonly expected: CurrencyCode,
    readonly received: CurrencyCode,
  ) {
    super(`Currency mismatch: expected ${expected}, received ${received}`);
  }
}

export function assertMoneyInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new MoneyInvariantError(message);
  }
}

export function money(amountMinor: number, currency: CurrencyCode): Money {
  assertMoneyInvariant(
    Number.isSafeInteger(amountMinor),
    `Money amount must be a safe integer of minor units, got ${amountMinor}`,
  );
  // Normalising negative zero keeps equality checks (Object.is, deep equality) honest.
  return { amountMinor: amountMinor === 0 ? 0 : amountMinor, currency };
}

/** Builds money from an intermediate BigInt result, refusing anything outside the safe range. */
export function moneyFromBigInt(amountMinor: bigint, currency: CurrencyCode): Money {
  assertMoneyInvariant(
    amountMinor <= BigInt(Number.MAX_SAFE_INTEGER) && amountMinor >= BigInt(Number.MIN_SAFE_INTEGER),
    `Money amount ${amountMinor} is outside the safe integer range`,
  );
  return money(Number(amountMinor), currency);
}

export function zeroMoney(currency: CurrencyCode): Money {
  return money(0, currency);
}

export function assertSameCurrency(left: Money, right: Money): void {
  if (left.currency !== right.currency) {
    throw new CurrencyMismatchError(left.currency, right.currency);
  }
}

export function addMoney(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  return moneyFromBigInt(BigInt(left.amountMinor) + BigInt(right.amountMinor), left.currency);
}

export function subtractMoney(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  return moneyFromBigInt(BigInt(left.amountMinor) - BigInt(right.amountMinor), left.currency);
}

export function negateMoney(amount: Money): Money {
  return money(-amount.amountMinor, amount.currency);
}

/** Multiplies by an integer factor (a count of units, never a fraction). */
export function multiplyMoney(amount: Money, factor: number | bigint): Money {
  if (typeof factor === 'number') {
    assertMoneyInvariant(Number.isSafeInteger(factor), `Money factor must be a safe integer, got ${factor}`);
  }
  return moneyFromBigInt(BigInt(amount.amountMinor) * BigInt(factor), amount.currency);
}

/** Returns -1, 0 or 1, like a sort comparator. */
export function compareMoney(left: Money, right: Money): -1 | 0 | 1 {
  assertSameCurrency(left, right);
  if (left.amountMinor < right.amountMinor) return -1;
  if (left.amountMinor > right.amountMinor) return 1;
  return 0;
}

export function equalsMoney(left: Money, right: Money): boolean {
  return compareMoney(left, right) === 0;
}

export function isZeroMoney(amount: Money): boolean {
  return amount.amountMinor === 0;
}

export function isNegativeMoney(amount: Money): boolean {
  return amount.amountMinor < 0;
}

export function isPositiveMoney(amount: Money): boolean {
  return amount.amountMinor > 0;
}

export function minMoney(left: Money, right: Money): Money {
  return compareMoney(left, right) <= 0 ? left : right;
}

export function maxMoney(left: Money, right: Money): Money {
  return compareMoney(left, right) >= 0 ? left : right;
}

/** Sums a list; the currency is given so that an empty list still has one. */
export function sumMoney(currency: CurrencyCode, amounts: readonly Money[]): Money {
  let totalMinor = 0n;
  for (const amount of amounts) {
    if (amount.currency !== currency) {
      throw new CurrencyMismatchError(currency, amount.currency);
    }
    totalMinor += BigInt(amount.amountMinor);
  }
  return moneyFromBigInt(totalMinor, currency);
}
