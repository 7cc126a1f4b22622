import {
  divideRoundingHalfUp,
  formatQuantity,
  type Quantity,
  type RefundIssued,
  type StockDestination,
  type Tender,
} from '@mostrador/core';
import type { PinAttempt } from '../auth/pin-verification';
import { type AuthorizationRefusal, authorize } from '../auth/session';
import { addShiftCash } from '../cash/shift-record';
import { type Refusal, refuse } from '../engine-outcome';
import { type FactRecorder, type RecordingRefusal, recordFact } from '../outbox/record-fact';
import { recordGuardEntry } from '../stock-guard/stock-guard';
import type { WriteTransaction } from '../storage/terminal-store';
import { storeKeys, writeValue } from '../store-layout';
import { factTenders } from './complete-sale';
import {
  type LocalRefund,
  type LocalSale,
  type LocalSaleLine,
  lineQuantityMilli,
  readLocalSale,
  writeLocalSale,
} from './local-sale';
import { checkReason, type ReasonRefusal } from './reason';

export interface RefundLineRequest {
  readonly lineId: string;
  readonly quantity: Quantity;
  readonly stockDestination?: StockDestination;
}

export interface RefundSaleRequest {
  readonly saleId: string;
  readonly lines: readonly RefundLineRequest[];
  readonly reason: string;
  /** How the money goes back; all in cash when not given. */
  readonly tenders?: readonly Tender[];
  /** A manager's PIN, when the signed-in user may not refund. */
  readonly approval?: PinAttempt;
}

export type RefundSaleOutcome =
  | { readonly ok: true; readonly refund: LocalRefund; readonly sale: LocalSale }
  | AuthorizationRefusal
  | RecordingRefusal
  | ReasonRefusal
  | Refusal<'SALE_NOT_FOUND', { saleId: string }>
  | Refusal<'SALE_ALREADY_VOIDED', { saleId: string }>
  | Refusal<'REFUND_LINE_NOT_FOUND', { lineId: string }>
  | Refusal<'REFUND_QUANTITY_EXCEEDED', { lineId: string; quantityRefundable: string }>
  | Refusal<'REFUND_TOTAL_ZERO'>
  | Refusal<'REFUND_TENDERS_MISMATCH', { totalMinor: number; currency: string }>;

type PricedRefundLine = RefundIssued['lines'][number] & { readonly quantityMilli: number };

/**
 * Gives money back for lines of a sale in this till's local history, offline too, with a
 * manager's PIN when the cashier may not refund. Partial refunds are priced so that refunding a
 * line in several steps adds up to exactly its total, never a cent more.
 */
export async function refundSale(
  recorder: FactRecorder,
  storeId: string,
  request: RefundSaleRequest,
): Promise<RefundSaleOutcome> {
  const reason = checkReason(request.reason);
  if (!reason.ok) return reason;
  if (request.lines.length === 0) return refuse('REFUND_TOTAL_ZERO');
  const authorization = await authorize(
    recorder.store,
    storeId,
    'refund.issue',
    request.approval,
    recorder.clock(),
  );
  if (!authorization.ok) return authorization;

  const recorded = await recordFact(recorder, async (transaction, identity, now) => {
    const sale = await readLocalSale(transaction, request.saleId);
    if (sale === undefined) return refuse('SALE_NOT_FOUND', { saleId: request.saleId });
    if (sale.voided !== null) return refuse('SALE_ALREADY_VOIDED', { saleId: sale.saleId });
    const priced = priceRefundLines(sale, request.lines);
    if (!Array.isArray(priced)) return priced;
    const totalMinor = priced.reduce((sum, line) => sum + line.amountMinor, 0);
    if (totalMinor <= 0) return refuse('REFUND_TOTAL_ZERO');
    const tenders = request.tenders ?? [
      {
        kind: 'cash' as const,
        amount: { amountMinor: totalMinor, currency: sale.currency as Tender['amount']['currency'] },
      },
    ];
    const tendersTotal = tenders.reduce((sum, tender) => sum + tender.amount.amountMinor, 0);
    const currencyMatches = tenders.every((tender) => tender.amount.currency === sale.currency);
    if (
      tendersTotal !== totalMinor ||
      !currencyMatches ||
      tenders.some((tender) => tender.amount.amountMinor < 0)
    ) {
      return refuse('REFUND_TENDERS_MISMATCH', { totalMinor, currency: sale.currency });
    }
    const payload: RefundIssued = {
      type: 'RefundIssued',
      refundId: recorder.newId(),
      saleId: sale.saleId,
      currency: sale.currency,
      lines: priced.map(({ quantityMilli: _quantityMilli, ...line }) => line),
      tenders: factTenders(tenders),
      totalMinor,
      reason: reason.text,
    };
    return {
      payload,
      actor: authorization.actor,
      project: async (projection, envelope) => {
        const refund: LocalRefund = {
          refundId: payload.refundId,
          saleId: sale.saleId,
          sequence: envelope.sequence,
          recordedAt: now.toISOString(),
          cashierUserId: authorization.actor.userId,
          approvedByUserId: authorization.actor.approvedByUserId,
          currency: sale.currency,
          totalMinor,
          lines: payload.lines,
          tenders: payload.tenders,
          reason: reason.text,
          finalFolio: null,
        };
        const updatedSale = withRefund(sale, refund.refundId, priced);
        await projectRefund(projection, refund, updatedSale);
        await recordGuardEntry(
          projection,
          identity.terminalId,
          envelope.sequence,
          priced
            .filter((line) => line.stockDestination === 'restock')
            .map((line) => ({ variantId: line.variantId, quantityMilli: -line.quantityMilli })),
        );
        const cashMinor = payload.tenders
          .filter((tender) => tender.kind === 'cash')
          .reduce((sum, tender) => sum + tender.amountMinor, 0);
        await addShiftCash(projection, 'cashRefundsMinor', cashMinor);
        return { refund, sale: updatedSale };
      },
    };
  });
  if (!recorded.ok) return recorded;
  return { ok: true, ...recorded.result };
}

