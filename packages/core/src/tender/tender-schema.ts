import { z } from 'zod';
import { moneySchema } from '../money';
import { tenderKinds } from './tender';

// Tenders as they cross a boundary (a sale fact from a device, a payment webhook turned into a
// tender). The amount must not be negative; whether tenders cover a total is settleTenders' job.

export const tenderReferenceLengthMax = 200;

export const tenderKindSchema = z.enum(tenderKinds);

export const tenderSchema = z.strictObject({
  kind: tenderKindSchema,
  amount: moneySchema.refine((amount) => amount.amountMinor >= 0, 'A tender amount must not be negative'),
  reference: z.string().min(1).max(tenderReferenceLengthMax).optional(),
});
