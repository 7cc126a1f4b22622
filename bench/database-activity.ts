import type { Database } from '@mostrador/server';
import { sql } from 'kysely';

/**
 * What the server's pooled connections are doing, sampled from pg_stat_activity on a PostgreSQL
 * server (PGlite has one connection and no such view): waiting on a lock, inside a transaction
 * while the database waits for Node (idle in transaction), running a statement, or free. Averaged
 * over a window, it says where a request's time goes when requests slow down.
 */
export interface ActivitySample {
  readonly atMs: number;
  readonly waitingOnLock: number;
  readonly idleInTransaction: number;
  readonly running: number;
  readonly idle: number;
  /** Lock waits by wait_event (transactionid, tuple, …) and the start of the waiting statement. */
  readonly lockEvents: Readonly<Record<string, number>>;
}

export interface ActivitySampler {
  readonly samples: readonly ActivitySample[];
  stop(): Promise<void>;
}

/** The role of the server's request pool (migration 0001). */
const APP_ROLE = 'mostrador_app';
/** Enough of a waiting statement to tell which row lock it queues for. */
const STATEMENT_CHARS = 60;

export function startActivitySampler(database: Database, intervalMs: number): ActivitySampler | undefined {
  if (database.kind !== 'postgres') return undefined;
  const samples: ActivitySample[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const atMs = performance.now();
      const rows = await sql<ActivityRow>`
        SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), ${STATEMENT_CHARS}) AS statement
        FROM pg_stat_activity
        WHERE datname = current_database() AND usename = ${APP_ROLE}
      `.execute(database.system);
      samples.push(summarize(atMs, rows.rows));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs + intervalMs - performance.now())));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

interface ActivityRow {
  readonly state: string | null;
  readonly wait_event_type: string | null;
  readonly wait_event: string | null;
  readonly statement: string | null;
}

function summarize(atMs: number, rows: readonly ActivityRow[]): ActivitySample {
  const lockEvents: Record<string, number> = {};
  let waitingOnLock = 0;
  let idleInTransaction = 0;
  let running = 0;
  let idle = 0;
  for (const row of rows) {
    if (row.state === 'active' && row.wait_event_type === 'Lock') {
      waitingOnLock += 1;
      const event = `${row.wait_event ?? 'unknown'}: ${row.statement ?? ''}`;
      lockEvents[event] = (lockEvents[event] ?? 0) + 1;
    } else if (row.state === 'active') running += 1;
    else if (row.state?.startsWith('idle in transaction')) idleInTransaction += 1;
    else idle += 1;
  }
  return { atMs, waitingOnLock, idleInTransaction, running, idle, lockEvents };
}

export type ActivityMeans = {
  readonly samples: number;
  readonly waitingOnLock: number;
  readonly idleInTransaction: number;
  readonly running: number;
  readonly idle: number;
  readonly lockEvents: { readonly [event: string]: number };
};

/** Mean connections in each state over the samples taken in [fromMs, untilMs). */
export function meanActivity(
  samples: readonly ActivitySample[],
  fromMs: number,
  untilMs: number,
): ActivityMeans | null {
  const inWindow = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs < untilMs);
  if (inWindow.length === 0) return null;
  const mean = (pick: (sample: ActivitySample) => number) =>
    Math.round((inWindow.reduce((total, sample) => total + pick(sample), 0) / inWindow.length) * 100) / 100;
  const events = new Set(inWindow.flatMap((sample) => Object.keys(sample.lockEvents)));
  return {
    samples: inWindow.length,
    waitingOnLock: mean((sample) => sample.waitingOnLock),
    idleInTransaction: mean((sample) => sample.idleInTransaction),
    running: mean((sample) => sample.running),
    idle: mean((sample) => sample.idle),
    lockEvents: Object.fromEntries(
      [...events].sort().map((event) => [event, mean((sample) => sample.lockEvents[event] ?? 0)]),
    ),
  };
}
