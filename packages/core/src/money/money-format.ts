import { type CurrencyCode, currencyDefinition } from './currency';
import { type Money, moneyFromBigInt } from './money';

// Minor units become a decimal string with integer and string arithmetic only: dividing by 100
// in floating point would print 0.1 + 0.2 style errors on large amounts. Intl.NumberFormat
// accepts that decimal string as an exact value (ECMA-402 NumberFormat v3, Node 19+ and all
// current browsers), so the locale's symbols and grouping are applied without a float in between.

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;
const decimalTextLengthMax = 40;

/** "123450" CRC → "1234.50"; "-5" USD → "-0.05"; "1235" JPY → "1235". */
export function moneyToDecimalString(amount: Money): string {
  const { minorDigits } = currencyDefinition(amount.currency);
  const negative = amount.amountMinor < 0;
  const digits = Math.abs(amount.amountMinor)
    .toString()
    .padStart(minorDigits + 1, '0');
  const integerPart = digits.slice(0, digits.length - minorDigits);
  const fractionPart = digits.slice(digits.length - minorDigits);
  const unsigned = minorDigits === 0 ? integerPart : `${integerPart}.${fractionPart}`;
  return negative ? `-${unsigned}` : unsigned;
}

/**
 * Reads a decimal amount such as "1234.5" or "-0.05" in the currency's major unit. Returns
 * undefined for anything else: exponents, separators, more decimals than the currency has.
 */
export function moneyFromDecimalString(text: string, currency: CurrencyCode): Money | undefined {
  if (text.length > decimalTextLengthMax) return undefined;
  const match = decimalPattern.exec(text);
  if (match === null) return undefined;
  const [, sign, integerPart = '', fractionPart = ''] = match;
  const { minorDigits } = currencyDefinition(currency);
  if (fractionPart.length > minorDigits) return undefined;
  const magnitude = BigInt(integerPart + fractionPart.padEnd(minorDigits, '0'));
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return moneyFromBigInt(sign === '-' ? -magnitude : magnitude, currency);
}

/** Formats for people, e.g. 123450 CRC in es-CR → "₡1 234,50" (the space is U+00A0). */
export function formatMoney(amount: Money, locale: string): string {
  const { minorDigits } = currencyDefinition(amount.currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: amount.currency,
    minimumFractionDigits: minorDigits,
    maximumFractionDigits: minorDigits,
  });
  return formatter.format(moneyToDecimalString(amount) as `${number}`);
}
