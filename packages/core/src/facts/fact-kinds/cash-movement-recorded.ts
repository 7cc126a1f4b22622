import { z } from 'zod';
import { currencyCodeSchema, positiveAmountMinorSchema, reasonSchema, uuidSchema } from '../fact-fields';

/** pay_in adds cash to the drawer, pay_out pays something from it, drop moves cash to the safe. */
export const cashMovementKindSchema = z.enum(['pay_in', 'pay_out', 'drop']);

/** Cash put into or taken out of the drawer outside a sale. The kind gives the direction. */
export const cashMovementRecordedSchema = z
  .object({
    type: z.literal('CashMovementRecorded'),
    movementId: uuidSchema,
    shiftId: uuidSchema,
    kind: cashMovementKindSchema,
    amountMinor: positiveAmountMinorSchema,
    currency: currencyCodeSchema,
    reason: reasonSchema,
  })
  .strict();

export type CashMovementKind = z.infer<typeof cashMovementKindSchema>;
export type CashMovementRecorded = z.infer<typeof cashMovementRecordedSchema>;
