import {
  type AssignedFolio,
  type FactEnvelope,
  type FactTender,
  parseQuantity,
  type RefundIssued,
  type SaleCompleted,
} from '@mostrador/core';
import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/**
 * The local history of documents: what a reprint, a void or a refund at this till needs, kept in
 * the same transaction as the fact that made it. The provisional folio is the terminal's; the
 * final folio arrives with the server's acknowledgement and from then on is the one shown.
 */
export type LocalSaleLine = SaleCompleted['lines'][number] & {
  readonly refundedQuantityMilli: number;
  readonly refundedAmountMinor: number;
};

export type LocalSale = {
  readonly saleId: string;
  readonly eventId: string;
  readonly terminalId: string;
  readonly sequence: number;
  readonly recordedAt: string;
  readonly cashierUserId: string;
  readonly approvedByUserId: string | null;
  readonly shiftId: string | null;
  readonly currency: string;
  readonly provisionalFolio: string;
  readonly finalFolio: string | null;
  readonly folioSeriesId: string | null;
  readonly pricesIncludeTax: boolean;
  readonly lines: LocalSaleLine[];
  readonly subtotalMinor: number;
  readonly discountTotalMinor: number;
  readonly taxTotalMinor: number;
  readonly totalMinor: number;
  readonly tenders: FactTender[];
  readonly changeMinor: number;
  readonly cashRoundingMinor: number;
  readonly offline: boolean;
  readonly voided: LocalVoid | null;
  readonly refundIds: string[];
};

export type LocalVoid = {
  readonly at: string;
  readonly sequence: number;
  readonly reason: string;
  readonly stockDestination: 'restock' | 'shrinkage';
  readonly approvedByUserId: string | null;
};

export type LocalRefund = {
  readonly refundId: string;
  readonly saleId: string;
  readonly sequence: number;
  readonly recordedAt: string;
  readonly cashierUserId: string;
  readonly approvedByUserId: string | null;
  readonly currency: string;
  readonly totalMinor: number;
  readonly lines: RefundIssued['lines'];
  readonly tenders: FactTender[];
  readonly reason: string;
  readonly finalFolio: string | null;
};

/** The folio a receipt shows: the final one once the server assigned it. */
export function displayFolio(sale: Pick<LocalSale, 'provisionalFolio' | 'finalFolio'>): string {
  return sale.finalFolio ?? sale.provisionalFolio;
}

export function localSaleFromFact(
  envelope: FactEnvelope,
  payload: SaleCompleted,
  finalFolio: string | null,
): LocalSale {
  return {
    saleId: payload.saleId,
    eventId: envelope.eventId,
    terminalId: envelope.terminalId,
    sequence: envelope.sequence,
    recordedAt: envelope.deviceTime,
    cashierUserId: envelope.actor.userId,
    approvedByUserId: envelope.actor.approvedByUserId,
    shiftId: payload.shiftId,
    currency: payload.currency,
    provisionalFolio: payload.provisionalFolio,
    finalFolio,
    folioSeriesId: payload.folioSeriesId,
    pricesIncludeTax: payload.pricesIncludeTax,
    lines: payload.lines.map((line) => ({ ...line, refundedQuantityMilli: 0, refundedAmountMinor: 0 })),
    subtotalMinor: payload.subtotalMinor,
    discountTotalMinor: payload.discountTotalMinor,
    taxTotalMinor: payload.taxTotalMinor,
    totalMinor: payload.totalMinor,
    tenders: payload.tenders,
    changeMinor: payload.changeMinor,
    cashRoundingMinor: payload.cashRoundingMinor,
    offline: payload.offline,
    voided: null,
    refundIds: [],
  };
}

export async function readLocalSale(
  transaction: ReadTransaction,
  saleId: string,
): Promise<LocalSale | undefined> {
  return readValue<LocalSale>(transaction, storeKeys.sale(saleId));
}

/** Finds a sale by the folio printed on its receipt, provisional or final. */
export async function findLocalSaleByFolio(
  transaction: ReadTransaction,
  folio: string,
): Promise<LocalSale | undefined> {
  const saleId = await transaction.get(storeKeys.saleByFolio(folio));
  return typeof saleId === 'string' ? readLocalSale(transaction, saleId) : undefined;
}

export async function writeLocalSale(transaction: WriteTransaction, sale: LocalSale): Promise<void> {
  await writeValue(transaction, storeKeys.sale(sale.saleId), sale);
  await transaction.put(storeKeys.saleByFolio(sale.provisionalFolio), sale.saleId);
  if (sale.finalFolio !== null) await transaction.put(storeKeys.saleByFolio(sale.finalFolio), sale.saleId);
}

export async function readLocalRefund(
  transaction: ReadTransaction,
  refundId: string,
): Promise<LocalRefund | undefined> {
  return readValue<LocalRefund>(transaction, storeKeys.refund(refundId));
}

/** Links the server's final folios to the local documents, so reprints show them. */
export async function recordFinalFolios(
  transaction: WriteTransaction,
  folios: readonly AssignedFolio[],
): Promise<void> {
  for (const folio of folios) {
    const sale = await readLocalSale(transaction, folio.documentId);
    if (sale !== undefined) {
      if (sale.finalFolio !== folio.finalFolio)
        await writeLocalSale(transaction, { ...sale, finalFolio: folio.finalFolio });
      continue;
    }
    const refund = await readLocalRefund(transaction, folio.documentId);
    if (refund !== undefined && refund.finalFolio !== folio.finalFolio) {
      await writeValue(transaction, storeKeys.refund(refund.refundId), {
        ...refund,
        finalFolio: folio.finalFolio,
      });
    }
  }
}

/** Newest first, paged by sale id (UUIDv7, so id order is recording order). */
export async function listLocalSales(
  transaction: ReadTransaction,
  options: { limit: number; before?: string },
): Promise<LocalSale[]> {
  const entries = await transaction.scan({
    prefix: storeKeys.salePrefix,
    reverse: true,
    limit: options.limit,
    ...(options.before === undefined ? {} : { startAfter: storeKeys.sale(options.before) }),
  });
  return entries.map(([, value]) => value as unknown as LocalSale);
}

export function lineQuantityMilli(line: Pick<LocalSaleLine, 'quantity'>): number {
  const parsed = parseQuantity(line.quantity);
  if (!parsed.ok) throw new Error(`A stored sale line has an unreadable quantity: ${line.quantity}`);
  return parsed.quantity.quantityMilli;
}
