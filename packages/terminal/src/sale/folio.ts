import { resolveFolioSeries } from '../state/state-reader';
import type { WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

export const FOLIO_NUMBER_DIGITS = 8;

type CounterRecord = { readonly next: number };

export interface AssignedLocalFolio {
  readonly provisionalFolio: string;
  /** Known at once for a per-terminal series: the till itself numbers it, gaplessly. */
  readonly finalFolio: string | null;
  readonly folioSeriesId: string | null;
}

/**
 * Numbers a sale at the till, offline. The counters live in the durable store beside the facts
 * and only ever move forward, in the same transaction as the fact that uses the number, so a
 * crash, a reload of server data or a reopened tab never hands out a number twice, and a
 * per-terminal series has no gaps.
 * - per-terminal series: the final folio `${prefix}${number padded to 8}`;
 * - otherwise a provisional folio unique to this terminal, `P<terminal tag>-<number>`; the server
 *   assigns the final one from the store's series when it applies the sale.
 */
export async function assignSaleFolio(
  transaction: WriteTransaction,
  storeId: string,
  terminalId: string,
): Promise<AssignedLocalFolio> {
  const series = await resolveFolioSeries(transaction, storeId, terminalId, 'sale');
  if (series?.scope === 'per_terminal') {
    const number = await takeNumber(transaction, storeKeys.folioSeriesCounter(series.id));
    const folio = `${series.prefix}${padFolioNumber(number)}`;
    await assertUnused(transaction, folio);
    return { provisionalFolio: folio, finalFolio: folio, folioSeriesId: series.id };
  }
  const number = await takeNumber(transaction, storeKeys.provisionalFolioCounter(terminalId));
  const folio = `P${terminalTag(terminalId)}-${padFolioNumber(number)}`;
  await assertUnused(transaction, folio);
  return { provisionalFolio: folio, finalFolio: null, folioSeriesId: series?.id ?? null };
}

/**
 * Eight hex digits naming the terminal on its provisional folios. Taken from the end of the id:
 * a UUIDv7 begins with its timestamp, so two tills activated in the same minute share a prefix,
 * while its last digits are random.
 */
export function terminalTag(terminalId: string): string {
  return terminalId.replaceAll('-', '').slice(-8).toUpperCase();
}

export function padFolioNumber(number: number): string {
  return String(number).padStart(FOLIO_NUMBER_DIGITS, '0');
}

async function takeNumber(transaction: WriteTransaction, key: string): Promise<number> {
  const counter = (await readValue<CounterRecord>(transaction, key)) ?? { next: 1 };
  if (!Number.isSafeInteger(counter.next) || counter.next < 1) {
    throw new Error(`Folio counter invariant broken at ${key}: ${String(counter.next)}`);
  }
  await writeValue<CounterRecord>(transaction, key, { next: counter.next + 1 });
  return counter.next;
}

async function assertUnused(transaction: WriteTransaction, folio: string): Promise<void> {
  if (await transaction.has(storeKeys.saleByFolio(folio))) {
    throw new Error(`Folio invariant broken: ${folio} is already on a local sale`);
  }
}
