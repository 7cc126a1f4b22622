import { describe, expect, it } from 'vitest';
import { MoneyInvariantError, money } from '../money';
import { checkDiscount, discountAmount } from './discount';

const pen = (amountMinor: number) => money(amountMinor, 'PEN');

describe('discountAmount', () => {
  it('rounds percentages half up and caps amounts at the base', () => {
    // 12.5 % of 0.99 = 0.12375 → 0.12; 50 % of 0.03 = 0.015 → 0.02.
    expect(discountAmount({ kind: 'percent', rateBasisPoints: 1_250 }, pen(99))).toEqual(pen(12));
    expect(discountAmount({ kind: 'percent', rateBasisPoints: 5_000 }, pen(3))).toEqual(pen(2));
    expect(discountAmount({ kind: 'percent', rateBasisPoints: 10_000 }, pen(777))).toEqual(pen(777));
    expect(discountAmount({ kind: 'amount', amount: pen(500) }, pen(300))).toEqual(pen(300));
    expect(discountAmount(undefined, pen(300))).toEqual(pen(0));
  });

  it('treats a stored discount that could never have been accepted as a bug', () => {
    expect(() => discountAmount({ kind: 'percent', rateBasisPoints: 20_000 }, pen(1))).toThrow(
      MoneyInvariantError,
    );
    expect(() => discountAmount({ kind: 'amount', amount: pen(-1) }, pen(1))).toThrow(MoneyInvariantError);
    expect(() => discountAmount(undefined, pen(-1))).toThrow(MoneyInvariantError);
  });
});

describe('checkDiscount', () => {
  it('lets a user without discount permission give nothing but a zero discount', () => {
    const none = { maxDiscountBasisPoints: 0 };
    expect(checkDiscount({ kind: 'percent', rateBasisPoints: 0 }, pen(1_000), none)).toBeUndefined();
    expect(checkDiscount({ kind: 'amount', amount: pen(0) }, pen(0), none)).toBeUndefined();
    expect(checkDiscount({ kind: 'amount', amount: pen(1) }, pen(1_000), none)).toEqual({
      ok: false,
      code: 'DISCOUNT_ABOVE_LIMIT',
      maxDiscountBasisPoints: 0,
      requestedBasisPoints: 10,
    });
  });

  it('refuses a fixed discount on nothing', () => {
    expect(
      checkDiscount({ kind: 'amount', amount: pen(1) }, pen(0), { maxDiscountBasisPoints: 10_000 }),
    ).toEqual({
      ok: false,
      code: 'DISCOUNT_EXCEEDS_AMOUNT',
      base: pen(0),
    });
  });

  it('refuses fractional percentages', () => {
    expect(
      checkDiscount({ kind: 'percent', rateBasisPoints: 12.5 }, pen(1_000), {
        maxDiscountBasisPoints: 10_000,
      }),
    ).toEqual({
      ok: false,
      code: 'DISCOUNT_INVALID',
    });
  });
});
