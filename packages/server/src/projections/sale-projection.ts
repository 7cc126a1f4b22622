import type { SaleCompleted } from '@mostrador/core';
import { detectStalePrices, unknownItemConflict } from '../conflicts/conflict-detection';
import { assignSaleFolio } from './document-folios';
import {
  openConflict,
  type ProjectionContext,
  type ProjectionOutcome,
  priorDocument,
} from './projection-context';
import { assertInvariant, negateQuantity, sumMinor } from './projection-invariants';
import { recordShiftCash } from './shift-projection';
import { queueStock } from './stock-effects';

/**
 * A completed sale: the sale with its lines and tenders, its final folio, the cash it left in
 * its shift's drawer and the stock it took, plus the conflicts it raised (oversell, stale price,
 * unknown items, folio problems; the oversell is judged when the batch's stock moves). It is
 * applied whatever rule it broke.
 */
export function projectSale(context: ProjectionContext, sale: SaleCompleted): ProjectionOutcome {
  const { fact, lookups, writes } = context;
  const known = lookups.sales.get(sale.saleId);
  const prior = priorDocument(context, { type: 'sale', id: sale.saleId }, known?.eventId);
  if (prior !== null) return prior === 'already_projected' ? prior : 'projected';

  const tenderedMinor = sumMinor(sale.tenders.map((tender) => tender.amountMinor));
  const cashTenderedMinor = sumMinor(
    sale.tenders.filter((tender) => tender.kind === 'cash').map((tender) => tender.amountMinor),
  );
  assertInvariant(
    sumMinor(sale.lines.map((line) => line.totalMinor)) === sale.totalMinor,
    `sale ${sale.saleId}: line totals must add up to the total`,
  );
  assertInvariant(
    sumMinor([tenderedMinor, -sale.changeMinor]) === sumMinor([sale.totalMinor, sale.cashRoundingMinor]),
    `sale ${sale.saleId}: tenders minus change must equal the total plus cash rounding`,
  );

  const folio = assignSaleFolio(context, sale);
  writes.sales.push({
    tenant_id: context.work.scope.tenantId,
    id: sale.saleId,
    event_id: fact.eventId,
    store_id: fact.storeId,
    terminal_id: fact.terminalId,
    shift_id: sale.shiftId,
    cashier_user_id: fact.actor.userId,
    approved_by_user_id: fact.actor.approvedByUserId,
    customer_id: sale.customerId,
    currency: sale.currency,
    prices_include_tax: sale.pricesIncludeTax,
    subtotal_minor: sale.subtotalMinor,
    discount_total_minor: sale.discountTotalMinor,
    tax_total_minor: sale.taxTotalMinor,
    total_minor: sale.totalMinor,
    tendered_minor: tenderedMinor,
    cash_tendered_minor: cashTenderedMinor,
    change_minor: sale.changeMinor,
    cash_rounding_minor: sale.cashRoundingMinor,
    offline: sale.offline,
    provisional_folio: sale.provisionalFolio,
    folio_series_id: folio.seriesId,
    final_folio: folio.finalFolio,
    device_time: fact.deviceTime,
    sale_time: context.time,
    status: 'completed',
    voided_event_id: null,
  });
  for (const [position, line] of sale.lines.entries()) {
    writes.saleLines.push({
      tenant_id: context.work.scope.tenantId,
      sale_id: sale.saleId,
      line_id: line.lineId,
      position,
      variant_id: line.variantId,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unit_price_minor: line.unitPriceMinor,
      discount_minor: line.discountMinor,
      tax_rate_basis_points: line.taxRateBasisPoints,
      tax_minor: line.taxMinor,
      total_minor: line.totalMinor,
      warehouse_id: line.warehouseId,
      server_price_minor: lookups.serverPrices.get(`${sale.saleId}:${line.lineId}`) ?? null,
    });
  }
  for (const [position, tender] of sale.tenders.entries()) {
    writes.saleTenders.push({
      tenant_id: context.work.scope.tenantId,
      sale_id: sale.saleId,
      position,
      kind: tender.kind,
      amount_minor: tender.amountMinor,
      reference: tender.reference,
    });
  }
  lookups.sales.set(sale.saleId, {
    id: sale.saleId,
    eventId: fact.eventId,
    shiftId: sale.shiftId,
    status: 'completed',
    cashNetMinor: cashTenderedMinor - sale.changeMinor,
    lines: sale.lines.map((line) => ({
      variantId: line.variantId,
      warehouseId: line.warehouseId,
      quantity: line.quantity,
    })),
  });

  const unknownShift = recordSaleCash(context, sale, cashTenderedMinor);
  const unknownItems = queueStock(
    context,
    sale.lines.map((line) => ({
      warehouseId: line.warehouseId,
      variantId: line.variantId,
      qtyDelta: negateQuantity(line.quantity),
      reason: 'sale' as const,
    })),
    sale.saleId,
  );
  openConflict(context, unknownItemConflict(fact.eventId, [...unknownItems, ...unknownShift]));
  const prices = new Map(
    sale.lines.map((line) => [
      line.lineId,
      lookups.serverPrices.get(`${sale.saleId}:${line.lineId}`) ?? null,
    ]),
  );
  openConflict(
    context,
    detectStalePrices(
      fact.eventId,
      { saleId: sale.saleId, currency: sale.currency, saleTime: context.time, lines: sale.lines },
      prices,
    ),
  );
  return 'projected';
}

function recordSaleCash(
  context: ProjectionContext,
  sale: SaleCompleted,
  cashTenderedMinor: number,
): { entity: 'shift'; id: string }[] {
  if (sale.shiftId === null) return [];
  const shift = context.lookups.shifts.get(sale.shiftId);
  if (shift === undefined) return [{ entity: 'shift', id: sale.shiftId }];
  recordShiftCash(shift, 'cashTenderedMinor', cashTenderedMinor);
  recordShiftCash(shift, 'changeGivenMinor', sale.changeMinor);
  return [];
}
