import type { CashMovementRecorded } from '@mostrador/core';
import { unknownItemConflict } from '../conflicts/conflict-detection';
import {
  openConflict,
  type ProjectionContext,
  type ProjectionOutcome,
  priorDocument,
} from './projection-context';
import { recordShiftCash } from './shift-projection';

/** Cash put into (pay-in) or taken out of (pay-out, drop to the safe) a shift's drawer. */
export function projectCashMovement(
  context: ProjectionContext,
  movement: CashMovementRecorded,
): ProjectionOutcome {
  const { fact, lookups, writes } = context;
  const prior = priorDocument(
    context,
    { type: 'cash_movement', id: movement.movementId },
    lookups.cashMovementEvents.get(movement.movementId),
  );
  if (prior !== null) return prior === 'already_projected' ? prior : 'projected';

  writes.cashMovements.push({
    tenant_id: context.work.scope.tenantId,
    id: movement.movementId,
    event_id: fact.eventId,
    shift_id: movement.shiftId,
    store_id: fact.storeId,
    terminal_id: fact.terminalId,
    kind: movement.kind,
    amount_minor: movement.amountMinor,
    currency: movement.currency,
    reason: movement.reason,
    user_id: fact.actor.userId,
    approved_by_user_id: fact.actor.approvedByUserId,
    device_time: fact.deviceTime,
  });
  lookups.cashMovementEvents.set(movement.movementId, fact.eventId);
  const shift = lookups.shifts.get(movement.shiftId);
  if (shift === undefined) {
    openConflict(context, unknownItemConflict(fact.eventId, [{ entity: 'shift', id: movement.shiftId }]));
  } else {
    recordShiftCash(shift, movement.kind === 'pay_in' ? 'cashInMinor' : 'cashOutMinor', movement.amountMinor);
  }
  return 'projected';
}
