import { PassThrough, type Readable } from 'node:stream';
import { SNAPSHOT_LINE_CHANGES_MAX, type SnapshotLine } from '@mostrador/core';
import type { Database } from '../database/database';
import { type TenantTransaction, withTenant } from '../database/tenant-transaction';
import {
  beginFeedRead,
  cursorAfterVersion,
  encodeCursor,
  FEED_ENTITY_COUNT,
  type FeedCursor,
  type FeedScope,
  readEntityRows,
} from './pull-feed';

/**
 * The bootstrap snapshot (docs/sync-protocol.md §6): everything the change feed would deliver to
 * this terminal from cursor 0, as of one moment, and the cursor the feed continues from.
 *
 * One REPEATABLE READ transaction reads the tenant's version horizon first and then every entity
 * through the feed's own readers, so the rows are exactly the committed state at that horizon: a
 * change committed later has a larger version (writers serialise on the version row) and reaches
 * the terminal through the feed. Tombstones are left out; a terminal loading a snapshot into a new
 * generation sweeps whatever the snapshot does not mention.
 *
 * The answer is NDJSON, written line by line as the rows are read and compressed on the way out;
 * nothing holds the whole snapshot. The transaction lasts as long as the client keeps reading
 * (backpressure), so a client that stops reading is cut off after SNAPSHOT_STALL_MS and no snapshot
 * holds its connection — PGlite's only one — longer than SNAPSHOT_DURATION_MS.
 */
export const SNAPSHOT_STALL_MS = 60_000;
export const SNAPSHOT_DURATION_MS = 10 * 60_000;
/** Bytes read ahead of a slow client before the reader waits for it. */
const SNAPSHOT_BUFFER_BYTES = 1024 * 1024;

export interface SnapshotTerminal {
  readonly tenantId: string;
  readonly storeId: string;
  readonly terminalId: string;
}

export function streamFeedSnapshot(
  database: Database,
  terminal: SnapshotTerminal,
  clock: () => Date,
  limits: { readonly stallMs?: number } = {},
): Readable {
  const output = new PassThrough({ highWaterMark: SNAPSHOT_BUFFER_BYTES });
  const deadline = performance.now() + SNAPSHOT_DURATION_MS;
  const stallMs = limits.stallMs ?? SNAPSHOT_STALL_MS;
  void withTenant(
    database.app,
    { tenantId: terminal.tenantId, userId: null },
    async ({ transaction }) => {
      const horizon = await readVersionHorizon(transaction, terminal.tenantId);
      const scope = await beginFeedRead(transaction, terminal);
      const begin = { cursor: encodeCursor(cursorAfterVersion(horizon)), serverTime: clock().toISOString() };
      await writeLine(output, JSON.stringify({ begin } satisfies SnapshotLine), deadline, stallMs);
      let changeCount = 0;
      for await (const line of readSnapshotLines(transaction, scope, horizon)) {
        changeCount += line.changeCount;
        await writeLine(output, line.text, deadline, stallMs);
      }
      await writeLine(
        output,
        JSON.stringify({ end: { changeCount } } satisfies SnapshotLine),
        deadline,
        stallMs,
      );
    },
    { isolationLevel: 'repeatable read' },
  ).then(
    () => output.end(),
    // The status line is gone by now: a stream that ends without its end line is the error.
    (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return output;
}

/**
 * The highest version committed before this transaction's snapshot. Versions commit in order, so
 * every change at or below it is visible here and every later one is above it.
 */
async function readVersionHorizon(transaction: TenantTransaction, tenantId: string): Promise<number> {
  const row = await transaction
    .selectFrom('tenant_versions')
    .select('version')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (row === undefined) throw new Error(`tenant ${tenantId} has no version row`);
  return Number(row.version);
}

/**
 * Each entity in feed order, a line's worth of rows per query, without tombstones. The query of
 * the next line runs while this one is serialised and sent, so on PostgreSQL the database works
 * while the server and the client do.
 */
async function* readSnapshotLines(
  transaction: TenantTransaction,
  scope: FeedScope,
  horizon: number,
): AsyncGenerator<{ readonly text: string; readonly changeCount: number }> {
  const read = (entityIndex: number, after: FeedCursor | null) => {
    const rows = readEntityRows(transaction, scope, entityIndex, after, SNAPSHOT_LINE_CHANGES_MAX);
    // Awaited below; if the client goes away first, its failure must not go unhandled.
    rows.catch(() => undefined);
    return { entityIndex, rows };
  };
  let pending = read(0, null);
  for (let query = 0; query < SNAPSHOT_QUERIES_MAX; query += 1) {
    const rows = await pending.rows;
    if (rows.versionMax !== null && rows.versionMax > horizon) {
      throw new Error(
        `entity ${pending.entityIndex} has version ${rows.versionMax} above the horizon ${horizon}`,
      );
    }
    const nextEntityIndex = rows.next === null ? pending.entityIndex + 1 : pending.entityIndex;
    const done = nextEntityIndex >= FEED_ENTITY_COUNT;
    if (!done) pending = read(nextEntityIndex, rows.next);
    if (rows.changes.length > 0) {
      yield {
        text: JSON.stringify({ changes: rows.changes } satisfies SnapshotLine),
        changeCount: rows.changes.length,
      };
    }
    if (done) return;
  }
  throw new Error(`the snapshot needed more than ${SNAPSHOT_QUERIES_MAX} queries`);
}

/** 100 million rows for one terminal is far past any catalog this serves. */
const SNAPSHOT_QUERIES_MAX = 20_000;

/** Writes one line, waiting while the client is behind; a client gone or stalled ends the snapshot. */
async function writeLine(
  output: PassThrough,
  line: string,
  deadline: number,
  stallMs: number,
): Promise<void> {
  if (output.destroyed) throw new Error('the client closed the snapshot');
  if (output.write(`${line}\n`)) return;
  const waitMs = Math.min(stallMs, deadline - performance.now());
  if (waitMs <= 0) throw new Error('the snapshot took longer than its limit');
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      output.off('drain', onDrain);
      output.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client closed the snapshot'));
    const timer = setTimeout(() => done(new Error('the client stopped reading the snapshot')), waitMs);
    output.once('drain', onDrain);
    output.once('close', onClose);
  });
}
