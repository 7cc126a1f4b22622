import type { RefundIssued } from '@mostrador/core';
import { unknownItemConflict, unknownSaleConflict } from '../conflicts/conflict-detection';
import { assignRefundFolio } from './document-folios';
import {
  openConflict,
  type ProjectionContext,
  type ProjectionOutcome,
  priorDocument,
} from './projection-context';
import { assertInvariant, negateQuantity, sumMinor } from './projection-invariants';
import { recordShiftCash } from './shift-projection';
import { queueStock, type StockEffect } from './stock-effects';

/**
 * Money given back for lines of a sale. The goods come back into stock; those written off leave
 * again as shrinkage, so the shelf is unchanged and the loss is on record. The cash comes out of
 * the terminal's open shift (a refund names no shift). A refund of a sale the server does not
 * know is applied all the same, and opens an unknown-sale conflict.
 */
export function projectRefund(context: ProjectionContext, refund: RefundIssued): ProjectionOutcome {
  const { fact, lookups, writes } = context;
  const prior = priorDocument(
    context,
    { type: 'refund', id: refund.refundId },
    lookups.refundEvents.get(refund.refundId),
  );
  if (prior !== null) return prior === 'already_projected' ? prior : 'projected';

  const tenderedMinor = sumMinor(refund.tenders.map((tender) => tender.amountMinor));
  const cashRefundedMinor = sumMinor(
    refund.tenders.filter((tender) => tender.kind === 'cash').map((tender) => tender.amountMinor),
  );
  assertInvariant(
    sumMinor(refund.lines.map((line) => line.amountMinor)) === refund.totalMinor &&
      tenderedMinor === refund.totalMinor,
    `refund ${refund.refundId}: lines and tenders must each add up to the total`,
  );
  const saleKnown = lookups.sales.has(refund.saleId);
  const shiftId = lookups.openShiftId;
  const folio = assignRefundFolio(context, refund.refundId);
  writes.refunds.push({
    tenant_id: context.work.scope.tenantId,
    id: refund.refundId,
    event_id: fact.eventId,
    sale_id: refund.saleId,
    sale_known: saleKnown,
    store_id: fact.storeId,
    terminal_id: fact.terminalId,
    shift_id: shiftId,
    cashier_user_id: fact.actor.userId,
    approved_by_user_id: fact.actor.approvedByUserId,
    currency: refund.currency,
    total_minor: refund.totalMinor,
    cash_refunded_minor: cashRefundedMinor,
    tenders: JSON.stringify(refund.tenders),
    reason: refund.reason,
    folio_series_id: folio.seriesId,
    final_folio: folio.finalFolio,
    device_time: fact.deviceTime,
  });
  for (const [position, line] of refund.lines.entries()) {
    writes.refundLines.push({
      tenant_id: context.work.scope.tenantId,
      refund_id: refund.refundId,
      position,
      line_id: line.lineId,
      variant_id: line.variantId,
      quantity: line.quantity,
      amount_minor: line.amountMinor,
      stock_destination: line.stockDestination,
      warehouse_id: line.warehouseId,
    });
  }
  lookups.refundEvents.set(refund.refundId, fact.eventId);

  const shift = shiftId === null ? undefined : lookups.shifts.get(shiftId);
  if (shift !== undefined) recordShiftCash(shift, 'cashRefundedMinor', cashRefundedMinor);
  const unknownItems = queueStock(
    context,
    refund.lines.flatMap((line) => returnedGoods(line, 'refund')),
  );
  openConflict(context, unknownItemConflict(fact.eventId, unknownItems));
  if (!saleKnown) {
    openConflict(
      context,
      unknownSaleConflict(fact.eventId, 'RefundIssued', refund.saleId, {
        refundId: refund.refundId,
        totalMinor: refund.totalMinor,
        currency: refund.currency,
        cashRefundedMinor,
      }),
    );
  }
  return 'projected';
}

/** Goods handed back: into stock, and out again as shrinkage when they are written off. */
export function returnedGoods(
  line: {
    warehouseId: string;
    variantId: string;
    quantity: string;
    stockDestination: 'restock' | 'shrinkage';
  },
  reason: 'refund' | 'void',
): StockEffect[] {
  const back: StockEffect = {
    warehouseId: line.warehouseId,
    variantId: line.variantId,
    qtyDelta: line.quantity,
    reason,
  };
  if (line.stockDestination === 'restock') return [back];
  return [back, { ...back, qtyDelta: negateQuantity(line.quantity), reason: 'shrinkage' }];
}
