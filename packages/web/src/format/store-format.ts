import {
  type CurrencyCode,
  formatMoney,
  type Money,
  moneyFromDecimalString,
  money as moneyOf,
} from '@mostrador/core';

// Money, quantities and dates as the store's customers read them: the store's locale and
// currency, whatever language the screen is in. Money never passes through a float: minor units
// become a decimal string (core's formatMoney), and typed amounts are parsed back the same way.

export interface StoreFormat {
  readonly locale: string;
  readonly currency: CurrencyCode;
  readonly timeZone: string | undefined;
  money(amountMinor: number): string;
  /** "1.25" → "1,25" in es-CR; quantities are exact decimal strings. */
  quantity(decimal: string): string;
  dateTime(iso: string): string;
  time(iso: string): string;
  /** "1 h 5 min" style durations for sync ages and offline time (the unit symbols read in both languages). */
  duration(seconds: number): string;
  /** Reads what a cashier typed ("5 000,50", "5000.5", "₡5000") in the store's currency. */
  parseMoney(text: string): Money | undefined;
}

export function storeFormat(locale: string, currency: CurrencyCode, timeZone?: string): StoreFormat {
  const safeLocale = supportedLocale(locale);
  const separators = localeSeparators(safeLocale);
  const dateTimeFormat = new Intl.DateTimeFormat(safeLocale, {
    dateStyle: 'short',
    timeStyle: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  });
  const timeFormat = new Intl.DateTimeFormat(safeLocale, {
    timeStyle: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  });
  const quantityFormat = new Intl.NumberFormat(safeLocale, { maximumFractionDigits: 3 });
  return {
    locale: safeLocale,
    currency,
    timeZone,
    money: (amountMinor) => formatMoney(moneyOf(amountMinor, currency), safeLocale),
    quantity: (decimal) => quantityFormat.format(decimal as `${number}`),
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
    time: (iso) => timeFormat.format(new Date(iso)),
    duration: (seconds) => formatDuration(seconds),
    parseMoney: (text) => parseMoneyText(text, currency, separators),
  };
}

export type Separators = { readonly group: string; readonly decimal: string };

export function localeSeparators(locale: string): Separators {
  // The parts of a formatted integer and fraction say which characters the locale uses.
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
  };
}

/**
 * Accepts the locale's own way of writing an amount and the plain one: "5 000,50" and "5000,5" in
 * es-CR, "1,234.50" in es-MX, "5000.5" anywhere when the locale's decimal is not the dot and the
 * text has a single dot followed by one or two digits. Anything ambiguous is refused, never guessed.
 */
export function parseMoneyText(
  text: string,
  currency: CurrencyCode,
  separators: Separators,
): Money | undefined {
  let cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(/[^\d.,-]/g, '');
  if (cleaned === '' || cleaned === '-') return undefined;
  const group = separators.group.replace(/[\s\u00a0\u202f]/g, '');
  const decimal = separators.decimal;
  if (decimal !== '.' && !cleaned.includes(decimal) && /^-?\d+\.\d{1,2}$/.test(cleaned)) {
    return moneyFromDecimalString(cleaned, currency);
  }
  if (group !== '') cleaned = cleaned.split(group).join('');
  if (decimal !== '.') cleaned = cleaned.replace(decimal, '.');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  return moneyFromDecimalString(cleaned, currency);
}

export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${total} s`;
}

function supportedLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? 'es';
  } catch {
    return 'es';
  }
}
