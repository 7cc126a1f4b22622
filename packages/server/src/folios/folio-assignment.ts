import type { AssignedFolio } from '@mostrador/core';
import type { TenantWork } from '../database/tenant-transaction';

/**
 * Final folios, as facts are applied. Each series has a scope set by the tenant:
 *
 * - per_store: one gapless series shared by the store's tills. Terminals print a provisional
 *   folio unique to them; the server takes the series' next number when it applies the fact, in
 *   the same transaction, so a rolled-back push gives its numbers back and none is ever skipped.
 * - per_terminal: the till numbers its documents itself, offline, and its provisional folio is
 *   the final one. The server records it, checks that it is the series' next number and moves the
 *   series on; a gap, a repeat or a malformed folio opens a conflict and is never refused.
 *
 * A batch reads its series without locking them and projects its facts; per-store numbers are
 * only requested then. At flush it locks the series it uses (in id order, after the rows no other
 * writer waits for are written), checks that no per-terminal series it judged moved meanwhile,
 * and one statement takes the per-store numbers in fact order from the locked rows and records
 * them. So the tills of one store take numbers one transaction after the other, but only for the
 * short end of their transactions.
 */
export interface FolioSeriesState {
  readonly id: string;
  readonly storeId: string;
  readonly terminalId: string | null;
  readonly documentType: 'sale' | 'refund';
  readonly scope: 'per_store' | 'per_terminal';
  readonly prefix: string;
  readonly deleted: boolean;
  nextNumber: number;
  /** The next number as the batch first read it, unlocked: a per-terminal series is judged against it. */
  readonly readNextNumber: number;
  dirty: boolean;
}

export type FolioBook = Map<string, FolioSeriesState>;

/** Digits of the number part of a final folio: `${prefix}${number padded to 8}`. */
export const FOLIO_NUMBER_DIGITS = 8;
const FOLIO_NUMBER_DIGITS_MAX = 15;

export function formatFolio(prefix: string, number: number): string {
  return `${prefix}${String(number).padStart(FOLIO_NUMBER_DIGITS, '0')}`;
}

export async function loadFolioBook(
  work: TenantWork,
  where: { storeId: string; terminalId: string; seriesIds: readonly string[] },
): Promise<FolioBook> {
  const rows = await work.transaction
    .selectFrom('folio_series')
    .select([
      'id',
      'store_id',
      'terminal_id',
      'document_type',
      'scope',
      'prefix',
      'next_number',
      'deleted_at',
    ])
    .where((eb) => {
      const live = eb.and([
        eb('store_id', '=', where.storeId),
        eb('deleted_at', 'is', null),
        eb.or([eb('terminal_id', 'is', null), eb('terminal_id', '=', where.terminalId)]),
      ]);
      return where.seriesIds.length === 0 ? live : eb.or([live, eb('id', 'in', [...where.seriesIds])]);
    })
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        storeId: row.store_id,
        terminalId: row.terminal_id,
        documentType: row.document_type,
        scope: row.scope,
        prefix: row.prefix,
        deleted: row.deleted_at !== null,
        nextNumber: row.next_number,
        readNextNumber: row.next_number,
        dirty: false,
      },
    ]),
  );
}

/**
 * The series a document is numbered in: the one the terminal named, else the terminal's own live
 * series for that document type, else the store's shared one. Undefined when the store has none.
 */
export function defaultSeries(
  book: FolioBook,
  documentType: 'sale' | 'refund',
  terminalId: string,
  storeId: string,
): FolioSeriesState | undefined {
  let shared: FolioSeriesState | undefined;
  for (const series of book.values()) {
    if (series.deleted || series.documentType !== documentType || series.storeId !== storeId) continue;
    if (series.scope === 'per_terminal' && series.terminalId === terminalId) return series;
    if (series.scope === 'per_store') shared = series;
  }
  return shared;
}

export type TerminalFolioProblem = 'gap' | 'repeated' | 'malformed';

export interface TerminalFolio {
  /** The number read from the folio; null when the folio does not follow the series' format. */
  readonly number: number | null;
  readonly expectedNumber: number;
  readonly problem: TerminalFolioProblem | null;
}

