import { divideRoundingHalfUp } from './half-up-division';
import { assertMoneyInvariant, type Money, moneyFromBigInt, subtractMoney } from './money';

// Cash can only be paid in amounts the drawer holds, so the part of a sale paid in cash is
// rounded half up to the currency's smallest coin in use. The difference is returned, never
// hidden, so the sale records exactly how much rounding it gave or took.

export type CashRounding = {
  readonly rounded: Money;
  /** rounded − original: positive when the customer pays more, negative when less. */
  readonly difference: Money;
};

/** Rounds half up (half away from zero for negative amounts) to a multiple of the increment. */
export function roundCash(amount: Money, incrementMinor: number): CashRounding {
  assertMoneyInvariant(
    Number.isSafeInteger(incrementMinor) && incrementMinor > 0,
    `Cash rounding increment must be a positive integer of minor units, got ${incrementMinor}`,
  );
  const increment = BigInt(incrementMinor);
  const rounded = moneyFromBigInt(
    divideRoundingHalfUp(BigInt(amount.amountMinor), increment) * increment,
    amount.currency,
  );
  const difference = subtractMoney(rounded, amount);
  assertMoneyInvariant(
    2 * Math.abs(difference.amountMinor) <= incrementMinor,
    'Cash rounding must move an amount by at most half an increment',
  );
  return { rounded, difference };
}
