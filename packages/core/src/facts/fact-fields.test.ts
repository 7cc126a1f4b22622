import { describe, expect, it } from 'vitest';
import {
  amountMinorSchema,
  currencyCodeSchema,
  positiveQuantitySchema,
  quantitySchema,
  reasonSchema,
  sumSafeIntegers,
  utcTimestampSchema,
  uuidSchema,
  uuidV7Schema,
} from './fact-fields';

const accepts = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe('identifiers', () => {
  it('accepts lower-case RFC 9562 UUIDs only', () => {
    expect(accepts(uuidSchema, 'a0000000-0000-4000-8000-000000000001')).toBe(true);
    expect(accepts(uuidSchema, '01a208fe-192a-7000-b000-000000000006')).toBe(true);
    expect(accepts(uuidSchema, 'A0000000-0000-4000-8000-000000000001')).toBe(false);
    expect(accepts(uuidSchema, '00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(accepts(uuidSchema, 'a0000000-0000-4000-c000-000000000001')).toBe(false);
    expect(accepts(uuidSchema, 'a0000000000040008000000000000001')).toBe(false);
    expect(accepts(uuidSchema, '{a0000000-0000-4000-8000-000000000001}')).toBe(false);
    expect(accepts(uuidSchema, 'sale-1')).toBe(false);
    expect(accepts(uuidSchema, 1)).toBe(false);
  });

  it('accepts version 7 only for event ids', () => {
    expect(accepts(uuidV7Schema, '01a208fe-192a-7abc-9000-000000000006')).toBe(true);
    expect(accepts(uuidV7Schema, 'a0000000-0000-4000-8000-000000000001')).toBe(false);
    expect(accepts(uuidV7Schema, '01a208fe-192a-7abc-7000-000000000006')).toBe(false);
  });
});

describe('utcTimestampSchema', () => {
  it('accepts ISO-8601 UTC instants with milliseconds', () => {
    expect(accepts(utcTimestampSchema, '2026-11-23T10:15:30.123Z')).toBe(true);
    expect(accepts(utcTimestampSchema, '2028-02-29T23:59:59.999Z')).toBe(true);
  });

  it.each([
    '2026-11-23T10:15:30Z',
    '2026-11-23T10:15:30.12Z',
    '2026-11-23T10:15:30.123+00:00',
    '2026-11-23T10:15:30.123',
    '2026-11-23 10:15:30.123Z',
    '2026-02-30T10:15:30.123Z',
    '2027-02-29T10:15:30.123Z',
    '2026-13-01T10:15:30.123Z',
    '2026-11-23T24:00:00.000Z',
    '2026-11-23T10:60:00.000Z',
  ])('refuses %s', (text) => {
    expect(accepts(utcTimestampSchema, text)).toBe(false);
  });
});

describe('money, currency and quantity fields', () => {
  it('takes money as safe integers of minor units', () => {
    expect(accepts(amountMinorSchema, 46_400)).toBe(true);
    expect(accepts(amountMinorSchema, -50)).toBe(true);
    expect(accepts(amountMinorSchema, 464.5)).toBe(false);
    expect(accepts(amountMinorSchema, 2 ** 53)).toBe(false);
    expect(accepts(amountMinorSchema, Number.NaN)).toBe(false);
    expect(accepts(amountMinorSchema, '46400')).toBe(false);
  });

  it('takes currencies as upper-case ISO 4217 codes', () => {
    expect(accepts(currencyCodeSchema, 'MXN')).toBe(true);
    expect(accepts(currencyCodeSchema, 'mxn')).toBe(false);
    expect(accepts(currencyCodeSchema, 'MX')).toBe(false);
    expect(accepts(currencyCodeSchema, 'PESO')).toBe(false);
  });

  it('takes quantities as decimal strings with up to 3 decimals and one spelling', () => {
    for (const quantity of ['0', '1', '1.250', '0.5', '-2', '-0.125', '999999999999.999']) {
      expect(accepts(quantitySchema, quantity), quantity).toBe(true);
    }
    for (const quantity of [
      '1.2500',
      '1.',
      '.5',
      '01',
      '+1',
      '1e3',
      '1,5',
      ' 1',
      '',
      '1000000000000',
      1.25,
    ]) {
      expect(accepts(quantitySchema, quantity), String(quantity)).toBe(false);
    }
  });

  it('takes positive quantities above zero only', () => {
    expect(accepts(positiveQuantitySchema, '0.001')).toBe(true);
    expect(accepts(positiveQuantitySchema, '0')).toBe(false);
    expect(accepts(positiveQuantitySchema, '0.000')).toBe(false);
    expect(accepts(positiveQuantitySchema, '-1')).toBe(false);
  });

  it('takes reasons of 1 to 500 well-formed characters', () => {
    expect(accepts(reasonSchema, 'Cliente canceló 😀')).toBe(true);
    expect(accepts(reasonSchema, '')).toBe(false);
    expect(accepts(reasonSchema, 'x'.repeat(501))).toBe(false);
    expect(accepts(reasonSchema, 'broken \ud800 text')).toBe(false);
  });
});

describe('sumSafeIntegers', () => {
  it('sums, or says null when the sum would lose precision', () => {
    expect(sumSafeIntegers([])).toBe(0);
    expect(sumSafeIntegers([17_900, 28_500, -400])).toBe(46_000);
    expect(sumSafeIntegers([Number.MAX_SAFE_INTEGER, 1])).toBeNull();
    expect(sumSafeIntegers([Number.MAX_SAFE_INTEGER, 1, -1])).toBeNull();
    expect(sumSafeIntegers([Number.MIN_SAFE_INTEGER, -1])).toBeNull();
  });
});
