import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database';
import type { DatabaseSchema } from './database-schema';
import {
  ANALYZE_FACTS_THRESHOLD,
  ANALYZE_SCALE_FACTOR,
  autovacuumRuns,
  createTableStatistics,
  PUSH_UPDATED_TABLES,
  WHOLE_DATABASE_EVERY_RUNS,
} from './table-statistics';

/** Pages the visibility map marks all-visible, as the last VACUUM or ANALYZE counted them: VACUUM sets them. */
async function allVisiblePages(kysely: Kysely<DatabaseSchema>, table: string): Promise<number> {
  const result = await sql<{ pages: number }>`
    SELECT relallvisible AS pages FROM pg_class WHERE oid = ${table}::regclass
  `.execute(kysely);
  return Number(result.rows[0]?.pages);
}

/** The planner's row estimate for a table: -1 until it has been analysed. */
async function estimatedRows(kysely: Kysely<DatabaseSchema>, table: string): Promise<number> {
  const result = await sql<{ rows: number }>`
    SELECT reltuples::int8 AS rows FROM pg_class WHERE oid = ${table}::regclass
  `.execute(kysely);
  return Number(result.rows[0]?.rows);
}

describe('table statistics', () => {
  let database: Database;
  let probeCount = 0;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  });
  afterAll(async () => database.close());

  /** A table with 2,000 rows that nothing has analysed yet. */
  async function freshProbeTable(): Promise<string> {
    probeCount += 1;
    const table = `statistics_probe_${process.pid}_${probeCount}`;
    await sql`CREATE TABLE ${sql.id(table)} (id int PRIMARY KEY)`.execute(database.system);
    await sql`INSERT INTO ${sql.id(table)} SELECT g FROM generate_series(1, 2000) g`.execute(database.system);
    return table;
  }

  async function dropProbe(table: string): Promise<void> {
    await sql`DROP TABLE ${sql.id(table)}`.execute(database.system);
  }

  it('analyses once the facts stored since the last analysis reach the threshold, not before', async () => {
    const table = await freshProbeTable();
    try {
      // The probe stands for a table pushes write, so every automatic run covers it.
      const statistics = createTableStatistics(database.system, { automatic: true, pushTables: [table] });
      expect(await estimatedRows(database.system, table)).toBe(-1);

      statistics.noteFactsStored(ANALYZE_FACTS_THRESHOLD - 1);
      await statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(-1);

      statistics.noteFactsStored(1);
      await statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(2000);
      // The automatic run vacuums as well: the probe's pages are now marked all-visible.
      expect(await allVisiblePages(database.system, table)).toBeGreaterThan(0);

      // The count starts again after an analysis, and the next threshold grows with the journal.
      await sql`INSERT INTO ${sql.id(table)} SELECT g FROM generate_series(2001, 3000) g`.execute(
        database.system,
      );
      const journal = Math.max(0, await estimatedRows(database.system, 'facts'));
      const next = ANALYZE_FACTS_THRESHOLD + Math.ceil(ANALYZE_SCALE_FACTOR * journal);
      statistics.noteFactsStored(next - 1);
      await statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(2000);
      statistics.noteFactsStored(1);
      await statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(3000);
    } finally {
      await dropProbe(table);
    }
  });

  it('covers the whole database in the first automatic run and every eighth, else only the tables pushes update, and counts the journal in between', async () => {
    const written = await freshProbeTable();
    const other = await freshProbeTable();
    try {
      const statistics = createTableStatistics(database.system, { automatic: true, pushTables: [written] });
      // The journal as the statistics count it: none before the first run, then analysed by
      // whole-database runs and counted in between.
      let journal = 0;
      const runOnce = async (whole: boolean) => {
        const due = ANALYZE_FACTS_THRESHOLD + Math.ceil(ANALYZE_SCALE_FACTOR * journal);
        statistics.noteFactsStored(due - 1);
        await statistics.settle();
        expect(statistics.factsSinceAnalyze()).toBe(due - 1);
        statistics.noteFactsStored(1);
        await statistics.settle();
        expect(statistics.factsSinceAnalyze()).toBe(0);
        journal = whole ? Math.max(0, await estimatedRows(database.system, 'facts')) : journal + due;
      };
      await runOnce(true);
      expect(await estimatedRows(database.system, written)).toBe(2000);
      expect(await estimatedRows(database.system, other)).toBe(2000);

      for (const probe of [written, other]) {
        await sql`INSERT INTO ${sql.id(probe)} SELECT g FROM generate_series(2001, 3000) g`.execute(
          database.system,
        );
      }
      for (let run = 1; run < WHOLE_DATABASE_EVERY_RUNS; run += 1) {
        await runOnce(false);
        expect(await estimatedRows(database.system, written)).toBe(3000);
        expect(await estimatedRows(database.system, other)).toBe(2000);
      }
      await runOnce(true);
      expect(await estimatedRows(database.system, other)).toBe(3000);
    } finally {
      await dropProbe(written);
      await dropProbe(other);
    }
  });

  it('names only tables that exist among those pushes write, so a run over them succeeds', async () => {
    const errors: unknown[] = [];
    const statistics = createTableStatistics(database.system, {
      automatic: true,
      onError: (error) => errors.push(error),
    });
    for (let run = 0; run < 2; run += 1) {
      const journal = Math.max(0, await estimatedRows(database.system, 'facts'));
      statistics.noteFactsStored(ANALYZE_FACTS_THRESHOLD + Math.ceil(ANALYZE_SCALE_FACTOR * journal));
      await statistics.settle();
    }
    expect(errors).toEqual([]);
    for (const table of PUSH_UPDATED_TABLES) {
      const found = await sql<{ found: string | null }>`SELECT to_regclass(${table})::text AS found`.execute(
        database.system,
      );
      expect(found.rows[0]?.found).toBe(table);
    }
  });

  it('analyses by itself wherever no autovacuum runs: always on PGlite, on a server where it is off', async () => {
    const expectAutomatic = database.kind === 'pglite' || !(await autovacuumRuns(database.system));
    const table = await freshProbeTable();
    try {
      const journal = Math.max(0, await estimatedRows(database.system, 'facts'));
      database.statistics.noteFactsStored(
        ANALYZE_FACTS_THRESHOLD + Math.ceil(ANALYZE_SCALE_FACTOR * journal),
      );
      await database.statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(expectAutomatic ? 2000 : -1);
      expect(database.statistics.automatic).toBe(expectAutomatic);
    } finally {
      await dropProbe(table);
    }
  });

  it('leaves a server with autovacuum alone until a bulk load asks for a refresh', async () => {
    const table = await freshProbeTable();
    try {
      const statistics = createTableStatistics(database.system, { automatic: false });
      statistics.noteFactsStored(ANALYZE_FACTS_THRESHOLD * 100);
      await statistics.settle();
      expect(await estimatedRows(database.system, table)).toBe(-1);

      await statistics.refresh();
      expect(await estimatedRows(database.system, table)).toBe(2000);
      // A bulk load's refresh only analyses.
      expect(await allVisiblePages(database.system, table)).toBe(0);
    } finally {
      await dropProbe(table);
    }
  });
});
