import {
  assertMoneyInvariant,
  type CurrencyCode,
  divideRoundingHalfUp,
  type Money,
  minMoney,
  moneyFromBigInt,
  zeroMoney,
} from '../money';

// A discount is either a percentage (in basis points) or a fixed amount, on one line or on the
// whole cart. Each acting user may give at most `maxDiscountBasisPoints` of the amount a discount
// applies to; a discount above that is refused with a code so the till can ask for a manager.
//
// Each discount is checked against its own base: a line discount against the line's price ×
// quantity, a cart discount against the lines after their own discounts. When a later quantity
// change shrinks the base below a fixed-amount discount, the discount is capped at the base so
// no line ever goes negative.

export type Discount =
  | { readonly kind: 'percent'; readonly rateBasisPoints: number }
  | { readonly kind: 'amount'; readonly amount: Money };

export type DiscountPermission = {
  /** The largest share of an amount the acting user may discount, in basis points (10000 = all). */
  readonly maxDiscountBasisPoints: number;
};

export type DiscountRefusal =
  | { readonly ok: false; readonly code: 'DISCOUNT_INVALID' }
  | { readonly ok: false; readonly code: 'DISCOUNT_EXCEEDS_AMOUNT'; readonly base: Money }
  | {
      readonly ok: false;
      readonly code: 'DISCOUNT_ABOVE_LIMIT';
      readonly maxDiscountBasisPoints: number;
      /** The requested discount as a share of its base, rounded up so it never looks allowed. */
      readonly requestedBasisPoints: number;
    }
  | {
      readonly ok: false;
      readonly code: 'CURRENCY_MISMATCH';
      readonly expected: CurrencyCode;
      readonly received: CurrencyCode;
    };

const basisPointsWhole = 10_000;

/** Returns why the discount cannot be given on this base by this user, or undefined when it can. */
export function checkDiscount(
  discount: Discount,
  base: Money,
  permission: DiscountPermission,
): DiscountRefusal | undefined {
  const { maxDiscountBasisPoints } = permission;
  assertMoneyInvariant(
    Number.isSafeInteger(maxDiscountBasisPoints) &&
      maxDiscountBasisPoints >= 0 &&
      maxDiscountBasisPoints <= basisPointsWhole,
    `Discount permission must be between 0 and ${basisPointsWhole} basis points, got ${maxDiscountBasisPoints}`,
  );
  assertMoneyInvariant(base.amountMinor >= 0, 'A discount base must not be negative');
  if (discount.kind === 'percent') {
    const { rateBasisPoints } = discount;
    if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0 || rateBasisPoints > basisPointsWhole) {
      return { ok: false, code: 'DISCOUNT_INVALID' };
    }
    if (rateBasisPoints > maxDiscountBasisPoints) {
      return {
        ok: false,
        code: 'DISCOUNT_ABOVE_LIMIT',
        maxDiscountBasisPoints,
        requestedBasisPoints: rateBasisPoints,
      };
    }
    return undefined;
  }
  const { amount } = discount;
  if (amount.currency !== base.currency) {
    return { ok: false, code: 'CURRENCY_MISMATCH', expected: base.currency, received: amount.currency };
  }
  if (amount.amountMinor < 0) return { ok: false, code: 'DISCOUNT_INVALID' };
  if (amount.amountMinor > base.amountMinor) return { ok: false, code: 'DISCOUNT_EXCEEDS_AMOUNT', base };
  const requestedScaled = BigInt(amount.amountMinor) * BigInt(basisPointsWhole);
  if (requestedScaled > BigInt(maxDiscountBasisPoints) * BigInt(base.amountMinor)) {
    const baseMinor = BigInt(base.amountMinor);
    const requestedBasisPoints = Number((requestedScaled + baseMinor - 1n) / baseMinor);
    return { ok: false, code: 'DISCOUNT_ABOVE_LIMIT', maxDiscountBasisPoints, requestedBasisPoints };
  }
  return undefined;
}

/**
 * The amount a discount takes off its base, between zero and the base: percentages round half
 * up to the minor unit, fixed amounts are capped at the base.
 */
export function discountAmount(discount: Discount | undefined, base: Money): Money {
  assertMoneyInvariant(base.amountMinor >= 0, 'A discount base must not be negative');
  if (discount === undefined) return zeroMoney(base.currency);
  if (discount.kind === 'percent') {
    assertMoneyInvariant(
      Number.isSafeInteger(discount.rateBasisPoints) &&
        discount.rateBasisPoints >= 0 &&
        discount.rateBasisPoints <= basisPointsWhole,
      `A percent discount must be between 0 and ${basisPointsWhole} basis points`,
    );
    const taken = moneyFromBigInt(
      divideRoundingHalfUp(
        BigInt(base.amountMinor) * BigInt(discount.rateBasisPoints),
        BigInt(basisPointsWhole),
      ),
      base.currency,
    );
    return minMoney(taken, base);
  }
  assertMoneyInvariant(discount.amount.amountMinor >= 0, 'A discount amount must not be negative');
  return minMoney(discount.amount, base);
}
