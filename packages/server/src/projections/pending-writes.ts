import { type Insertable, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ConflictDraft } from '../conflicts/conflict-detection';
import { insertRows } from '../database/bulk-insert';
import type { DatabaseSchema } from '../database/database-schema';
import type { TenantWork } from '../database/tenant-transaction';
import {
  FOLIO_NUMBER_DIGITS,
  type FolioBook,
  lockFolioBook,
  type RecordedFolio,
  recordedFolio,
} from '../folios/folio-assignment';
import { levelMoves, levelsExist, moveStockLevels, recordStockMovements } from '../stock/stock-movements';
import type { ShiftState } from './batch-lookups';
import { oversells, type QueuedStockMovement } from './stock-effects';

/**
 * Rows the projections of one batch write, held until the batch is projected and then written
 * table by table, one INSERT per table (all lines of all sales in one statement), in three steps
 * so that a tenant's pushes overlap for most of their work:
 *
 * 1. Every row no other transaction waits for (journal, sales, refunds, lines, tenders, movements,
 *    shifts, voids, cash) is written with no lock held but the terminal's own, and the references
 *    are checked. Movements whose level does not exist yet wait for step 3, which creates it.
 * 2. The folio series the batch numbers in are locked in id order; per-store numbers are taken in
 *    fact order and written on the sales and refunds, and the folios recorded are read back for
 *    the answer, all in one statement.
 * 3. The tenant's change version is taken (the lock every writer of the tenant takes last, before
 *    stock levels) and the levels move in fact order, because whether a sale oversold depends on
 *    the level each earlier movement left; the oversell conflicts join the others. Movements that
 *    waited for a new level are written now.
 *
 * The locks are held until commit, so the lock order (folio series, change version, stock
 * levels) is the same in every transaction and none waits on another in a cycle.
 */
type Row<T extends keyof DatabaseSchema> = Insertable<DatabaseSchema[T]>;
export class PendingWrites {
  readonly facts: Row<'facts'>[] = [];
  /** Stock movements in fact order; moved first at flush, since oversells depend on the levels. */
  readonly stock: QueuedStockMovement[] = [];
  /** Shifts opened by facts of this batch: inserted at flush with the sums the batch left them. */
  readonly shiftsOpened = new Map<string, ShiftOpening>();
  readonly sales: Row<'sales'>[] = [];
  readonly saleLines: Row<'sale_lines'>[] = [];
  readonly saleTenders: Row<'sale_tenders'>[] = [];
  readonly refunds: Row<'refunds'>[] = [];
  readonly refundLines: Row<'refund_lines'>[] = [];
  readonly voids: Row<'voids'>[] = [];
  /** Sales already in the database that a fact of this batch voided: sale id → void event id. */
  readonly voidedStoredSales = new Map<string, string>();
  readonly cashMovements: Row<'cash_movements'>[] = [];
  readonly folioAssignments: Row<'folio_assignments'>[] = [];
  /** Numbers a terminal repeated in its own series: recorded only if the number is still free. */
  readonly folioAssignmentsIfFree: Row<'folio_assignments'>[] = [];
  readonly conflicts: Row<'conflicts'>[] = [];
  /** Documents numbered in a per-store series: numbers are taken at flush, in this order. */
  readonly storeFolios: FolioDocument[] = [];
  /** Shift close data for shifts already in the database, by shift id. */
  readonly shiftCloses = new Map<string, ShiftClose>();
  /** Every folio the flush recorded, as the statements that recorded them returned them. */
  readonly recordedFolios: RecordedFolio[] = [];

  constructor(
    private readonly tenantId: string,
    private readonly now: Date,
  ) {}

  openConflict(draft: ConflictDraft, where: { storeId: string; terminalId: string }): void {
    this.conflicts.push({
      tenant_id: this.tenantId,
      id: uuidv7(),
      kind: draft.kind,
      store_id: where.storeId,
      terminal_id: where.terminalId,
      event_ids: JSON.stringify(draft.eventIds),
      details: JSON.stringify(draft.details),
      created_at: this.now,
    });
  }

