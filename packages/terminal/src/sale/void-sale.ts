import type { SaleVoided, StockDestination } from '@mostrador/core';
import type { PinAttempt } from '../auth/pin-verification';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { addShiftCash } from '../cash/shift-record';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { recordGuardEntry } from '../stock-guard/stock-guard';
import { type LocalSale, lineQuantityMilli, readLocalSale, writeLocalSale } from './local-sale';
import { checkReason, type ReasonRefusal } from './reason';

export interface VoidSaleRequest {
  readonly saleId: string;
  readonly reason: string;
  /** Where the goods go; back on the shelf unless said otherwise. */
  readonly stockDestination?: StockDestination;
  /** A manager's PIN, when the signed-in user may not void. */
  readonly approval?: PinAttempt;
}

export type VoidSaleOutcome =
  | { readonly ok: true; readonly sale: LocalSale }
  | AuthorizationRefusal
  | RecordingRefusal
  | ReasonRefusal
  | Refusal<'SALE_NOT_FOUND', { saleId: string }>
  | Refusal<'SALE_ALREADY_VOIDED', { saleId: string }>
  | Refusal<'SALE_HAS_REFUNDS', { saleId: string }>;

/** Annuls a sale of this till's local history as a whole; offline too, with a manager's PIN. */
export async function voidSale(
  recorder: FactRecorder,
  storeId: string,
  request: VoidSaleRequest,
): Promise<VoidSaleOutcome> {
  const reason = checkReason(request.reason);
  if (!reason.ok) return reason;
  const authorization = await authorize(
    recorder.store,
    storeId,
    'sale.void',
    request.approval,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;
  const stockDestination = request.stockDestination ?? 'restock';

  const recorded = await recordFact(recorder, async (transaction, identity, now) => {
    const sale = await readLocalSale(transaction, request.saleId);
    if (sale === undefined) return refuse('SALE_NOT_FOUND', { saleId: request.saleId });
    if (sale.voided !== null) return refuse('SALE_ALREADY_VOIDED', { saleId: sale.saleId });
    if (sale.refundIds.length > 0) return refuse('SALE_HAS_REFUNDS', { saleId: sale.saleId });
    const payload: SaleVoided = {
      type: 'SaleVoided',
      saleId: sale.saleId,
      reason: reason.text,
      stockDestination,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection, envelope) => {
        const voided: LocalSale = {
          ...sale,
          voided: {
            at: now.toISOString(),
            sequence: envelope.sequence,
            reason: reason.text,
            stockDestination,
            approvedByUserId: authorization.actor.approvedByUserId,
          },
        };
        await writeLocalSale(projection, voided);
        if (stockDestination === 'restock') {
          const lines = sale.lines.map((line) => ({
            variantId: line.variantId,
            quantityMilli: -lineQuantityMilli(line),
          }));
          await recordGuardEntry(projection, identity.terminalId, envelope.sequence, lines);
        }
        await addShiftCash(projection, 'cashVoidsMinor', saleCashMinor(sale));
        return voided;
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, sale: recorded.result };
}

/** The cash a sale left in the drawer: cash tendered minus change. */
export function saleCashMinor(sale: Pick<LocalSale, 'tenders' | 'changeMinor'>): number {
  const cashTendered = sale.tenders
    .filter((tender) => tender.kind === 'cash')
    .reduce((sum, tender) => sum + tender.amountMinor, 0);
  return cashTendered - sale.changeMinor;
}
