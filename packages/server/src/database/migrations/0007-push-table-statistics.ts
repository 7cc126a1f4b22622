import { type Kysely, sql } from 'kysely';

/**
 * The columns of the tables a push writes that no key, index or constraint uses, by table. The
 * planner estimates nothing from them today (every read of these tables goes through a key or an
 * index: look-ups by id, event id, sale, series), yet ANALYZE sorted and counted every one of them
 * in its sample, the journal's envelopes (decompressed first) included. Where no autovacuum runs,
 * the server analyses these tables as pushes grow them (table-statistics.ts), so that work was
 * repeated all through an ingest: in a 50 × 400 PostgreSQL run, ANALYZE of these seven tables took
 * 520 ms with statistics on every column and 198 ms without them on these columns.
 *
 * A target of 0 keeps the column out of ANALYZE; key and indexed columns keep the default, and
 * `0007-push-table-statistics.test.ts` holds every key and indexed column of the schema to that. A
 * column added later to one of these tables gets statistics unless it is added here.
 */
export const UNANALYSED_COLUMNS = {
  facts: ['store_id', 'fact_type', 'hash', 'prev_hash', 'envelope', 'received_at'],
  sales: [
    'terminal_id',
    'shift_id',
    'cashier_user_id',
    'approved_by_user_id',
    'customer_id',
    'currency',
    'prices_include_tax',
    'subtotal_minor',
    'discount_total_minor',
    'tax_total_minor',
    'total_minor',
    'tendered_minor',
    'cash_tendered_minor',
    'change_minor',
    'cash_rounding_minor',
    'offline',
    'provisional_folio',
    'folio_series_id',
    'final_folio',
    'device_time',
    'status',
    'voided_event_id',
  ],
  sale_lines: [
    'position',
    'variant_id',
    'sku',
    'name',
    'quantity',
    'unit_price_minor',
    'discount_minor',
    'tax_rate_basis_points',
    'tax_minor',
    'total_minor',
    'warehouse_id',
    'server_price_minor',
  ],
  sale_tenders: ['kind', 'amount_minor', 'reference'],
  stock_movements: ['qty_delta', 'reason', 'reference', 'user_id', 'created_at'],
  stock_levels: ['qty_on_hand', 'qty_reserved', 'qty_available'],
  folio_assignments: [
    'document_type',
    'document_id',
    'provisional_folio',
    'final_folio',
    'store_id',
    'terminal_id',
    'assigned_at',
  ],
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(UNANALYSED_COLUMNS)) {
    const alterations = sql.join(
      columns.map((column) => sql`ALTER COLUMN ${sql.id(column)} SET STATISTICS 0`),
    );
    await sql`ALTER TABLE ${sql.id(table)} ${alterations}`.execute(db);
  }
}
