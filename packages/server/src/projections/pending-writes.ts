import { type Insertable, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ConflictDraft } from '../conflicts/conflict-detection';
import type { DatabaseSchema } from '../database/database-schema';
import type { TenantWork } from '../database/tenant-transaction';
import { type FolioBook, saveFolioBook } from '../folios/folio-assignment';
import type { ShiftState } from './batch-lookups';
import { applyQueuedStock, oversells, type QueuedStockMovement } from './stock-effects';

/**
 * Rows the projections of one batch write, held until the batch is projected and then written
 * table by table, one INSERT per table (all lines of all sales in one statement). Stock goes
 * first, movement by movement in fact order, because whether a sale oversold depends on the level
 * each earlier movement left; the oversell conflicts join the others before they are inserted.
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
  /** Shift close data for shifts already in the database, by shift id. */
  readonly shiftCloses = new Map<string, ShiftClose>();

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
    const levels = await applyQueuedStock(work, this.stock);
    for (const oversell of oversells(this.stock, levels)) {
      this.openConflict(oversell.draft, { storeId: oversell.storeId, terminalId: oversell.terminalId });
    }
    await insertRows(work, 'facts', this.facts);
    await insertRows(work, 'shifts', this.openedShiftRows(shifts));
    await insertRows(work, 'sales', this.sales);
    await insertRows(work, 'sale_lines', this.saleLines);
    await insertRows(work, 'sale_tenders', this.saleTenders);
    await insertRows(work, 'refunds', this.refunds);
    await insertRows(work, 'refund_lines', this.refundLines);
    await insertRows(work, 'voids', this.voids);
    await insertRows(work, 'cash_movements', this.cashMovements);
    await saveFolioBook(work, folios);
    await insertRows(work, 'folio_assignments', this.folioAssignments);
    if (this.folioAssignmentsIfFree.length > 0) {
      await work.transaction
        .insertInto('folio_assignments')
        .values(this.folioAssignmentsIfFree)
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    await insertRows(work, 'conflicts', this.conflicts);
    for (const [saleId, eventId] of this.voidedStoredSales) {
      await work.transaction
        .updateTable('sales')
        .set({ status: 'voided', voided_event_id: eventId })
        .where('id', '=', saleId)
        .execute();
    }
    await this.saveShifts(work, shifts);
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

/**
 * One INSERT per table for the whole batch. The rows travel as a single JSON parameter expanded by
 * jsonb_populate_recordset: thousands of values in one parameter instead of one parameter each,
 * which keeps big batches under PostgreSQL's parameter limit and cheaper to send. Only the
 * columns the rows carry are written, so the others take their defaults.
 */
async function insertRows<T extends keyof DatabaseSchema & string>(
  work: TenantWork,
  table: T,
  rows: readonly Row<T>[],
): Promise<void> {
  // Rows that leave out different columns (to take their defaults) go in separate statements.
  const byColumns = new Map<string, Row<T>[]>();
  for (const row of rows) {
    const signature = Object.keys(row).join(',');
    const group = byColumns.get(signature);
    if (group === undefined) byColumns.set(signature, [row]);
    else group.push(row);
  }
  const jsonb = new Set(JSONB_COLUMNS[table] ?? []);
  for (const [signature, group] of byColumns) {
    const columns = signature.split(',');
    const list = sql.join(columns.map((column) => sql.id(column)));
    const json = rowsAsJson(group, columns, jsonb);
    await sql`
      INSERT INTO ${sql.table(table)} (${list})
      SELECT ${list} FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${json}::jsonb)
    `.execute(work.transaction);
  }
}

const JSONB_COLUMNS: Partial<Record<keyof DatabaseSchema, readonly string[]>> = {
  facts: ['envelope'],
  conflicts: ['event_ids', 'details'],
  refunds: ['tenders'],
  shifts: ['denominations'],
};

/** The rows as one JSON array; jsonb columns already hold JSON text and are embedded as is. */
function rowsAsJson(rows: readonly object[], columns: readonly string[], jsonb: ReadonlySet<string>): string {
  const encoded = rows.map((row) => {
    const values = row as Record<string, unknown>;
    const fields = columns.map((column) => {
      const value = values[column];
      const text = jsonb.has(column) && typeof value === 'string' ? value : JSON.stringify(value ?? null);
      return `${JSON.stringify(column)}:${text}`;
    });
    return `{${fields.join(',')}}`;
  });
  return `[${encoded.join(',')}]`;
}
