import { z } from 'zod';
import { cashMovementRecordedSchema } from './fact-kinds/cash-movement-recorded';
import { refundIssuedSchema } from './fact-kinds/refund-issued';
import { saleCompletedSchema } from './fact-kinds/sale-completed';
import { saleVoidedSchema } from './fact-kinds/sale-voided';
import { shiftClosedSchema } from './fact-kinds/shift-closed';
import { shiftOpenedSchema } from './fact-kinds/shift-opened';

/** What happened at the till, discriminated by `type`. Adding a kind is a protocol version bump. */
export const factPayloadSchema = z.discriminatedUnion('type', [
  saleCompletedSchema,
  saleVoidedSchema,
  refundIssuedSchema,
  cashMovementRecordedSchema,
  shiftOpenedSchema,
  shiftClosedSchema,
]);

export type FactPayload = z.infer<typeof factPayloadSchema>;
export type FactType = FactPayload['type'];

export const FACT_TYPES = [
  'SaleCompleted',
  'SaleVoided',
  'RefundIssued',
  'CashMovementRecorded',
  'ShiftOpened',
  'ShiftClosed',
] as const satisfies readonly FactType[];
