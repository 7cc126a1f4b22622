import { resolveFolioSeries } from '../state/state-reader';
import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

export const FOLIO_NUMBER_DIGITS = 8;

type CounterRecord = { readonly next: number };

export interface AssignedLocalFolio {
  readonly provisionalFolio: string;
  /** Known at once for a per-terminal series: the till itself numbers it, gaplessly. */
  readonly finalFolio: string | null;
  readonly folioSeriesId: string | null;
}

/** The number a sale will take, read but not yet taken: the counter moves only with `takeSaleFolio`. */
export interface PlannedSaleFolio {
  readonly counterKey: string;
  readonly number: number;
  readonly folio: AssignedLocalFolio;
}

/**
 * Numbers a sale at the till, offline. The counters live in the durable store beside the facts
 * and only ever move forward, in the same transaction as the fact that uses the number, so a
 * crash, a reload of server data or a reopened tab never hands out a number twice, and a
 * per-terminal series has no gaps.
 * - per-terminal series: the final folio `${prefix}${number padded to 8}`;
 * - otherwise a provisional folio unique to this terminal, `P<terminal tag>-<number>`; the server
 *   assigns the final one from the store's series when it applies the sale.
 *
 * Planning only reads, so a sale makes these reads while it checks its stock, and takes the
 * number (takeSaleFolio) only once it knows it will record the fact: a refused sale leaves no gap.
 */
export async function planSaleFolio(
  transaction: ReadTransaction,
  storeId: string,
  terminalId: string,
): Promise<PlannedSaleFolio> {
  const series = await resolveFolioSeries(transaction, storeId, terminalId, 'sale');
  const perTerminal = series?.scope === 'per_terminal' ? series : undefined;
  const counterKey =
    perTerminal === undefined
      ? storeKeys.provisionalFolioCounter(terminalId)
      : storeKeys.folioSeriesCounter(perTerminal.id);
  const number = await nextNumber(transaction, counterKey);
  const folio: AssignedLocalFolio =
    perTerminal === undefined
      ? {
          provisionalFolio: `P${terminalTag(terminalId)}-${padFolioNumber(number)}`,
          finalFolio: null,
          folioSeriesId: series?.id ?? null,
        }
      : finalFolioOf(perTerminal.id, `${perTerminal.prefix}${padFolioNumber(number)}`);
  await assertUnused(transaction, folio.provisionalFolio);
  return { counterKey, number, folio };
}

function finalFolioOf(folioSeriesId: string, folio: string): AssignedLocalFolio {
  return { provisionalFolio: folio, finalFolio: folio, folioSeriesId };
}

/** Moves the counter past the planned number, in the transaction that records the sale. */
export async function takeSaleFolio(
  transaction: WriteTransaction,
  plan: PlannedSaleFolio,
): Promise<AssignedLocalFolio> {
  const current = await nextNumber(transaction, plan.counterKey);
  if (current !== plan.number) {
    throw new Error(
      `Folio counter invariant broken at ${plan.counterKey}: planned ${plan.number}, now ${current}`,
    );
  }
  await writeValue<CounterRecord>(transaction, plan.counterKey, { next: plan.number + 1 });
  return plan.folio;
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

async function nextNumber(transaction: ReadTransaction, key: string): Promise<number> {
  const counter = (await readValue<CounterRecord>(transaction, key)) ?? { next: 1 };
  if (!Number.isSafeInteger(counter.next) || counter.next < 1) {
    throw new Error(`Folio counter invariant broken at ${key}: ${String(counter.next)}`);
  }
  return counter.next;
}

async function assertUnused(transaction: ReadTransaction, folio: string): Promise<void> {
  if (await transaction.has(storeKeys.saleByFolio(folio))) {
    throw new Error(`Folio invariant broken: ${folio} is already on a local sale`);
  }
}
