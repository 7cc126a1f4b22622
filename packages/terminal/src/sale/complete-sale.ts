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
import type { TerminalIdentity } from '../activation/terminal-identity';
import { type AuthorizationRefusal, authorizeSignedInUser } from '../auth/session';
import { addShiftCash, readCurrentShift } from '../cash/shift-record';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { readSellingWarehouse, readStore, readTenantSettings } from '../state/state-reader';
import {
  checkStockGuard,
  type GuardLine,
  recordGuardEntry,
  type StockGuardRefusal,
} from '../stock-guard/stock-guard';
import type { ReadTransaction } from '../storage/terminal-store';
import { planSaleFolio, takeSaleFolio } from './folio';
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
  /**
   * Offline (or planned offline), the stock guard decides; online, the server's stock rules do.
   * Read in the sale's own transaction, with everything else the sale reads.
   */
  readonly isOffline: (transaction: ReadTransaction, terminalId: string) => Promise<boolean>;
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
  const recorded = await recordFact(recorder, async (transaction, identity) => {
    if (request.cart.lines.length === 0) return refuse('CART_EMPTY');
    const guardLines = request.cart.lines.map((line) => ({
      variantId: line.variantId,
      sku: line.sku,
      quantityMilli: line.quantity.quantityMilli,
    }));
    const { authorization, offline, store, tenant, warehouse, shift, plannedFolio, blocked } =
      await readForSale(transaction, identity, context, guardLines);
    if (!authorization.ok) return authorization;
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
    if (blocked !== undefined) return blocked;
    const folio = await takeSaleFolio(transaction, plannedFolio);
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
      offline,
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

/**
 * Everything a sale reads before it writes, read at once: in the browser each read is a round trip
 * to IndexedDB, and reads that do not wait for one another share the trip. The stock guard starts
 * as soon as it knows the warehouse, while the folio is still being read; the folio is only read
 * here, and its counter moves once every check has passed, so a refused sale leaves no gap.
 */
async function readForSale(
  transaction: ReadTransaction,
  identity: TerminalIdentity,
  context: SaleContext,
  guardLines: readonly (GuardLine & { readonly sku: string })[],
) {
  const offlineReading = context.isOffline(transaction, identity.terminalId);
  const warehouseReading = readSellingWarehouse(transaction, identity.storeId);
  const guardChecking = Promise.all([offlineReading, warehouseReading]).then(([offline, warehouse]) =>
    offline && warehouse !== undefined
      ? checkStockGuard(transaction, {
          storeId: identity.storeId,
          warehouseId: warehouse.id,
          lines: guardLines,
        })
      : undefined,
  );
  const [authorization, store, tenant, shift, plannedFolio, offline, warehouse, blocked] = await Promise.all([
    authorizeSignedInUser(transaction, identity.storeId, 'sale.create'),
    readStore(transaction, identity.storeId),
    readTenantSettings(transaction),
    readCurrentShift(transaction),
    planSaleFolio(transaction, identity.storeId, identity.terminalId),
    offlineReading,
    warehouseReading,
    guardChecking,
  ]);
  return { authorization, store, tenant, shift, plannedFolio, offline, warehouse, blocked };
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
