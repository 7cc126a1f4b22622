import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from './database-schema';

/**
 * Keeps the planner's table statistics fresh, and dead row versions reclaimed, where nothing else
 * does.
 *
 * A PostgreSQL server's autovacuum analyses a table once 50 rows + 10 % of it have changed, and
 * vacuums it as rows die. The embedded PGlite runs no autovacuum, so its tables keep looking as
 * they did when they were empty and the planner keeps choosing plans for empty tables: pushes
 * slowed from 0.67 s to 5 s per 200-fact batch as a till's sales accumulated, and one ANALYZE
 * brought them back to 0.3–0.5 s (docs/performance.md, "ingest curve"). A PostgreSQL server whose
 * autovacuum is switched off is no better, and worse after a bulk load analysed tables while they
 * were empty: a connection then plans each foreign-key check of a sale's lines as a scan of the
 * whole sales table and keeps that plan, and 50 tills fell from 2,400 to 164 facts/s.
 *
 * So on PGlite, and on a server with autovacuum off, the server applies the same rule itself,
 * counted in stored facts (every table a push writes grows with them): once the facts stored since
 * the last run reach ANALYZE_FACTS_THRESHOLD + ANALYZE_SCALE_FACTOR × the facts there were then, it
 * runs VACUUM (ANALYZE) in the background. The VACUUM matters too: every sale leaves dead versions
 * of the stock levels it moved (their version column is indexed, so the updates are not HOT), and
 * without it they and their index entries pile up for good. After the first run it visits only
 * pages changed since, so it costs about what the ANALYZE does (≈ 0.45 s for a 22k-SKU tenant on
 * PGlite). A bulk load (the demo seed, a generated tenant) asks for a refresh (ANALYZE) directly,
 * on either database.
 *
 * An automatic run covers only the tables whose rows pushes update (PUSH_UPDATED_TABLES): their
 * dead versions must be reclaimed and their statistics follow the updates. The tables pushes only
 * append to (journal, lines, tenders, movements, folio assignments) leave no dead versions, and the
 * planner scales their last row count by their current size, so their statistics stay usable as
 * they grow; in a 50 × 400 run they took two thirds of each run (stock movements alone 177 ms,
 * the journal 86). The rest (catalog, users, settings) does not change with pushes. The first run
 * and every WHOLE_DATABASE_EVERY_RUNS-th cover the whole database, so the appended tables and
 * whatever else changed are analysed and vacuumed too, at a rate that falls as the journal grows,
 * like the runs themselves. The journal's size the threshold grows with is therefore its count at
 * the last run that analysed it plus the facts noted since.
 */
export const ANALYZE_FACTS_THRESHOLD = 500;
export const ANALYZE_SCALE_FACTOR = 0.1;
/** Automatic runs 0, 8, 16, … cover the whole database; the others only PUSH_UPDATED_TABLES. */
export const WHOLE_DATABASE_EVERY_RUNS = 8;

/**
 * Every table whose rows a push, or what follows one (a fork's quarantine, a conflict's
 * resolution), updates: final folios on sales and refunds, shift sums, stock levels, folio series,
 * the change version, terminals, conflicts and quarantined facts.
 */
export const PUSH_UPDATED_TABLES = [
  'sales',
  'refunds',
  'shifts',
  'stock_levels',
  'folio_series',
  'tenant_versions',
  'terminals',
  'conflicts',
  'quarantined_facts',
] as const;

export interface TableStatistics {
  /** Whether pushes trigger VACUUM (ANALYZE) here (no autovacuum keeps the tables). */
  readonly automatic: boolean;
  /** A push stored this many new facts. */
  noteFactsStored(count: number): void;
  /** Facts noted since the last analysis began. */
  factsSinceAnalyze(): number;
  /** Analyses every table now; the bulk loaders call it when they finish. */
  refresh(): Promise<void>;
  /** Resolves when no refresh is running (shutdown and tests). */
  settle(): Promise<void>;
}

export function createTableStatistics(
  kysely: Kysely<DatabaseSchema>,
  options: {
    readonly automatic: boolean;
    readonly onError?: (error: unknown) => void;
    /** The tables the automatic runs in between whole-database ones cover; PUSH_UPDATED_TABLES unless a test says. */
    readonly pushTables?: readonly string[];
  },
): TableStatistics {
  const pushTables = sql.join((options.pushTables ?? PUSH_UPDATED_TABLES).map((table) => sql.table(table)));
  let factsSince = 0;
  let factsAtLastAnalyze: number | null = null;
  let automaticRuns = 0;
  let running: Promise<void> | null = null;

  const analyze = async (statement: 'ANALYZE' | 'VACUUM (ANALYZE)'): Promise<void> => {
    const noted = factsSince;
    factsSince = 0;
    let journalAnalysed = true;
    if (statement === 'ANALYZE') {
      await sql`ANALYZE`.execute(kysely);
    } else {
      const wholeDatabase = automaticRuns % WHOLE_DATABASE_EVERY_RUNS === 0;
      automaticRuns += 1;
      journalAnalysed = wholeDatabase;
      await (wholeDatabase ? sql`VACUUM (ANALYZE)` : sql`VACUUM (ANALYZE) ${pushTables}`).execute(kysely);
    }
    factsAtLastAnalyze = journalAnalysed
      ? await countFactsEstimate(kysely)
      : (factsAtLastAnalyze ?? 0) + noted;
  };
  const run = (statement: 'ANALYZE' | 'VACUUM (ANALYZE)'): Promise<void> => {
    const current = analyze(statement).finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };

  return {
    automatic: options.automatic,
    noteFactsStored(count) {
      factsSince += count;
      if (!options.automatic || running !== null) return;
      const base = factsAtLastAnalyze ?? 0;
      if (factsSince < ANALYZE_FACTS_THRESHOLD + ANALYZE_SCALE_FACTOR * base) return;
      // The push that crossed the line has answered already; the analysis queues behind it.
      run('VACUUM (ANALYZE)').catch((error: unknown) => options.onError?.(error));
    },
    factsSinceAnalyze: () => factsSince,
    async refresh() {
      if (running !== null) await running.catch(() => undefined);
      await run('ANALYZE');
    },
    async settle() {
      if (running !== null) await running.catch(() => undefined);
    },
  };
}

/** The planner's own estimate of the journal's size, as the last ANALYZE left it. */
async function countFactsEstimate(kysely: Kysely<DatabaseSchema>): Promise<number> {
  const result = await sql<{ rows: number | null }>`
    SELECT reltuples::int8 AS rows FROM pg_class WHERE oid = 'facts'::regclass
  `.execute(kysely);
  return Math.max(0, Number(result.rows[0]?.rows ?? 0));
}

/** Whether the server's own autovacuum daemon will analyse tables as they grow. */
export async function autovacuumRuns(kysely: Kysely<DatabaseSchema>): Promise<boolean> {
  const result = await sql<{ setting: string }>`
    SELECT setting FROM pg_settings WHERE name = 'autovacuum'
  `.execute(kysely);
  return result.rows[0]?.setting === 'on';
}
