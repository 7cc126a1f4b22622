import { z } from 'zod';
import { currencyCodeSchema, nonNegativeAmountMinorSchema, uuidSchema } from '../fact-fields';

/** A cashier's session on a terminal begins with the float counted into the drawer. */
export const shiftOpenedSchema = z
  .object({
    type: z.literal('ShiftOpened'),
    shiftId: uuidSchema,
    openingFloatMinor: nonNegativeAmountMinorSchema,
    currency: currencyCodeSchema,
  })
  .strict();

export type ShiftOpened = z.infer<typeof shiftOpenedSchema>;
