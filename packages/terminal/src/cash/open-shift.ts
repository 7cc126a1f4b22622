import type { Money, ShiftOpened } from '@mostrador/core';
import type { PinAttempt } from '../auth/pin-verification';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { readStore } from '../state/state-reader';
import { storeKeys } from '../store-layout';
import { readCurrentShift, type ShiftRecord, writeShift } from './shift-record';

export interface OpenShiftRequest {
  readonly openingFloat: Money;
  /** A manager's PIN, when the signed-in user may not open shifts. */
  readonly approval?: PinAttempt;
}

export type OpenShiftOutcome =
  | { readonly ok: true; readonly shift: OpenShiftView }
  | AuthorizationRefusal
  | RecordingRefusal
  | Refusal<'LOCAL_DATA_NOT_LOADED'>
  | Refusal<'SHIFT_ALREADY_OPEN', { shiftId: string }>
  | Refusal<'AMOUNT_INVALID'>
  | Refusal<'CURRENCY_MISMATCH', { expected: string; received: string }>;

/** What anyone may see of an open shift: never the expected cash, so the closing count stays blind. */
export type OpenShiftView = {
  readonly shiftId: string;
  readonly openedAt: string;
  readonly openedByUserId: string;
  readonly currency: string;
  readonly openingFloatMinor: number;
  readonly salesCount: number;
};

export function openShiftView(shift: ShiftRecord): OpenShiftView {
  return {
    shiftId: shift.shiftId,
    openedAt: shift.openedAt,
    openedByUserId: shift.openedByUserId,
    currency: shift.currency,
    openingFloatMinor: shift.openingFloatMinor,
    salesCount: shift.salesCount,
  };
}

export async function openShift(
  recorder: FactRecorder,
  storeId: string,
  request: OpenShiftRequest,
): Promise<OpenShiftOutcome> {
  if (!Number.isSafeInteger(request.openingFloat.amountMinor) || request.openingFloat.amountMinor < 0) {
    return refuse('AMOUNT_INVALID');
  }
  const authorization = await authorize(
    recorder.store,
    storeId,
    'shift.manage',
    request.approval,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;
  const recorded = await recordFact(recorder, async (transaction, identity, now) => {
    const open = await readCurrentShift(transaction);
    if (open !== undefined) return refuse('SHIFT_ALREADY_OPEN', { shiftId: open.shiftId });
    const store = await readStore(transaction, identity.storeId);
    if (store === undefined) return refuse('LOCAL_DATA_NOT_LOADED');
    if (request.openingFloat.currency !== store.currency) {
      return refuse('CURRENCY_MISMATCH', {
        expected: store.currency,
        received: request.openingFloat.currency,
      });
    }
    const payload: ShiftOpened = {
      type: 'ShiftOpened',
      shiftId: recorder.newId(),
      openingFloatMinor: request.openingFloat.amountMinor,
      currency: store.currency,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection) => {
        const shift: ShiftRecord = {
          shiftId: payload.shiftId,
          openedAt: now.toISOString(),
          openedByUserId: authorization.actor.approvedByUserId ?? authorization.actor.userId,
          currency: store.currency,
          openingFloatMinor: payload.openingFloatMinor,
          cashSalesMinor: 0,
          cashVoidsMinor: 0,
          cashRefundsMinor: 0,
          payInsMinor: 0,
          payOutsMinor: 0,
          dropsMinor: 0,
          salesCount: 0,
          closed: null,
        };
        await writeShift(projection, shift);
        await projection.put(storeKeys.currentShift, shift.shiftId);
        return openShiftView(shift);
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, shift: recorded.result };
}
