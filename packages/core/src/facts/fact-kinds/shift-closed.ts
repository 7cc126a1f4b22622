import { z } from 'zod';
import {
  amountMinorSchema,
  currencyCodeSchema,
  nonNegativeAmountMinorSchema,
  positiveAmountMinorSchema,
  sumSafeIntegers,
  uuidSchema,
} from '../fact-fields';

export const DENOMINATIONS_MAX = 50;

/** How many notes or coins of one face value the cashier counted. */
export const denominationCountSchema = z
  .object({
    valueMinor: positiveAmountMinorSchema,
    count: z.number().int().nonnegative(),
  })
  .strict();

/**
 * The end of a shift with a blind count: the cashier counts by denomination without seeing the
 * expected cash. Over/short is recorded as counted minus expected and never adjusted away.
 */
export const shiftClosedSchema = z
  .object({
    type: z.literal('ShiftClosed'),
    shiftId: uuidSchema,
    countedCashMinor: nonNegativeAmountMinorSchema,
    currency: currencyCodeSchema,
    denominations: z.array(denominationCountSchema).max(DENOMINATIONS_MAX),
    expectedCashMinor: amountMinorSchema,
    overShortMinor: amountMinorSchema,
  })
  .strict()
  .superRefine((shift, context) => {
    const values = new Set(shift.denominations.map((denomination) => denomination.valueMinor));
    if (values.size !== shift.denominations.length) {
      context.addIssue({
        code: 'custom',
        message: 'each denomination is counted once',
        path: ['denominations'],
      });
    }
    const products = shift.denominations.map((denomination) => denomination.valueMinor * denomination.count);
    const countedMinor = products.every(Number.isSafeInteger) ? sumSafeIntegers(products) : null;
    if (countedMinor !== shift.countedCashMinor) {
      context.addIssue({
        code: 'custom',
        message: 'countedCashMinor must equal the sum of value times count over denominations',
        path: ['countedCashMinor'],
      });
    }
    if (sumSafeIntegers([shift.countedCashMinor, -shift.expectedCashMinor]) !== shift.overShortMinor) {
      context.addIssue({
        code: 'custom',
        message: 'overShortMinor must equal countedCashMinor minus expectedCashMinor',
        path: ['overShortMinor'],
      });
    }
  });

export type DenominationCount = z.infer<typeof denominationCountSchema>;
export type ShiftClosed = z.infer<typeof shiftClosedSchema>;
