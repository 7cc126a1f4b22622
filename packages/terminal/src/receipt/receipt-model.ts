import {
  currencyCodeSchema,
  factPositiveQuantitySchema,
  nonNegativeAmountMinorSchema,
  SALE_LINES_MAX,
  TENDERS_MAX,
  taxRateBasisPointsSchema,
  tenderKindSchema,
  textSchema,
  uuidSchema,
} from '@mostrador/core';
import { z } from 'zod';

// A receipt is what the customer takes home: the document as it stands when it is printed.
// It is built from a sale, refund or void fact plus the store's details, and is rendered as
// monospaced text, HTML and ESC/POS bytes from this one shape. It is a boundary value (a reprint
// may read it from the local store or from the server), so it has a schema; the refinements are
// the same structural checks the facts carry, so every fact the terminal recorded can print.

export const receiptDocumentTypes = ['sale', 'refund', 'void'] as const;
export const receiptLanguages = ['es', 'en'] as const;

export const receiptFolioLengthMax = 64;
export const receiptFooterLengthMax = 500;
export const receiptTaxRatesMax = 20;

/** Sums minor units exactly; null when the sum leaves the safe integer range and would lose cents. */
function sumMinor(amountsMinor: readonly number[]): number | null {
  const sum = amountsMinor.reduce((total, amountMinor) => total + BigInt(amountMinor), 0n);
  return sum <= BigInt(Number.MAX_SAFE_INTEGER) && sum >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(sum)
    : null;
}

function isKnownLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length === 1;
  } catch {
    return false;
  }
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const receiptStoreSchema = z.strictObject({
  name: textSchema(1, 120),
  address: textSchema(1, 300).optional(),
  /** The store's tax registration: cédula jurídica, RFC, RUC, NIT or NTN. */
  taxId: textSchema(1, 40).optional(),
  phone: textSchema(1, 40).optional(),
});

export const receiptLineSchema = z.strictObject({
  name: textSchema(1, 200),
  sku: textSchema(1, 64),
  /** Exact decimal text as the fact carries it, e.g. "2" or "1.25" (kilograms of cheese). */
  quantity: factPositiveQuantitySchema,
  /** In the tenant's price mode: tax included or tax excluded. */
  unitPriceMinor: nonNegativeAmountMinorSchema,
  discountMinor: nonNegativeAmountMinorSchema,
  /** What the customer pays for the line, discounts off and tax in. */
  totalMinor: nonNegativeAmountMinorSchema,
  taxRateBasisPoints: taxRateBasisPointsSchema,
});

export const receiptTaxRateSchema = z.strictObject({
  rateBasisPoints: taxRateBasisPointsSchema,
  taxableBaseMinor: nonNegativeAmountMinorSchema,
  taxMinor: nonNegativeAmountMinorSchema,
});

export const receiptTenderSchema = z.strictObject({
  kind: tenderKindSchema,
  amountMinor: nonNegativeAmountMinorSchema,
  /** The card authorisation, transfer number or payment-link id; null for cash. */
  reference: textSchema(1, 200).nullable(),
});

export const receiptSchema = z
  .strictObject({
    store: receiptStoreSchema,
    terminalName: textSchema(1, 64),
    /** The sale id (for a refund or void, the id of that document). */
    documentId: uuidSchema,
    documentType: z.enum(receiptDocumentTypes),
    /** Assigned on the terminal, unique per terminal; printed until the final folio is known. */
    provisionalFolio: textSchema(1, receiptFolioLengthMax),
    /** Assigned by the server from the store's series when it applied the document. */
    finalFolio: textSchema(1, receiptFolioLengthMax).nullable(),
    issuedOffline: z.boolean(),
    issuedAt: z.iso.datetime({ offset: true }),
    /** IANA zone the store's clocks read; without it the device's own zone is used. */
    timeZone: z.string().min(1).max(64).refine(isKnownTimeZone, 'expected an IANA time zone').optional(),
    cashierName: textSchema(1, 120),
    locale: z.string().min(2).max(35).refine(isKnownLocale, 'expected a BCP 47 locale'),
    currency: currencyCodeSchema,
    language: z.enum(receiptLanguages),
    lines: z.array(receiptLineSchema).min(1).max(SALE_LINES_MAX),
    subtotalMinor: nonNegativeAmountMinorSchema,
    discountTotalMinor: nonNegativeAmountMinorSchema,
    taxByRate: z.array(receiptTaxRateSchema).max(receiptTaxRatesMax),
    taxTotalMinor: nonNegativeAmountMinorSchema,
    totalMinor: nonNegativeAmountMinorSchema,
    tenders: z.array(receiptTenderSchema).min(1).max(TENDERS_MAX),
    changeMinor: nonNegativeAmountMinorSchema,
    /** Positive when the cash part was rounded up to the smallest coin in use, negative when down. */
    cashRoundingMinor: z.int(),
    footer: textSchema(1, receiptFooterLengthMax).optional(),
  })
  .superRefine((receipt, context) => {
    if (sumMinor(receipt.lines.map((line) => line.totalMinor)) !== receipt.totalMinor) {
      context.addIssue({
        code: 'custom',
        message: 'line totals must sum to totalMinor',
        path: ['totalMinor'],
      });
    }
    if (sumMinor(receipt.taxByRate.map((rate) => rate.taxMinor)) !== receipt.taxTotalMinor) {
      context.addIssue({
        code: 'custom',
        message: 'taxes by rate must sum to taxTotalMinor',
        path: ['taxTotalMinor'],
      });
    }
    const tenderedMinor = sumMinor(receipt.tenders.map((tender) => tender.amountMinor));
    const paidMinor = tenderedMinor === null ? null : sumMinor([tenderedMinor, -receipt.changeMinor]);
    const dueMinor = sumMinor([receipt.totalMinor, receipt.cashRoundingMinor]);
    if (paidMinor === null || paidMinor !== dueMinor) {
      context.addIssue({
        code: 'custom',
        message: 'tenders minus change must equal totalMinor plus cashRoundingMinor',
        path: ['tenders'],
      });
    }
  });

export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptStore = z.infer<typeof receiptStoreSchema>;
export type ReceiptLine = z.infer<typeof receiptLineSchema>;
export type ReceiptTaxRate = z.infer<typeof receiptTaxRateSchema>;
export type ReceiptTender = z.infer<typeof receiptTenderSchema>;
export type ReceiptDocumentType = (typeof receiptDocumentTypes)[number];
export type ReceiptLanguage = (typeof receiptLanguages)[number];

/**
 * Whether the amounts read tax-included: the subtotal less discounts already is the total, and
 * the tax breakdown says how much of it is tax. Otherwise tax was added on top of the subtotal.
 */
export function receiptPricesIncludeTax(receipt: Receipt): boolean {
  return receipt.subtotalMinor - receipt.discountTotalMinor === receipt.totalMinor;
}

/** What the receipt's QR code holds: enough to find the document again at any till. */
export function receiptQrPayload(receipt: Pick<Receipt, 'documentId'>): string {
  return `mostrador:doc:${receipt.documentId}`;
}
