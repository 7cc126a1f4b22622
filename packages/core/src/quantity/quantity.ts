import { z } from 'zod';
import { assertMoneyInvariant, divideRoundingHalfUp, type Money, moneyFromBigInt } from '../money';

// Quantities are exact decimals with at most three decimal places (grams of a kilogram, millilitres
// of a litre), held as an integer count of thousandths. Weighed goods multiply prices by them, so
// they never pass through floating point either.
//
// Canonical text form: the shortest exact decimal. No trailing zeros after the point, no point
// when the value is whole, no leading zeros, no plus sign, and zero is "0" (never "-0").
// 1250 thousandths → "1.25", 2000 → "2", 500 → "0.5", -1500 → "-1.5". Facts carry quantities in
// this form, so one quantity has exactly one spelling on the wire and in hashes.

export type Quantity = {
  readonly quantityMilli: number;
};

export const quantityDecimalsMax = 3;
const milliPerUnit = 1000;
const quantityTextLengthMax = 24;
const quantityPattern = /^(-)?(\d+)(?:\.(\d+))?$/;
const canonicalQuantityPattern = /^-?(?:0|[1-9]\d*)(?:\.\d{0,2}[1-9])?$/;

export type QuantityParseRefusalCode =
  | 'QUANTITY_INVALID'
  | 'QUANTITY_TOO_MANY_DECIMALS'
  | 'QUANTITY_OUT_OF_RANGE';

export type QuantityParseOutcome =
  | { readonly ok: true; readonly quantity: Quantity }
  | { readonly ok: false; readonly code: QuantityParseRefusalCode; readonly text: string };

export function quantityFromMilli(quantityMilli: number): Quantity {
  assertMoneyInvariant(
    Number.isSafeInteger(quantityMilli),
    `Quantity must be a safe integer of thousandths, got ${quantityMilli}`,
  );
  return { quantityMilli: quantityMilli === 0 ? 0 : quantityMilli };
}

/** A whole number of units: 3 → 3.000. */
export function quantityFromUnits(units: number): Quantity {
  assertMoneyInvariant(Number.isSafeInteger(units), `Unit count must be a safe integer, got ${units}`);
  return quantityFromMilli(units * milliPerUnit);
}

/** Reads "2", "1.250" or "-0.5"; refuses exponents, separators, signs other than "-", and garbage. */
export function parseQuantity(text: string): QuantityParseOutcome {
  const match = text.length <= quantityTextLengthMax ? quantityPattern.exec(text) : null;
  if (match === null) return { ok: false, code: 'QUANTITY_INVALID', text };
  const [, sign, integerPart = '', fractionPart = ''] = match;
  if (fractionPart.length > quantityDecimalsMax) {
    return { ok: false, code: 'QUANTITY_TOO_MANY_DECIMALS', text };
  }
  const magnitude = BigInt(integerPart + fractionPart.padEnd(quantityDecimalsMax, '0'));
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, code: 'QUANTITY_OUT_OF_RANGE', text };
  }
  const quantityMilli = Number(magnitude);
  return { ok: true, quantity: quantityFromMilli(sign === '-' ? -quantityMilli : quantityMilli) };
}

/** The canonical text form described at the top of this file. */
export function formatQuantity(quantity: Quantity): string {
  const negative = quantity.quantityMilli < 0;
  const magnitude = Math.abs(quantity.quantityMilli);
  const integerPart = Math.trunc(magnitude / milliPerUnit).toString();
  const fractionPart = (magnitude % milliPerUnit)
    .toString()
    .padStart(quantityDecimalsMax, '0')
    .replace(/0+$/, '');
  const unsigned = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  return negative ? `-${unsigned}` : unsigned;
}

export function addQuantity(left: Quantity, right: Quantity): Quantity {
  return quantityFromMilli(left.quantityMilli + right.quantityMilli);
}

export function subtractQuantity(left: Quantity, right: Quantity): Quantity {
  return quantityFromMilli(left.quantityMilli - right.quantityMilli);
}

/** Returns -1, 0 or 1, like a sort comparator. */
export function compareQuantity(left: Quantity, right: Quantity): -1 | 0 | 1 {
  if (left.quantityMilli < right.quantityMilli) return -1;
  if (left.quantityMilli > right.quantityMilli) return 1;
  return 0;
}

export function isZeroQuantity(quantity: Quantity): boolean {
  return quantity.quantityMilli === 0;
}

export function isPositiveQuantity(quantity: Quantity): boolean {
  return quantity.quantityMilli > 0;
}

/** True when the quantity has no fractional part, as unit (not weighed) items require. */
export function isWholeQuantity(quantity: Quantity): boolean {
  return quantity.quantityMilli % milliPerUnit === 0;
}

/**
 * Price × quantity, rounded half up to the minor unit (half away from zero for negatives):
 * 1.255 kg at 10.00 → 12.55; 0.333 kg at 0.05 → 0.02 (0.01665 rounds up).
 */
export function multiplyMoneyByQuantity(unitPrice: Money, quantity: Quantity): Money {
  const productMilli = BigInt(unitPrice.amountMinor) * BigInt(quantity.quantityMilli);
  return moneyFromBigInt(divideRoundingHalfUp(productMilli, BigInt(milliPerUnit)), unitPrice.currency);
}

/** A quantity on the wire: a decimal string in canonical form (see the top of this file). */
export const quantitySchema = z
  .string()
  .max(quantityTextLengthMax)
  .regex(canonicalQuantityPattern, 'Quantity must be a canonical decimal with at most 3 decimals')
  .refine((text) => text !== '-0' && parseQuantity(text).ok, 'Quantity is out of range');
