import { z } from 'zod';

/*
 * The field schemas facts are made of. They are stricter than "any string" on purpose: a fact is
 * hashed and signed as text, so two spellings of one value (an upper-case UUID, a timestamp
 * without milliseconds, "01.5" for "1.5") would make two different facts out of one.
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UTC_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;
// Up to 12 integer digits and 3 decimals, without leading zeros, so that one quantity has one spelling.
const QUANTITY_PATTERN = /^-?(0|[1-9]\d{0,11})(\.\d{1,3})?$/;
// With the `u` flag a surrogate pair reads as one code point, so only unpaired halves match.
const LONE_SURROGATE_PATTERN = /\p{Surrogate}/u;

/** A lower-case RFC 9562 UUID (versions 1 to 8). */
export const uuidSchema = z.string().regex(UUID_PATTERN, 'expected a lower-case UUID');

/** A lower-case UUIDv7: time-ordered, so event ids sort roughly by creation. */
export const uuidV7Schema = z.string().regex(UUID_V7_PATTERN, 'expected a lower-case UUIDv7');

function isRealInstant(text: string): boolean {
  const epochMs = Date.parse(text);
  // A date like 2026-02-30 parses by rolling over; only an exact round trip is a real instant.
  return !Number.isNaN(epochMs) && new Date(epochMs).toISOString() === text;
}

/** An ISO-8601 UTC instant with milliseconds, e.g. 2026-11-23T10:15:30.123Z. */
export const utcTimestampSchema = z
  .string()
  .regex(UTC_TIMESTAMP_PATTERN, 'expected an ISO-8601 UTC timestamp with milliseconds')
  .refine(isRealInstant, 'expected a real calendar instant');

/** An ISO 4217 currency code, e.g. MXN. */
export const currencyCodeSchema = z
  .string()
  .regex(CURRENCY_CODE_PATTERN, 'expected a 3-letter ISO 4217 code');

/** Money in integer minor units (cents); zod's int() already limits it to safe integers. */
export const amountMinorSchema = z.number().int();
export const nonNegativeAmountMinorSchema = amountMinorSchema.nonnegative();
export const positiveAmountMinorSchema = amountMinorSchema.positive();

/** An exact decimal quantity with up to 3 decimals (weighed goods), e.g. "1.250". */
export const quantitySchema = z.string().regex(QUANTITY_PATTERN, 'expected a decimal with up to 3 decimals');

export const positiveQuantitySchema = quantitySchema.refine(
  (quantity) => !quantity.startsWith('-') && /[1-9]/.test(quantity),
  'expected a quantity above zero',
);

/**
 * Free text with length limits. Unpaired UTF-16 surrogates are refused here because the
 * canonical encoding cannot encode them (RFC 8785 §3.2.2.2), and a schema-valid fact must
 * always be encodable.
 */
export function textSchema(lengthMin: number, lengthMax: number) {
  return z
    .string()
    .min(lengthMin)
    .max(lengthMax)
    .refine((text) => !LONE_SURROGATE_PATTERN.test(text), 'expected well-formed Unicode text');
}

/** Sums integers, or returns null when the sum leaves the safe range and would lose cents. */
export function sumSafeIntegers(values: readonly number[]): number | null {
  let total = 0;
  for (const value of values) {
    total += value;
    if (!Number.isSafeInteger(total)) return null;
  }
  return total;
}

export const REASON_LENGTH_MAX = 500;

/** Why a manager or cashier did something unusual (a void, a refund, a pay-out), in their words. */
export const reasonSchema = textSchema(1, REASON_LENGTH_MAX);
