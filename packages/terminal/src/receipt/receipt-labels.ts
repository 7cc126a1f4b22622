import type { TenderKind } from '@mostrador/core';
import type { ReceiptDocumentType, ReceiptLanguage } from './receipt-model';

// The words printed on a receipt, in Spanish (the default) and English. A few words depend on
// the country rather than the language: the tax is IVA in Costa Rica, Mexico and Colombia, IGV
// in Peru and GST in Pakistan, and the store's tax registration has a local name (RFC, RUC,
// NIT, NTN). Those come from the region of the receipt's locale.

export type ReceiptLabels = {
  readonly documentTitle: Readonly<Record<ReceiptDocumentType, string>>;
  readonly totalLabel: Readonly<Record<ReceiptDocumentType, string>>;
  readonly tendersHeading: Readonly<Record<ReceiptDocumentType, string>>;
  readonly tenderKind: Readonly<Record<TenderKind, string>>;
  readonly folio: string;
  readonly provisionalFolio: string;
  readonly offlineMark: string;
  readonly date: string;
  readonly terminal: string;
  readonly cashier: string;
  readonly document: string;
  readonly subtotal: string;
  readonly discount: string;
  readonly taxableBase: string;
  readonly taxesIncluded: string;
  readonly change: string;
  readonly cashRounding: string;
  readonly reference: string;
  readonly phone: string;
  /** The tax's name where the region does not give one. */
  readonly taxNameDefault: string;
  /** The tax registration's label where the region does not give one. */
  readonly taxIdDefault: string;
  /** Spanish typography puts a space before the percent sign ("13 %"), English does not. */
  readonly percentSign: string;
};

export const receiptLabelsSpanish: ReceiptLabels = {
  documentTitle: {
    sale: 'COMPROBANTE DE VENTA',
    refund: 'COMPROBANTE DE DEVOLUCIÓN',
    void: 'ANULACIÓN DE VENTA',
  },
  totalLabel: { sale: 'TOTAL', refund: 'TOTAL DEVUELTO', void: 'TOTAL ANULADO' },
  tendersHeading: { sale: 'Forma de pago', refund: 'Devuelto en', void: 'Pagos anulados' },
  tenderKind: {
    cash: 'Efectivo',
    card: 'Tarjeta',
    transfer: 'Transferencia',
    house_credit: 'Crédito de tienda',
    loyalty_points: 'Puntos',
    payment_link: 'Enlace de pago',
  },
  folio: 'Folio',
  provisionalFolio: 'Folio provisional',
  offlineMark: 'EMITIDO SIN CONEXIÓN',
  date: 'Fecha',
  terminal: 'Terminal',
  cashier: 'Cajero',
  document: 'Documento',
  subtotal: 'Subtotal',
  discount: 'Descuento',
  taxableBase: 'Base imponible',
  taxesIncluded: 'Impuestos incluidos',
  change: 'Cambio',
  cashRounding: 'Redondeo',
  reference: 'Ref.',
  phone: 'Tel.',
  taxNameDefault: 'IVA',
  taxIdDefault: 'ID fiscal',
  percentSign: ' %',
};

export const receiptLabelsEnglish: ReceiptLabels = {
  documentTitle: { sale: 'SALES RECEIPT', refund: 'REFUND RECEIPT', void: 'VOIDED SALE' },
  totalLabel: { sale: 'TOTAL', refund: 'TOTAL REFUNDED', void: 'TOTAL VOIDED' },
  tendersHeading: { sale: 'Paid with', refund: 'Refunded to', void: 'Voided payments' },
  tenderKind: {
    cash: 'Cash',
    card: 'Card',
    transfer: 'Transfer',
    house_credit: 'House credit',
    loyalty_points: 'Loyalty points',
    payment_link: 'Payment link',
  },
  folio: 'Folio',
  provisionalFolio: 'Provisional folio',
  offlineMark: 'ISSUED OFFLINE',
  date: 'Date',
  terminal: 'Terminal',
  cashier: 'Cashier',
  document: 'Document',
  subtotal: 'Subtotal',
  discount: 'Discount',
  taxableBase: 'Taxable base',
  taxesIncluded: 'Taxes included',
  change: 'Change',
  cashRounding: 'Rounding',
  reference: 'Ref.',
  phone: 'Tel.',
  taxNameDefault: 'VAT',
  taxIdDefault: 'Tax ID',
  percentSign: '%',
};

export function receiptLabels(language: ReceiptLanguage): ReceiptLabels {
  return language === 'en' ? receiptLabelsEnglish : receiptLabelsSpanish;
}

const taxNameByRegion: Readonly<Record<string, string>> = { PE: 'IGV', PK: 'GST' };

const taxIdLabelByRegion: Readonly<Record<string, Partial<Record<ReceiptLanguage, string>>>> = {
  CR: { es: 'Céd. jurídica' },
  MX: { es: 'RFC', en: 'RFC' },
  PE: { es: 'RUC', en: 'RUC' },
  CO: { es: 'NIT', en: 'NIT' },
  PK: { es: 'NTN', en: 'NTN' },
};

function localeRegion(locale: string): string | undefined {
  return new Intl.Locale(locale).region;
}

export function receiptTaxName(locale: string, language: ReceiptLanguage): string {
  const region = localeRegion(locale);
  return (
    (region === undefined ? undefined : taxNameByRegion[region]) ?? receiptLabels(language).taxNameDefault
  );
}

export function receiptTaxIdLabel(locale: string, language: ReceiptLanguage): string {
  const region = localeRegion(locale);
  const byLanguage = region === undefined ? undefined : taxIdLabelByRegion[region];
  return byLanguage?.[language] ?? receiptLabels(language).taxIdDefault;
}

const basisPointsPerPercent = 100;

/**
 * A rate in basis points as a percentage, with integer arithmetic only: 1300 → "13 %" and
 * 250 → "2,5 %" in Spanish (Costa Rica), "2.5%" in English.
 */
export function formatTaxRate(rateBasisPoints: number, locale: string, language: ReceiptLanguage): string {
  const wholePercent = Math.trunc(rateBasisPoints / basisPointsPerPercent);
  const hundredths = (rateBasisPoints % basisPointsPerPercent).toString().padStart(2, '0').replace(/0+$/, '');
  const decimalSeparator =
    new Intl.NumberFormat(locale).formatToParts(0.5).find((part) => part.type === 'decimal')?.value ?? '.';
  const number = hundredths === '' ? `${wholePercent}` : `${wholePercent}${decimalSeparator}${hundredths}`;
  return `${number}${receiptLabels(language).percentSign}`;
}

/** "IVA 13 %", "IGV 18 %", "VAT 13%". */
export function receiptTaxRateLabel(
  rateBasisPoints: number,
  locale: string,
  language: ReceiptLanguage,
): string {
  return `${receiptTaxName(locale, language)} ${formatTaxRate(rateBasisPoints, locale, language)}`;
}
