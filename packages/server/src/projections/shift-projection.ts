import type { ShiftClosed, ShiftOpened } from '@mostrador/core';
import { unknownItemConflict } from '../conflicts/conflict-detection';
import type { ShiftState } from './batch-lookups';
import {
  openConflict,
  type ProjectionContext,
  type ProjectionOutcome,
  priorDocument,
} from './projection-context';
import { assertInvariant, sumMinor } from './projection-invariants';

/** The drawer columns of a shift; each moves cash one way. */
type CashBucket =
  | 'cashTenderedMinor'
  | 'changeGivenMinor'
  | 'cashRefundedMinor'
  | 'cashVoidedMinor'
  | 'cashInMinor'
  | 'cashOutMinor';

const BUCKET_SIGN: Record<CashBucket, 1 | -1> = {
  cashTenderedMinor: 1,
  changeGivenMinor: -1,
  cashRefundedMinor: -1,
  cashVoidedMinor: -1,
  cashInMinor: 1,
  cashOutMinor: -1,
};

/**
 * Puts cash into one of the shift's drawer columns. A shift already closed keeps its count and
 * its expected cash as they were at the close (over/short is never adjusted); cash that reaches
 * it later, from a fact synced late or accepted from quarantine, is kept apart, signed.
 */
export function recordShiftCash(shift: ShiftState, bucket: CashBucket, amountMinor: number): void {
  assertInvariant(Number.isSafeInteger(amountMinor), `cash amount ${amountMinor} is not a safe integer`);
  if (amountMinor === 0) return;
  if (shift.closedEventId !== null) {
    shift.cashAfterCloseMinor = sumMinor([shift.cashAfterCloseMinor, BUCKET_SIGN[bucket] * amountMinor]);
  } else {
    shift[bucket] = sumMinor([shift[bucket], amountMinor]);
  }
  shift.dirty = true;
}

/** Invariant 4: expected cash = float + cash tenders − change − cash refunds − voids ± movements. */
export function expectedCashMinor(shift: ShiftState): number {
  return sumMinor([
    shift.openingFloatMinor,
    shift.cashTenderedMinor,
    -shift.changeGivenMinor,
    -shift.cashRefundedMinor,
    -shift.cashVoidedMinor,
    shift.cashInMinor,
    -shift.cashOutMinor,
  ]);
}

export function projectShiftOpened(context: ProjectionContext, opened: ShiftOpened): ProjectionOutcome {
  const { lookups, fact } = context;
  const prior = priorDocument(
    context,
    { type: 'shift', id: opened.shiftId },
    lookups.shifts.get(opened.shiftId)?.openedEventId,
  );
  if (prior !== null) return prior === 'already_projected' ? prior : 'projected';
  lookups.shifts.set(opened.shiftId, {
    id: opened.shiftId,
    storeId: fact.storeId,
    terminalId: fact.terminalId,
    openedEventId: fact.eventId,
    openingFloatMinor: opened.openingFloatMinor,
    cashTenderedMinor: 0,
    changeGivenMinor: 0,
    cashRefundedMinor: 0,
    cashVoidedMinor: 0,
    cashInMinor: 0,
    cashOutMinor: 0,
    cashAfterCloseMinor: 0,
    closedEventId: null,
    isNew: true,
    dirty: true,
  });
  context.writes.shiftsOpened.set(opened.shiftId, {
    shiftId: opened.shiftId,
    cashierUserId: fact.actor.userId,
    currency: opened.currency,
    openedAt: context.time,
  });
  lookups.openShiftId = opened.shiftId;
  return 'projected';
}

/**
 * The blind count: the server computes the expected cash from what it applied, records the
 * terminal's own figure beside it, and over/short = counted − expected, as counted.
 */
export function projectShiftClosed(context: ProjectionContext, closed: ShiftClosed): ProjectionOutcome {
  const { lookups, fact } = context;
  const shift = lookups.shifts.get(closed.shiftId);
  if (shift === undefined) {
    openConflict(context, unknownItemConflict(fact.eventId, [{ entity: 'shift', id: closed.shiftId }]));
    return 'projected';
  }
  if (shift.closedEventId !== null) {
    const prior = priorDocument(context, { type: 'shift_close', id: closed.shiftId }, shift.closedEventId);
    return prior === 'already_projected' ? prior : 'projected';
  }
  const expected = expectedCashMinor(shift);
  const overShortMinor = sumMinor([closed.countedCashMinor, -expected]);
  assertInvariant(
    sumMinor(closed.denominations.map((denomination) => denomination.valueMinor * denomination.count)) ===
      closed.countedCashMinor,
    'counted cash must equal the sum of its denominations',
  );
  context.writes.shiftCloses.set(shift.id, {
    eventId: fact.eventId,
    closedAt: context.time,
    countedCashMinor: closed.countedCashMinor,
    expectedCashMinor: expected,
    deviceExpectedCashMinor: closed.expectedCashMinor,
    overShortMinor,
    denominations: closed.denominations,
  });
  shift.closedEventId = fact.eventId;
  shift.dirty = true;
  if (lookups.openShiftId === shift.id) lookups.openShiftId = null;
  return 'projected';
}
