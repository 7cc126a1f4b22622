import { describe, expect, it } from 'vitest';
import { formatDuration, localeSeparators, parseMoneyText, storeFormat } from './store-format';

describe('store format', () => {
  it('formats money per store locale and currency from minor units', () => {
    expect(storeFormat('es-CR', 'CRC').money(123_450)).toBe('₡1\u00a0234,50');
    expect(storeFormat('es-MX', 'MXN').money(9_580)).toBe('$95.80');
    expect(storeFormat('en-US', 'USD').money(-5)).toBe('-$0.05');
    // Past 2^53 / 100 a float would lose cents; the decimal-string path does not.
    expect(storeFormat('en-US', 'USD').money(9_007_199_254_740_991)).toBe('$90,071,992,547,409.91');
  });

  it('formats quantities and dates in the store locale and time zone', () => {
    const format = storeFormat('es-MX', 'MXN', 'America/Mexico_City');
    expect(format.quantity('1.25')).toBe('1.25');
    expect(storeFormat('es-CR', 'CRC').quantity('1.25')).toBe('1,25');
    expect(format.time('2026-11-23T18:05:00Z')).toMatch(/12:05/);
  });

  it('reads what a cashier types in the locale or plainly', () => {
    const crc = localeSeparators('es-CR');
    expect(parseMoneyText('5 000,50', 'CRC', crc)?.amountMinor).toBe(500_050);
    expect(parseMoneyText('5000,5', 'CRC', crc)?.amountMinor).toBe(500_050);
    expect(parseMoneyText('5000.50', 'CRC', crc)?.amountMinor).toBe(500_050);
    expect(parseMoneyText('₡ 1 234', 'CRC', crc)?.amountMinor).toBe(123_400);
    const mxn = localeSeparators('es-MX');
    expect(parseMoneyText('1,234.50', 'MXN', mxn)?.amountMinor).toBe(123_450);
    expect(parseMoneyText('$10', 'MXN', mxn)?.amountMinor).toBe(1_000);
  });

  it('refuses what it cannot read exactly', () => {
    const mxn = localeSeparators('es-MX');
    expect(parseMoneyText('', 'MXN', mxn)).toBeUndefined();
    expect(parseMoneyText('1.2.3', 'MXN', mxn)).toBeUndefined();
    expect(parseMoneyText('1.234', 'MXN', mxn)).toBeUndefined();
    expect(parseMoneyText('abc', 'MXN', mxn)).toBeUndefined();
  });

  it('writes durations shortly', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3_900)).toBe('1 h 5 min');
    expect(formatDuration(90_000)).toBe('1 d 1 h');
  });
});
