import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyCodes } from './currency';
import { money } from './money';
import { formatMoney, moneyFromDecimalString, moneyToDecimalString } from './money-format';

// Intl output as printed by Node 20 (ICU 7x). Some locales separate with U+00A0 (no-break space).
const noBreakSpace = '\u00a0';

describe('moneyToDecimalString', () => {
  it.each([
    [123450, 'CRC', '1234.50'],
    [5, 'USD', '0.05'],
    [-5, 'USD', '-0.05'],
    [-123456, 'MXN', '-1234.56'],
    [0, 'PEN', '0.00'],
    [1235, 'JPY', '1235'],
    [-1235, 'CLP', '-1235'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
  ] as const)('%i %s is %s', (amountMinor, currency, text) => {
    expect(moneyToDecimalString(money(amountMinor, currency))).toBe(text);
  });
});

describe('moneyFromDecimalString', () => {
  it('reads decimals with up to the currency minor digits', () => {
    expect(moneyFromDecimalString('1234.5', 'CRC')).toEqual(money(123450, 'CRC'));
    expect(moneyFromDecimalString('-0.05', 'USD')).toEqual(money(-5, 'USD'));
    expect(moneyFromDecimalString('1235', 'JPY')).toEqual(money(1235, 'JPY'));
    expect(moneyFromDecimalString('90071992547409.91', 'USD')).toEqual(money(Number.MAX_SAFE_INTEGER, 'USD'));
  });

  it.each([
    ['1.234', 'USD'],
    ['1.5', 'JPY'],
    ['1e3', 'USD'],
    ['NaN', 'USD'],
    ['', 'USD'],
    ['1,50', 'USD'],
    ['.5', 'USD'],
    ['1.', 'USD'],
    ['+1', 'USD'],
    [' 1', 'USD'],
    ['90071992547409.92', 'USD'],
  ] as const)('refuses %j in %s', (text, currency) => {
    expect(moneyFromDecimalString(text, currency)).toBeUndefined();
  });

  it('round-trips every safe amount in every currency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(...currencyCodes),
        (amountMinor, currency) => {
          const amount = money(amountMinor, currency);
          expect(moneyFromDecimalString(moneyToDecimalString(amount), currency)).toEqual(amount);
        },
      ),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [123450, 'CRC', 'es-CR', `₡1${noBreakSpace}234,50`],
    [-123450, 'CRC', 'es-CR', `-₡1${noBreakSpace}234,50`],
    [123456789, 'CRC', 'es-CR', `₡1${noBreakSpace}234${noBreakSpace}567,89`],
    [123450, 'MXN', 'es-MX', '$1,234.50'],
    [5, 'MXN', 'es-MX', '$0.05'],
    [123450, 'USD', 'en-US', '$1,234.50'],
    [-5, 'USD', 'en-US', '-$0.05'],
    [123450, 'PEN', 'es-PE', `S/${noBreakSpace}1,234.50`],
    [123450, 'COP', 'es-CO', `$${noBreakSpace}1.234,50`],
    [123450, 'PKR', 'en-PK', `Rs${noBreakSpace}1,234.50`],
    [1235, 'JPY', 'ja-JP', '￥1,235'],
    [1235, 'CLP', 'es-CL', '$1.235'],
  ] as const)('%i %s in %s prints %j', (amountMinor, currency, locale, expected) => {
    expect(formatMoney(money(amountMinor, currency), locale)).toBe(expected);
  });

  it('keeps every digit of amounts too large for a float to hold in cents', () => {
    // 90071992547409.91 is not representable as a double; dividing by 100 would print ...409.92.
    expect(formatMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), 'en-US')).toBe('$90,071,992,547,409.91');
  });
});
