import {
  type Cart,
  type CartTotals,
  cartTotals,
  type FactTender,
  formatQuantity,
  type SaleCompleted,
  settleTenders,
  type Tender,
  type TenderRefusal,
  type TenderSettlement,
} from '@mostrador/core';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { addShiftCash, readCurrentShift } from '../cash/shift-record';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { readSellingWarehouse, readStore, readTenantSettings } from '../state/state-reader';
import { checkStockGuard, recordGuardEntry, type StockGuardRefusal } from '../stock-guard/stock-guard';
import { assignSaleFolio } from './folio';
import { type LocalSale, localSaleFromFact, writeLocalSale } from './local-sale';

export interface CompleteSaleRequest {
  readonly cart: Cart;
  readonly tenders: readonly Tender[];
  readonly customerId?: string | null;
}

export type CompleteSaleRefusal =
  | AuthorizationRefusal
  | RecordingRefusal
  | StockGuardRefusal
  | TenderRefusal
  | Refusal<'CART_EMPTY'>
  | Refusal<'LOCAL_DATA_NOT_LOADED'>
  | Refusal<'CURRENCY_MISMATCH', { expected: string; received: string }>;

export type CompleteSaleOutcome = { readonly ok: true; readonly sale: LocalSale } | CompleteSaleRefusal;

export interface SaleContext {
  readonly recorder: FactRecorder;
  readonly storeId: string;
  /** Offline (or planned offline), the stock guard decides; online, the server's stock rules do. */
  readonly offline: boolean;
}

/**
 * Completes a sale: prices the cart, settles the tenders, numbers the receipt and records the
 * SaleCompleted fact. It returns only after the fact and everything it implies (folio counter,
 * chain head, local history, shift cash, stock-guard count) are durably committed together, so
 * a receipt is never printed for a sale the till could still lose.
 */
export async function completeSale(
  context: SaleContext,
  request: CompleteSaleRequest,
): Promise<CompleteSaleOutcome> {
  const { recorder } = context;
  if (request.cart.lines.length === 0) return refuse('CART_EMPTY');
  const authorization = await authorize(
    recorder.store,
    context.storeId,
    'sale.create',
    undefined,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;

  const recorded = await recordFact(recorder, async (transaction, identity) => {
    const store = await readStore(transaction, identity.storeId);
    const tenant = await readTenantSettings(transaction);
    const warehouse = await readSellingWarehouse(transaction, identity.storeId);
    if (store === undefined || tenant === undefined || warehouse === undefined)
      return refuse('LOCAL_DATA_NOT_LOADED');
    if (request.cart.currency !== store.currency) {
      return refuse('CURRENCY_MISMATCH', { expected: store.currency, received: request.cart.currency });
    }
    const totals = cartTotals(request.cart, { pricesIncludeTax: tenant.pricesIncludeTax });
    const settled = settleTenders(totals.total, request.tenders, {
      cashRoundingIncrementMinor: store.cashRoundingMinor,
    });
    if (!settled.ok) return settled;
    const guardLines = totals.lines.map((line) => ({
      variantId: line.variantId,
      sku: line.sku,
      quantityMilli: line.quantity.quantityMilli,
    }));
    if (context.offline) {
      const blocked = await checkStockGuard(transaction, {
        storeId: identity.storeId,
        warehouseId: warehouse.id,
        lines: guardLines,
      });
      if (blocked !== undefined) return blocked;
    }
    const folio = await assignSaleFolio(transaction, identity.storeId, identity.terminalId);
    const shift = await readCurrentShift(transaction);
    const payload: SaleCompleted = {
      type: 'SaleCompleted',
      saleId: recorder.newId(),
      currency: store.currency,
      provisionalFolio: folio.provisionalFolio,
      folioSeriesId: folio.folioSeriesId,
      shiftId: shift?.shiftId ?? null,
      customerId: request.customerId ?? null,
      pricesIncludeTax: tenant.pricesIncludeTax,
      lines: saleLines(totals, warehouse.id, recorder.newId),
      subtotalMinor: totals.subtotal.amountMinor,
      discountTotalMinor: totals.discountTotal.amountMinor,
      taxTotalMinor: totals.taxTotal.amountMinor,
      totalMinor: totals.total.amountMinor,
      tenders: factTenders(request.tenders),
      changeMinor: settled.settlement.changeDue.amountMinor,
      cashRoundingMinor: settled.settlement.cashRoundingDifference.amountMinor,
      offline: context.offline,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection, envelope) => {
        const sale = localSaleFromFact(envelope, payload, folio.finalFolio);
        await writeLocalSale(projection, sale);
        await recordGuardEntry(projection, identity.terminalId, envelope.sequence, guardLines);
        await addShiftCash(projection, 'cashSalesMinor', cashAppliedMinor(settled.settlement), {
          countsAsSale: true,
        });
        return sale;
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, sale: recorded.result };
}

function saleLines(totals: CartTotals, warehouseId: string, newId: () => string): SaleCompleted['lines'] {
  return totals.lines.map((line) => ({
    lineId: newId(),
    variantId: line.variantId,
    sku: line.sku,
    name: line.name,
    quantity: formatQuantity(line.quantity),
    unitPriceMinor: line.unitPrice.amountMinor,
    discountMinor: line.discount.amountMinor,
    taxRateBasisPoints: line.taxRateBasisPoints,
    taxMinor: line.tax.amountMinor,
    totalMinor: line.total.amountMinor,
    warehouseId,
  }));
}

export function factTenders(tenders: readonly Tender[]): FactTender[] {
  return tenders.map((tender) => ({
    kind: tender.kind,
    amountMinor: tender.amount.amountMinor,
    reference: tender.reference === undefined || tender.reference === '' ? null : tender.reference,
  }));
}

/** The cash that stays in the drawer: cash handed over minus the change given back. */
function cashAppliedMinor(settlement: TenderSettlement): number {
  return settlement.applied
    .filter((entry) => entry.tender.kind === 'cash')
    .reduce((sum, entry) => sum + entry.applied.amountMinor, 0);
}
