import { describe, expect, it } from 'vitest';
import { amountMinorSchema, currencyCodeSchema, moneySchema } from './money-schema';

describe('money schemas', () => {
  it('accept known currency codes only', () => {
    expect(currencyCodeSchema.safeParse('CRC').success).toBe(true);
    expect(currencyCodeSchema.safeParse('EUR').success).toBe(false);
    expect(currencyCodeSchema.safeParse('crc').success).toBe(false);
  });

  it('accept safe integers of minor units only', () => {
    expect(amountMinorSchema.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
    expect(amountMinorSchema.safeParse(-5).success).toBe(true);
    expect(amountMinorSchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(amountMinorSchema.safeParse(1.5).success).toBe(false);
    expect(amountMinorSchema.safeParse('100').success).toBe(false);
    expect(amountMinorSchema.safeParse(Number.NaN).success).toBe(false);
  });

  it('parse money and refuse unknown keys', () => {
    expect(moneySchema.parse({ amountMinor: 123450, currency: 'CRC' })).toEqual({
      amountMinor: 123450,
      currency: 'CRC',
    });
    expect(moneySchema.safeParse({ amountMinor: 1, currency: 'CRC', note: 'x' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 1 }).success).toBe(false);
  });
});