  async flush(work: TenantWork, shifts: ReadonlyMap<string, ShiftState>, folios: FolioBook): Promise<void> {
    // 1. With no lock but the terminal's. Per-store final folios are written in step 2.
    await insertRows(work, 'facts', this.facts);
    await insertRows(work, 'shifts', this.openedShiftRows(shifts));
    await insertRows(work, 'sales', this.sales);
    await insertRows(work, 'sale_lines', this.saleLines);
    await insertRows(work, 'sale_tenders', this.saleTenders);
    await insertRows(work, 'refunds', this.refunds);
    await insertRows(work, 'refund_lines', this.refundLines);
    await insertRows(work, 'voids', this.voids);
    await insertRows(work, 'cash_movements', this.cashMovements);
    // A movement row needs its level; when one is missing, the rows wait until step 3 creates it.
    const moves = levelMoves(this.stock);
    const levelsFound = await levelsExist(work, moves);
    if (levelsFound) await recordStockMovements(work, this.stock);
    for (const [saleId, eventId] of this.voidedStoredSales) {
      await work.transaction
        .updateTable('sales')
        .set({ status: 'voided', voided_event_id: eventId })
        .where('id', '=', saleId)
        .execute();
    }
    await this.saveShifts(work, shifts);

    // 2. The folio series, locked in id order; what the numbers decide is written in one statement.
    await lockFolioBook(work, folios, new Set(this.storeFolios.map((request) => request.seriesId)));
    const recorded = await writeFolioNumbers(work, folios, this.storeFolios, this.folioAssignments, this.now);
    this.recordedFolios.push(...recorded);
    if (this.folioAssignmentsIfFree.length > 0) {
      // After the batch's own assignments, which may hold the very number a repeat asks for.
      const inserted = await work.transaction
        .insertInto('folio_assignments')
        .values(this.folioAssignmentsIfFree)
        .onConflict((conflict) => conflict.doNothing())
        .returning(['event_id', 'document_id', 'provisional_folio', 'final_folio', 'series_id', 'number'])
        .execute();
      this.recordedFolios.push(...inserted.map(recordedFolio));
    }

    // 3. The tenant's change version, then the stock levels in fact order.
    const levels = await moveStockLevels(work, moves, { levelsExist: levelsFound });
    if (!levelsFound) await recordStockMovements(work, this.stock);
    for (const oversell of oversells(this.stock, levels)) {
      this.openConflict(oversell.draft, { storeId: oversell.storeId, terminalId: oversell.terminalId });
    }
    await insertRows(work, 'conflicts', this.conflicts);
  }

  /** The record that `number` of the document's series went to this document. */
  folioAssignment(document: FolioDocument, number: number, finalFolio: string): FolioAssignmentRow {
    return {
      tenant_id: this.tenantId,
      series_id: document.seriesId,
      number,
      document_type: document.documentType,
      document_id: document.documentId,
      event_id: document.eventId,
      provisional_folio: document.provisionalFolio,
      final_folio: finalFolio,
      store_id: document.storeId,
      terminal_id: document.terminalId,
      assigned_at: this.now,
    };
  }

  private openedShiftRows(shifts: ReadonlyMap<string, ShiftState>): Row<'shifts'>[] {
    return [...this.shiftsOpened.values()].map((opening) => {
      const shift = shifts.get(opening.shiftId);
      if (shift === undefined) throw new Error(`opened shift ${opening.shiftId} is missing from the batch`);
      const close = this.shiftCloses.get(shift.id);
      return {
        tenant_id: this.tenantId,
        id: shift.id,
        store_id: shift.storeId,
        terminal_id: shift.terminalId,
        cashier_user_id: opening.cashierUserId,
        currency: opening.currency,
        opened_event_id: shift.openedEventId,
        opened_at: opening.openedAt,
        opening_float_minor: shift.openingFloatMinor,
        ...sumColumns(shift),
        ...(close === undefined ? {} : closeColumns(close)),
      };
    });
  }

  private async saveShifts(work: TenantWork, shifts: ReadonlyMap<string, ShiftState>): Promise<void> {
    for (const shift of shifts.values()) {
      if (shift.isNew || !shift.dirty) continue;
      const close = this.shiftCloses.get(shift.id);
      await work.transaction
        .updateTable('shifts')
        .set({ ...sumColumns(shift), ...(close === undefined ? {} : closeColumns(close)) })
        .where('id', '=', shift.id)
        .execute();
      shift.dirty = false;
    }
  }
}

/**
 * Everything the locked series' numbers decide, in one statement, because the store's other tills
 * wait on those locks and every round trip under them is one they wait through: the per-store
 * numbers, taken from each series' next number in the documents' (fact) order and formatted as
 * formatFolio does; the final folios on the sales and refunds step 1 inserted; the series' next
 * numbers; and the assignment records, per-store and per-terminal, returned for the answer. A
 * series the statement moves is locked by its UPDATE if lockFolioBook has not locked it already.
 */
