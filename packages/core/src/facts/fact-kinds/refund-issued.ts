import { z } from 'zod';
import {
  currencyCodeSchema,
  nonNegativeAmountMinorSchema,
  positiveAmountMinorSchema,
  positiveQuantitySchema,
  reasonSchema,
  sumSafeIntegers,
  uuidSchema,
} from '../fact-fields';
import { SALE_LINES_MAX, TENDERS_MAX, tenderSchema } from './sale-completed';
import { stockDestinationSchema } from './sale-voided';

/**
 * One refunded part of a sale line. A line may appear twice in one refund when part of it goes
 * back on the shelf and part is written off, so line ids are not unique here.
 */
export const refundLineSchema = z
  .object({
    lineId: uuidSchema,
    variantId: uuidSchema,
    quantity: positiveQuantitySchema,
    amountMinor: nonNegativeAmountMinorSchema,
    stockDestination: stockDestinationSchema,
    warehouseId: uuidSchema,
  })
  .strict();

/** Money given back for lines of an earlier sale; tenders say how it was given back. */
export const refundIssuedSchema = z
  .object({
    type: z.literal('RefundIssued'),
    refundId: uuidSchema,
    saleId: uuidSchema,
    currency: currencyCodeSchema,
    lines: z.array(refundLineSchema).min(1).max(SALE_LINES_MAX),
    tenders: z.array(tenderSchema).min(1).max(TENDERS_MAX),
    totalMinor: positiveAmountMinorSchema,
    reason: reasonSchema,
  })
  .strict()
  .superRefine((refund, context) => {
    if (sumSafeIntegers(refund.lines.map((line) => line.amountMinor)) !== refund.totalMinor) {
      context.addIssue({
        code: 'custom',
        message: 'line amounts must sum to totalMinor',
        path: ['totalMinor'],
      });
    }
    if (sumSafeIntegers(refund.tenders.map((tender) => tender.amountMinor)) !== refund.totalMinor) {
      context.addIssue({ code: 'custom', message: 'tenders must sum to totalMinor', path: ['tenders'] });
    }
  });

export type RefundLine = z.infer<typeof refundLineSchema>;
export type RefundIssued = z.infer<typeof refundIssuedSchema>;
