import type { CashMovementKind, CashMovementRecorded, Money } from '@mostrador/core';
import type { PinAttempt } from '../auth/pin-verification';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { checkReason, type ReasonRefusal } from '../sale/reason';
import { addShiftCash, readCurrentShift, type ShiftCashField } from './shift-record';

export interface CashMovementRequest {
  readonly kind: CashMovementKind;
  readonly amount: Money;
  readonly reason: string;
  readonly approval?: PinAttempt;
}

export type CashMovementOutcome =
  | { readonly ok: true; readonly movementId: string }
  | AuthorizationRefusal
  | RecordingRefusal
  | ReasonRefusal
  | Refusal<'SHIFT_NOT_OPEN'>
  | Refusal<'AMOUNT_INVALID'>
  | Refusal<'CURRENCY_MISMATCH', { expected: string; received: string }>;

const SHIFT_FIELD: Readonly<Record<CashMovementKind, ShiftCashField>> = {
  pay_in: 'payInsMinor',
  pay_out: 'payOutsMinor',
  drop: 'dropsMinor',
};

/** Pay-ins, pay-outs and drops to the safe: cash that moves outside a sale, within the open shift. */
export async function recordCashMovement(
  recorder: FactRecorder,
  storeId: string,
  request: CashMovementRequest,
): Promise<CashMovementOutcome> {
  if (!Number.isSafeInteger(request.amount.amountMinor) || request.amount.amountMinor <= 0) {
    return refuse('AMOUNT_INVALID');
  }
  const reason = checkReason(request.reason);
  if (!reason.ok) return reason;
  const authorization = await authorize(
    recorder.store,
    storeId,
    'cash.movement',
    request.approval,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;
  const recorded = await recordFact(recorder, async (transaction) => {
    const shift = await readCurrentShift(transaction);
    if (shift === undefined) return refuse('SHIFT_NOT_OPEN');
    if (request.amount.currency !== shift.currency) {
      return refuse('CURRENCY_MISMATCH', { expected: shift.currency, received: request.amount.currency });
    }
    const payload: CashMovementRecorded = {
      type: 'CashMovementRecorded',
      movementId: recorder.newId(),
      shiftId: shift.shiftId,
      kind: request.kind,
      amountMinor: request.amount.amountMinor,
      currency: shift.currency,
      reason: reason.text,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection) => {
        await addShiftCash(projection, SHIFT_FIELD[request.kind], payload.amountMinor);
        return payload.movementId;
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, movementId: recorded.result };
}
