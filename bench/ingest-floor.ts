import type { FactEnvelope } from '@mostrador/core';
import type { Database } from '@mostrador/server';
import { type Kysely, sql } from 'kysely';

/**
 * The floor under push: the very rows push wrote for a batch (journal, sale, lines, tenders, stock
 * movements, folio assignments) written again with COPY into copies of their tables, one
 * transaction a batch, with no logic at all. The copies keep the columns, defaults, checks,
 * primary keys and unique indexes (storing those rows costs at least that) but no foreign keys,
 * row-level security, chain checks, signatures, look-ups, stock levels or change versions.
 *
 * The rows are read back after push wrote them and encoded before the floor's clock starts, so
 * the floor times only the COPY and its commit.
 */
export interface IngestFloor {
  /** Reads back what push stored for these facts, ready to copy (not timed). */
  prepare(facts: readonly FactEnvelope[]): Promise<FloorBatch>;
  /** Copies one prepared batch in one transaction (timed). */
  copyBatch(batch: FloorBatch): Promise<void>;
  /** Rows stored so far in the copy of `facts`. */
  countFacts(): Promise<number>;
  drop(): Promise<void>;
}

export interface FloorBatch {
  readonly tables: readonly { table: string; columns: string[]; rows: Record<string, unknown>[] }[];
  /** Rows over all tables. */
  readonly rowCount: number;
}

/** What push writes for a sale, by table; the floor copies exactly these. */
const COPIED_TABLES = [
  'facts',
  'sales',
  'sale_lines',
  'sale_tenders',
  'stock_movements',
  'folio_assignments',
] as const;
type CopiedTable = (typeof COPIED_TABLES)[number];

/** The role the request pool logs in as (migration 0001). */
const APP_ROLE = 'mostrador_app';

export async function createIngestFloor(database: Database): Promise<IngestFloor> {
  // Unique names, so runs sharing one PostgreSQL database never meet.
  const suffix = `${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const copyOf = (table: CopiedTable) => `bench_floor_${table}_${suffix}`;
  const owner = database.system as unknown as Kysely<unknown>;
  const including = sql`INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING COMPRESSION`;
  for (const table of COPIED_TABLES) {
    await sql`CREATE TABLE ${sql.id(copyOf(table))} (LIKE ${sql.id(table)} ${including})`.execute(owner);
    await sql`GRANT SELECT, INSERT ON ${sql.id(copyOf(table))} TO ${sql.id(APP_ROLE)}`.execute(owner);
  }

  return {
    async prepare(facts) {
      const eventIds = facts.map((fact) => fact.eventId);
      const saleIds = facts.flatMap((fact) =>
        fact.payload.type === 'SaleCompleted' ? [fact.payload.saleId] : [],
      );
      const references = eventIds.map((eventId) => `event:${eventId}`);
      const read = async (table: CopiedTable, column: string, values: readonly string[]) => {
        const result = await sql<Record<string, unknown>>`
          SELECT * FROM ${sql.id(table)} WHERE ${sql.id(column)} = ANY(${[...values]})
        `.execute(owner);
        return result.rows;
      };
      const rowsByTable: Record<CopiedTable, Record<string, unknown>[]> = {
        facts: await read('facts', 'event_id', eventIds),
        sales: await read('sales', 'event_id', eventIds),
        sale_lines: await read('sale_lines', 'sale_id', saleIds),
        sale_tenders: await read('sale_tenders', 'sale_id', saleIds),
        stock_movements: await read('stock_movements', 'reference', references),
        folio_assignments: await read('folio_assignments', 'event_id', eventIds),
      };
      if (rowsByTable.facts.length !== facts.length || rowsByTable.sales.length !== saleIds.length) {
        throw new Error('the floor could not read back what push stored for the batch');
      }
      const tables = COPIED_TABLES.map((table) => {
        const rows = rowsByTable[table];
        return { table: copyOf(table), columns: Object.keys(rows[0] ?? {}), rows };
      });
      return { tables, rowCount: tables.reduce((total, table) => total + table.rows.length, 0) };
    },
    async copyBatch(batch) {
      await database.copyIn(batch.tables);
    },
    async countFacts() {
      const result = await sql<{ count: string }>`
        SELECT count(*) AS count FROM ${sql.id(copyOf('facts'))}
      `.execute(owner);
      return Number(result.rows[0]?.count ?? 0);
    },
    async drop() {
      const names = COPIED_TABLES.map((table) => sql.id(copyOf(table)));
      await sql`DROP TABLE IF EXISTS ${sql.join(names)}`.execute(owner);
    },
  };
}
