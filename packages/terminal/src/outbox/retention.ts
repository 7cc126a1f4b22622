import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { storeKeys } from '../store-layout';
import { readOutboxState, type StoredFact } from './outbox';

/** Facts removed per transaction, so pruning a year of history never holds the store for long. */
export const PRUNE_BATCH_FACTS_MAX = 1_000;
const DAY_MS = 86_400_000;

/**
 * Removes acknowledged facts (and the local documents they made) acknowledged longer ago than the
 * retention. A fact the server has not acknowledged is never touched, whatever its age: pending
 * facts leave only through the server's acknowledgement. Acknowledgement times grow with the
 * sequence, so pruning walks from the oldest fact and stops at the first one it must keep.
 */
export async function pruneAcknowledgedFacts(
  store: TerminalStore,
  terminalId: string,
  options: { readonly retentionDays: number; readonly now: Date },
): Promise<{ readonly prunedCount: number }> {
  const cutoffMs = options.now.getTime() - options.retentionDays * DAY_MS;
  let prunedCount = 0;
  for (;;) {
    const pruned = await store.write((transaction) => pruneBatch(transaction, terminalId, cutoffMs));
    prunedCount += pruned.count;
    if (pruned.done) return { prunedCount };
  }
}

async function pruneBatch(
  transaction: WriteTransaction,
  terminalId: string,
  cutoffMs: number,
): Promise<{ count: number; done: boolean }> {
  const { acknowledgedSequence } = await readOutboxState(transaction, terminalId);
  const entries = await transaction.scan({
    prefix: storeKeys.factPrefix(terminalId),
    limit: PRUNE_BATCH_FACTS_MAX,
  });
  let count = 0;
  for (const [key, value] of entries) {
    const stored = value as unknown as StoredFact;
    const acknowledged = stored.envelope.sequence <= acknowledgedSequence && stored.acknowledgedAt !== null;
    if (!acknowledged || Date.parse(stored.acknowledgedAt ?? '') >= cutoffMs) return { count, done: true };
    await forgetDocument(transaction, stored);
    await transaction.delete(key);
    count += 1;
  }
  return { count, done: entries.length < PRUNE_BATCH_FACTS_MAX };
}

async function forgetDocument(transaction: WriteTransaction, stored: StoredFact): Promise<void> {
  const { payload } = stored.envelope;
  if (payload.type === 'SaleCompleted') {
    const sale = await transaction.get(storeKeys.sale(payload.saleId));
    await transaction.delete(storeKeys.sale(payload.saleId));
    await transaction.delete(storeKeys.saleByFolio(payload.provisionalFolio));
    if (
      typeof sale === 'object' &&
      sale !== null &&
      !Array.isArray(sale) &&
      typeof sale.finalFolio === 'string'
    ) {
      await transaction.delete(storeKeys.saleByFolio(sale.finalFolio));
    }
  } else if (payload.type === 'RefundIssued') {
    await transaction.delete(storeKeys.refund(payload.refundId));
  }
}
