import { z } from 'zod';
import { reasonSchema, uuidSchema } from '../fact-fields';

/** Where the goods of a voided sale or a refunded line go: back on the shelf or written off. */
export const stockDestinationSchema = z.enum(['restock', 'shrinkage']);

/** A completed sale annulled as a whole, usually right after it was rung up. */
export const saleVoidedSchema = z
  .object({
    type: z.literal('SaleVoided'),
    saleId: uuidSchema,
    reason: reasonSchema,
    stockDestination: stockDestinationSchema,
  })
  .strict();

export type StockDestination = z.infer<typeof stockDestinationSchema>;
export type SaleVoided = z.infer<typeof saleVoidedSchema>;
