import { DENOMINATIONS_MAX, type DenominationCount, type ShiftClosed } from '@mostrador/core';
import type { PinAttempt } from '../auth/pin-verification';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { storeKeys } from '../store-layout';
import { expectedCashMinor, readCurrentShift, writeShift } from './shift-record';

export interface CloseShiftRequest {
  /** What the cashier counted, note by note and coin by coin, before seeing any expected figure. */
  readonly denominations: readonly DenominationCount[];
  readonly approval?: PinAttempt;
}

/** Only the result of a closed count reveals the expected cash and the difference. */
export type ShiftCountResult = {
  readonly shiftId: string;
  readonly countedCashMinor: number;
  readonly expectedCashMinor: number;
  /** counted − expected: positive over, negative short. Recorded, never adjusted. */
  readonly overShortMinor: number;
};

export type CloseShiftOutcome =
  | ({ readonly ok: true } & ShiftCountResult)
  | AuthorizationRefusal
  | RecordingRefusal
  | Refusal<'SHIFT_NOT_OPEN'>
  | Refusal<'COUNT_INVALID', { denominationsMax: number }>;

/**
 * Closes the open shift with a blind count. The count is the only way in: nothing in the engine
 * shows the expected cash of an open shift, and this function computes it only after the counted
 * denominations are in hand, then records counted, expected and over/short in one ShiftClosed fact.
 */
export async function closeShiftWithBlindCount(
  recorder: FactRecorder,
  storeId: string,
  request: CloseShiftRequest,
): Promise<CloseShiftOutcome> {
  const counted = countDenominations(request.denominations);
  if (counted === undefined) return refuse('COUNT_INVALID', { denominationsMax: DENOMINATIONS_MAX });
  const authorization = await authorize(
    recorder.store,
    storeId,
    'shift.manage',
    request.approval,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;
  const recorded = await recordFact(recorder, async (transaction, _identity, now) => {
    const shift = await readCurrentShift(transaction);
    if (shift === undefined) return refuse('SHIFT_NOT_OPEN');
    const expected = expectedCashMinor(shift);
    const payload: ShiftClosed = {
      type: 'ShiftClosed',
      shiftId: shift.shiftId,
      countedCashMinor: counted,
      currency: shift.currency,
      denominations: request.denominations.map((denomination) => ({ ...denomination })),
      expectedCashMinor: expected,
      overShortMinor: counted - expected,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection) => {
        await writeShift(projection, {
          ...shift,
          closed: {
            closedAt: now.toISOString(),
            closedByUserId: authorization.actor.approvedByUserId ?? authorization.actor.userId,
            countedCashMinor: counted,
            expectedCashMinor: expected,
            overShortMinor: payload.overShortMinor,
          },
        });
        await projection.delete(storeKeys.currentShift);
        return {
          shiftId: shift.shiftId,
          countedCashMinor: counted,
          expectedCashMinor: expected,
          overShortMinor: payload.overShortMinor,
        };
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, ...recorded.result };
}

/** Σ value × count, or undefined for a count the fact would refuse (repeats, negatives, overflow). */
export function countDenominations(denominations: readonly DenominationCount[]): number | undefined {
  if (denominations.length > DENOMINATIONS_MAX) return undefined;
  const values = new Set<number>();
  let total = 0;
  for (const { valueMinor, count } of denominations) {
    if (!Number.isSafeInteger(valueMinor) || valueMinor <= 0) return undefined;
    if (!Number.isSafeInteger(count) || count < 0 || values.has(valueMinor)) return undefined;
    values.add(valueMinor);
    total += valueMinor * count;
    if (!Number.isSafeInteger(total)) return undefined;
  }
  return total;
}
