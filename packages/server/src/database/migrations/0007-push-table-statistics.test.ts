import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../database';
import { UNANALYSED_COLUMNS } from './0007-push-table-statistics';

interface ColumnStatistics {
  table: string;
  column: string;
  /**
   * Whether a primary key, unique, foreign-key or exclusion constraint, or an index (key, expression
   * or predicate) uses it. A check constraint does not count: the planner estimates nothing from it.
   */
  used: boolean;
  unanalysed: boolean;
}

describe('statistics of the tables a push writes (migration 0007)', () => {
  let database: Database;
  let columns: ColumnStatistics[];

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
    const result = await sql<ColumnStatistics>`
      SELECT c.relname AS "table", a.attname AS "column",
        EXISTS (
          SELECT 1 FROM pg_constraint k
          WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'f', 'x') AND a.attnum = ANY (k.conkey)
        ) OR EXISTS (
          -- An index records every column it uses, in expressions and predicates too, as a dependency.
          SELECT 1 FROM pg_depend d JOIN pg_index i ON i.indexrelid = d.objid
          WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
            AND d.refobjid = c.oid AND d.refobjsubid = a.attnum
        ) OR EXISTS (
          SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND a.attnum = ANY (i.indkey)
        ) AS used,
        coalesce(a.attstattarget = 0, false) AS unanalysed
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p')
    `.execute(database.system);
    columns = result.rows;
  });
  afterAll(async () => database.close());

  it('keeps statistics on every key, constrained and indexed column of the schema', () => {
    expect(columns.filter((column) => column.table === 'sales' && column.used).length).toBeGreaterThan(3);
    const lost = columns.filter((column) => column.used && column.unanalysed);
    expect(lost).toEqual([]);
  });

  it('leaves exactly the listed columns out of ANALYZE', () => {
    const listed = Object.entries(UNANALYSED_COLUMNS).flatMap(([table, names]) =>
      names.map((column) => `${table}.${column}`),
    );
    const unanalysed = columns
      .filter((column) => column.unanalysed)
      .map((column) => `${column.table}.${column.column}`);
    expect(unanalysed.sort()).toEqual(listed.sort());
  });

  it('gathers statistics for the keys of an analysed table and none for the listed columns', async () => {
    await database.system.transaction().execute(async (transaction) => {
      await sql`ANALYZE sales`.execute(transaction);
      const analysed = await sql<{ column: string }>`
        SELECT attname AS "column" FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'sales'
      `.execute(transaction);
      const names = new Set(analysed.rows.map((row) => row.column));
      for (const column of UNANALYSED_COLUMNS.sales) expect(names.has(column)).toBe(false);
    });
  });
});
