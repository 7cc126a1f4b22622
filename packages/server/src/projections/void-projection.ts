import type { SaleVoided } from '@mostrador/core';
import { unknownItemConflict, unknownSaleConflict } from '../conflicts/conflict-detection';
import {
  openConflict,
  type ProjectionContext,
  type ProjectionOutcome,
  priorDocument,
} from './projection-context';
import { returnedGoods } from './refund-projection';
import { recordShiftCash } from './shift-projection';
import { queueStock } from './stock-effects';

/**
 * A sale annulled as a whole: the cash it left in the drawer goes back to the customer from the
 * terminal's open shift (or the sale's own, when none is open) and its goods come back (or are
 * written off). A void of a sale the server does not know is recorded and opens an unknown-sale
 * conflict; with no sale there is nothing to move.
 */
export function projectVoid(context: ProjectionContext, voided: SaleVoided): ProjectionOutcome {
  const { fact, lookups, writes } = context;
  const prior = priorDocument(
    context,
    { type: 'void', id: voided.saleId },
    lookups.voidEvents.get(voided.saleId),
  );
  if (prior !== null) return prior === 'already_projected' ? prior : 'projected';

  const sale = lookups.sales.get(voided.saleId);
  const shiftId = lookups.openShiftId ?? sale?.shiftId ?? null;
  // What the sale left in the drawer goes back; negative only if its change exceeded its cash.
  const cashReturnedMinor = sale === undefined ? 0 : sale.cashNetMinor;
  writes.voids.push({
    tenant_id: context.work.scope.tenantId,
    sale_id: voided.saleId,
    event_id: fact.eventId,
    sale_known: sale !== undefined,
    store_id: fact.storeId,
    terminal_id: fact.terminalId,
    shift_id: shiftId,
    cashier_user_id: fact.actor.userId,
    approved_by_user_id: fact.actor.approvedByUserId,
    reason: voided.reason,
    stock_destination: voided.stockDestination,
    cash_returned_minor: cashReturnedMinor,
    device_time: fact.deviceTime,
  });
  lookups.voidEvents.set(voided.saleId, fact.eventId);
  if (sale === undefined) {
    openConflict(context, unknownSaleConflict(fact.eventId, 'SaleVoided', voided.saleId, {}));
    return 'projected';
  }

  sale.status = 'voided';
  const pending = writes.sales.find((row) => row.id === voided.saleId);
  if (pending === undefined) writes.voidedStoredSales.set(voided.saleId, fact.eventId);
  else Object.assign(pending, { status: 'voided', voided_event_id: fact.eventId });

  const shift = shiftId === null ? undefined : lookups.shifts.get(shiftId);
  if (shift !== undefined) recordShiftCash(shift, 'cashVoidedMinor', cashReturnedMinor);
  const unknownItems = queueStock(
    context,
    (sale.lines ?? []).flatMap((line) =>
      returnedGoods({ ...line, stockDestination: voided.stockDestination }, 'void'),
    ),
  );
  openConflict(context, unknownItemConflict(fact.eventId, unknownItems));
  return 'projected';
}