function priceRefundLines(
  sale: LocalSale,
  requested: readonly RefundLineRequest[],
):
  | PricedRefundLine[]
  | Refusal<'REFUND_LINE_NOT_FOUND', { lineId: string }>
  | Refusal<'REFUND_QUANTITY_EXCEEDED', { lineId: string; quantityRefundable: string }> {
  const refundedSoFar = new Map(sale.lines.map((line) => [line.lineId, line.refundedQuantityMilli]));
  const priced: PricedRefundLine[] = [];
  for (const request of requested) {
    const line = sale.lines.find((candidate) => candidate.lineId === request.lineId);
    if (line === undefined) return refuse('REFUND_LINE_NOT_FOUND', { lineId: request.lineId });
    const soldMilli = lineQuantityMilli(line);
    const beforeMilli = refundedSoFar.get(line.lineId) ?? 0;
    const afterMilli = beforeMilli + request.quantity.quantityMilli;
    if (request.quantity.quantityMilli <= 0 || afterMilli > soldMilli) {
      return refuse('REFUND_QUANTITY_EXCEEDED', {
        lineId: line.lineId,
        quantityRefundable: formatQuantity({ quantityMilli: soldMilli - beforeMilli }),
      });
    }
    refundedSoFar.set(line.lineId, afterMilli);
    priced.push({
      lineId: line.lineId,
      variantId: line.variantId,
      quantity: formatQuantity(request.quantity),
      amountMinor: shareOf(line, afterMilli, soldMilli) - shareOf(line, beforeMilli, soldMilli),
      stockDestination: request.stockDestination ?? 'restock',
      warehouseId: line.warehouseId,
      quantityMilli: request.quantity.quantityMilli,
    });
  }
  return priced;
}

/** The part of a line's total that `partMilli` of its `soldMilli` is worth, rounded half up. */
function shareOf(line: LocalSaleLine, partMilli: number, soldMilli: number): number {
  return Number(divideRoundingHalfUp(BigInt(line.totalMinor) * BigInt(partMilli), BigInt(soldMilli)));
}

function withRefund(sale: LocalSale, refundId: string, priced: readonly PricedRefundLine[]): LocalSale {
  return {
    ...sale,
    refundIds: [...sale.refundIds, refundId],
    lines: sale.lines.map((line) => {
      const parts = priced.filter((part) => part.lineId === line.lineId);
      return {
        ...line,
        refundedQuantityMilli:
          line.refundedQuantityMilli + parts.reduce((sum, part) => sum + part.quantityMilli, 0),
        refundedAmountMinor:
          line.refundedAmountMinor + parts.reduce((sum, part) => sum + part.amountMinor, 0),
      };
    }),
  };
}

async function projectRefund(
  transaction: WriteTransaction,
  refund: LocalRefund,
  sale: LocalSale,
): Promise<void> {
  await writeValue(transaction, storeKeys.refund(refund.refundId), refund);
  await writeLocalSale(transaction, sale);
}