/**
 * Confirms a folio a terminal assigned itself in a per-terminal series. The series moves past the
 * highest number seen, so after a gap the next document is judged against the terminal's own
 * numbering and one missing number opens one conflict, not one per later document.
 */
export function confirmTerminalFolio(series: FolioSeriesState, folio: string): TerminalFolio {
  if (series.scope !== 'per_terminal') throw new Error(`series ${series.id} is not per terminal`);
  const expectedNumber = series.nextNumber;
  const digits = folio.startsWith(series.prefix) ? folio.slice(series.prefix.length) : '';
  if (!/^\d+$/.test(digits) || digits.length > FOLIO_NUMBER_DIGITS_MAX || Number(digits) < 1) {
    return { number: null, expectedNumber, problem: 'malformed' };
  }
  const number = Number(digits);
  if (number >= expectedNumber) {
    series.nextNumber = number + 1;
    series.dirty = true;
  }
  const problem = number === expectedNumber ? null : number > expectedNumber ? 'gap' : 'repeated';
  return { number, expectedNumber, problem };
}

/**
 * A per-terminal series this batch judged its folios against moved before the batch could lock
 * it (another transaction applied facts of the same till, e.g. a manager accepting a quarantined
 * fact). The push is retried from the start and judges again against the locked number.
 */
export class FolioSeriesMoved extends Error {
  override readonly name = 'FolioSeriesMoved';

  constructor(readonly seriesId: string) {
    super(`folio series ${seriesId} moved while the batch was being applied; retry`);
  }
}

/**
 * Locks the series a batch numbers documents in (per-store ones in `storeSeriesIds`, per-terminal
 * ones it moved) in id order, so two batches never wait on each other in opposite orders; a
 * per-terminal one must not have moved. A batch that numbers in one per-store series alone and
 * moved no per-terminal one (a store's usual push) skips this round trip: the statement that
 * numbers its documents locks that one row as it moves it, and one row has no order to keep.
 */
export async function lockFolioBook(
  work: TenantWork,
  book: FolioBook,
  storeSeriesIds: ReadonlySet<string>,
): Promise<void> {
  const terminalSeries = [...book.values()].filter(
    (series) => series.scope === 'per_terminal' && series.dirty && !storeSeriesIds.has(series.id),
  );
  if (terminalSeries.length === 0 && storeSeriesIds.size <= 1) return;
  const ids = [...storeSeriesIds, ...terminalSeries.map((series) => series.id)].sort();
  const rows = await work.transaction
    .selectFrom('folio_series')
    .select(['id', 'next_number'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of rows) {
    const series = book.get(row.id);
    if (series?.scope === 'per_terminal' && row.next_number !== series.readNextNumber) {
      throw new FolioSeriesMoved(series.id);
    }
  }
}

/** A folio recorded in folio_assignments, with its number, for the answer's order. */
export interface RecordedFolio extends AssignedFolio {
  readonly folioSeriesId: string;
  readonly number: number;
}

/** The order a push answers its folios in: by series, then number. */
export function answerFolios(recorded: readonly RecordedFolio[]): AssignedFolio[] {
  return [...recorded]
    .sort((a, b) =>
      a.folioSeriesId === b.folioSeriesId ? a.number - b.number : a.folioSeriesId < b.folioSeriesId ? -1 : 1,
    )
    .map(({ number: _number, ...folio }) => folio);
}

/** The final folios recorded for the given facts, so an answer lost on the way can be given again. */
export async function foliosOfEvents(
  work: TenantWork,
  eventIds: readonly string[],
): Promise<RecordedFolio[]> {
  if (eventIds.length === 0) return [];
  const rows = await work.transaction
    .selectFrom('folio_assignments')
    .select(['event_id', 'document_id', 'provisional_folio', 'final_folio', 'series_id', 'number'])
    .where('event_id', 'in', [...eventIds])
    .execute();
  return rows.map(recordedFolio);
}

/** A folio_assignments row as the answer carries it. */
export function recordedFolio(row: {
  event_id: string;
  document_id: string;
  provisional_folio: string;
  final_folio: string;
  series_id: string;
  number: number;
}): RecordedFolio {
  return {
    eventId: row.event_id,
    documentId: row.document_id,
    provisionalFolio: row.provisional_folio,
    finalFolio: row.final_folio,
    folioSeriesId: row.series_id,
    number: row.number,
  };
}
