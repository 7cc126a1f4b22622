import { z } from 'zod';
import {
  amountMinorSchema,
  currencyCodeSchema,
  nonNegativeAmountMinorSchema,
  positiveQuantitySchema,
  sumSafeIntegers,
  textSchema,
  uuidSchema,
} from '../fact-fields';

/** A sale's lines are bounded so that a fact, and a batch of facts, has a bounded size. */
export const SALE_LINES_MAX = 500;
export const TENDERS_MAX = 20;

export const tenderKindSchema = z.enum([
  'cash',
  'card',
  'transfer',
  'house_credit',
  'loyalty_points',
  'payment_link',
]);

/** One payment component. Refunds use the same shape for the money given back. */
export const tenderSchema = z
  .object({
    kind: tenderKindSchema,
    amountMinor: nonNegativeAmountMinorSchema,
    // The card authorisation, transfer reference or payment-link id; null for cash.
    reference: textSchema(1, 200).nullable(),
  })
  .strict();

export const saleLineSchema = z
  .object({
    lineId: uuidSchema,
    variantId: uuidSchema,
    sku: textSchema(1, 64),
    name: textSchema(1, 200),
    quantity: positiveQuantitySchema,
    unitPriceMinor: nonNegativeAmountMinorSchema,
    discountMinor: nonNegativeAmountMinorSchema,
    taxRateBasisPoints: z.number().int().min(0).max(10_000),
    taxMinor: nonNegativeAmountMinorSchema,
    totalMinor: nonNegativeAmountMinorSchema,
    warehouseId: uuidSchema,
  })
  .strict();

/**
 * A sale the cashier completed and the customer paid. The refinements are structural: a
 * terminal that records a sale whose tenders do not pay its total has a bug, and the fact is
 * refused rather than applied with numbers that do not add up.
 */
export const saleCompletedSchema = z
  .object({
    type: z.literal('SaleCompleted'),
    saleId: uuidSchema,
    currency: currencyCodeSchema,
    // Unique per terminal; the server links it to the final folio from the store's series.
    provisionalFolio: textSchema(1, 64),
    folioSeriesId: uuidSchema.nullable(),
    shiftId: uuidSchema.nullable(),
    customerId: uuidSchema.nullable(),
    pricesIncludeTax: z.boolean(),
    lines: z.array(saleLineSchema).min(1).max(SALE_LINES_MAX),
    subtotalMinor: nonNegativeAmountMinorSchema,
    discountTotalMinor: nonNegativeAmountMinorSchema,
    taxTotalMinor: nonNegativeAmountMinorSchema,
    totalMinor: nonNegativeAmountMinorSchema,
    tenders: z.array(tenderSchema).min(1).max(TENDERS_MAX),
    changeMinor: nonNegativeAmountMinorSchema,
    // Positive when the cash total was rounded up to the smallest coin in circulation, negative when down.
    cashRoundingMinor: amountMinorSchema,
    offline: z.boolean(),
  })
  .strict()
  .superRefine((sale, context) => {
    const lineIds = new Set(sale.lines.map((line) => line.lineId));
    if (lineIds.size !== sale.lines.length) {
      context.addIssue({ code: 'custom', message: 'line ids must be unique within a sale', path: ['lines'] });
    }
    const linesTotalMinor = sumSafeIntegers(sale.lines.map((line) => line.totalMinor));
    if (linesTotalMinor !== sale.totalMinor) {
      context.addIssue({
        code: 'custom',
        message: 'line totals must sum to totalMinor',
        path: ['totalMinor'],
      });
    }
    const tenderedMinor = sumSafeIntegers(sale.tenders.map((tender) => tender.amountMinor));
    const paidMinor = tenderedMinor === null ? null : sumSafeIntegers([tenderedMinor, -sale.changeMinor]);
    const dueMinor = sumSafeIntegers([sale.totalMinor, sale.cashRoundingMinor]);
    if (paidMinor === null || paidMinor !== dueMinor) {
      context.addIssue({
        code: 'custom',
        message: 'tenders minus change must equal totalMinor plus cashRoundingMinor',
        path: ['tenders'],
      });
    }
  });

export type TenderKind = z.infer<typeof tenderKindSchema>;
export type Tender = z.infer<typeof tenderSchema>;
export type SaleLine = z.infer<typeof saleLineSchema>;
export type SaleCompleted = z.infer<typeof saleCompletedSchema>;