export async function writeFolioNumbers(
  work: TenantWork,
  book: FolioBook,
  documents: readonly FolioDocument[],
  assignments: readonly Row<'folio_assignments'>[],
  assignedAt: Date,
): Promise<RecordedFolio[]> {
  const moved = [...book.values()].filter((series) => series.dirty);
  if (documents.length === 0 && moved.length === 0 && assignments.length === 0) return [];
  for (const document of documents) {
    if (book.get(document.seriesId)?.scope !== 'per_store') {
      throw new Error(
        `document ${document.documentId} asked for a number in a series the batch did not load`,
      );
    }
  }
  const counts = new Map<string, number>();
  const numbered = documents.map((document) => {
    const ordinal = (counts.get(document.seriesId) ?? 0) + 1;
    counts.set(document.seriesId, ordinal);
    return {
      series_id: document.seriesId,
      ordinal,
      document_type: document.documentType,
      document_id: document.documentId,
      event_id: document.eventId,
      provisional_folio: document.provisionalFolio,
      store_id: document.storeId,
      terminal_id: document.terminalId,
    };
  });
  const storeSeries = JSON.stringify([...counts].map(([id, count]) => ({ id, count })));
  const terminalSeries = JSON.stringify(
    moved.map((entry) => ({ id: entry.id, next_number: entry.nextNumber })),
  );
  const columns = sql.join(FOLIO_ASSIGNMENT_COLUMNS.map((column) => sql.id(column)));
  const result = await sql<FolioAssignmentReturned>`
    WITH store_series AS (
      UPDATE folio_series AS s SET next_number = s.next_number + n.count
      FROM json_to_recordset(${storeSeries}::json) AS n(id uuid, count int)
      WHERE s.id = n.id
      RETURNING s.id, s.next_number - n.count AS first_number, s.prefix
    ), numbered AS (
      SELECT d.*, s.first_number + d.ordinal - 1 AS number, s.prefix || lpad(
        (s.first_number + d.ordinal - 1)::text,
        greatest(${FOLIO_NUMBER_DIGITS}::int, length((s.first_number + d.ordinal - 1)::text)),
        '0'
      ) AS final_folio
      FROM json_to_recordset(${JSON.stringify(numbered)}::json) AS d(
        series_id uuid, ordinal int, document_type text, document_id uuid, event_id uuid,
        provisional_folio text, store_id uuid, terminal_id uuid
      )
      JOIN store_series AS s ON s.id = d.series_id
    ), sale_folios AS (
      UPDATE sales AS d SET final_folio = f.final_folio
      FROM numbered AS f WHERE f.document_type = 'sale' AND d.id = f.document_id
      RETURNING 1
    ), refund_folios AS (
      UPDATE refunds AS d SET final_folio = f.final_folio
      FROM numbered AS f WHERE f.document_type = 'refund' AND d.id = f.document_id
      RETURNING 1
    ), terminal_numbers AS (
      UPDATE folio_series AS s SET next_number = n.next_number
      FROM json_to_recordset(${terminalSeries}::json) AS n(id uuid, next_number int)
      WHERE s.id = n.id
      RETURNING 1
    )
    INSERT INTO folio_assignments (${columns})
    SELECT ${work.scope.tenantId}::uuid, series_id, number, document_type, document_id, event_id,
      provisional_folio, final_folio, store_id, terminal_id, ${assignedAt}::timestamptz
    FROM numbered
    UNION ALL
    SELECT ${columns} FROM jsonb_populate_recordset(NULL::folio_assignments, ${JSON.stringify(assignments)}::jsonb)
    RETURNING event_id, document_id, provisional_folio, final_folio, series_id, number
  `.execute(work.transaction);
  for (const entry of moved) entry.dirty = false;
  if (result.rows.length !== documents.length + assignments.length) {
    throw new Error(
      `${result.rows.length} folios recorded for ${documents.length + assignments.length} documents`,
    );
  }
  return result.rows.map(recordedFolio);
}

type FolioAssignmentReturned = Parameters<typeof recordedFolio>[0];

/** Every column PendingWrites.folioAssignment fills: its return type is built from this list. */
const FOLIO_ASSIGNMENT_COLUMNS = [
  'tenant_id',
  'series_id',
  'number',
  'document_type',
  'document_id',
  'event_id',
  'provisional_folio',
  'final_folio',
  'store_id',
  'terminal_id',
  'assigned_at',
] as const satisfies readonly (keyof Row<'folio_assignments'>)[];
/** Exactly the listed columns, each required: a column added to the builder must join the list. */
type FolioAssignmentRow = {
  [Column in (typeof FOLIO_ASSIGNMENT_COLUMNS)[number]]: Row<'folio_assignments'>[Column];
};

/** A document to be numbered in a folio series, and the fact that made it. */
export interface FolioDocument {
  readonly seriesId: string;
  readonly documentType: 'sale' | 'refund';
  readonly documentId: string;
  readonly provisionalFolio: string;
  readonly eventId: string;
  readonly storeId: string;
  readonly terminalId: string;
}

export interface ShiftOpening {
  readonly shiftId: string;
  readonly cashierUserId: string;
  readonly currency: string;
  readonly openedAt: Date;
}

export interface ShiftClose {
  readonly eventId: string;
  readonly closedAt: Date;
  readonly countedCashMinor: number;
  readonly expectedCashMinor: number;
  readonly deviceExpectedCashMinor: number;
  readonly overShortMinor: number;
  readonly denominations: readonly { valueMinor: number; count: number }[];
}

function sumColumns(shift: ShiftState) {
  return {
    cash_tendered_minor: shift.cashTenderedMinor,
    change_given_minor: shift.changeGivenMinor,
    cash_refunded_minor: shift.cashRefundedMinor,
    cash_voided_minor: shift.cashVoidedMinor,
    cash_in_minor: shift.cashInMinor,
    cash_out_minor: shift.cashOutMinor,
    cash_after_close_minor: shift.cashAfterCloseMinor,
  };
}

function closeColumns(close: ShiftClose) {
  return {
    closed_event_id: close.eventId,
    closed_at: close.closedAt,
    counted_cash_minor: close.countedCashMinor,
    expected_cash_minor: close.expectedCashMinor,
    device_expected_cash_minor: close.deviceExpectedCashMinor,
    over_short_minor: close.overShortMinor,
    denominations: JSON.stringify(close.denominations),
  };
}
