import { type SnapshotLine, type StateChange, snapshotLineSchema } from '@mostrador/core';
import { applyStateChange, storeStateChange } from '../state/state-changes';
import { compareKeys } from '../storage/scan-range';
import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { storeKeys, writeValue } from '../store-layout';
import { type PullState, pullStateIn, sweepOlderGenerations } from './pull-state';
import { type FailedOutcome, malformedOutcome, refusalOutcome, unknownOutcome } from './request-outcome';
import { normalizeServerTime, updateSyncStatus } from './sync-status-record';
import { deviceHeaders, isSuccessStatus, NdjsonLineError, type Transport } from './transport';

/**
 * Loads the bootstrap snapshot (docs/sync-protocol.md §6) into a new generation of the local state,
 * in large transactions as the stream arrives, and leaves the pull state at the snapshot's cursor so
 * the feed goes on with what changed since.
 *
 * Crash safety rests on the pull state: it says "resetting from cursor 0" until the last
 * transaction, which stores the cursor and marks the state complete after every batch is stored
 * and what the snapshot did not mention is swept. A terminal killed before that starts the
 * snapshot over with yet another generation, so what a broken attempt wrote is swept like any
 * older row; the previous catalog (if any) answers the till until then.
 */

/**
 * Changes per store transaction. Each transaction merges its keys into the store's sorted index
 * once (a pass over every key stored so far), so fewer, larger batches load a big catalog faster;
 * a change writes two keys at most, which keeps a batch inside the store's 100,000-key limit.
 */
export const SNAPSHOT_BATCH_CHANGES_DEFAULT = 40_000;
export const SNAPSHOT_BATCH_CHANGES_MAX = 45_000;
/** A snapshot has a begin line, an end line and lines of changes; more lines than this is a broken server. */
const SNAPSHOT_LINES_MAX = 1_000_000;
/**
 * A snapshot starts over when it breaks off; after this many broken attempts the terminal pages
 * the feed instead, which keeps every page it got, so a link that never carries a whole snapshot
 * still loads the catalog.
 */
export const SNAPSHOT_FAILURES_MAX = 3;

export interface SnapshotDependencies {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly deviceCredential: string;
  readonly terminalId: string;
  readonly clock: () => Date;
  /** The pull state the caller read, which must still hold when the first batch is written. */
  readonly requested: PullState;
  readonly batchChangesMax?: number;
}

export type SnapshotOutcome =
  | { readonly outcome: 'loaded'; readonly changes: number; readonly reachedServer: true }
  /** The server has no snapshot (404, an older server): page the feed from cursor 0 instead. */
  | { readonly outcome: 'unavailable'; readonly reachedServer: true }
  /** Another reload began meanwhile and owns the state now; nothing of this attempt counts. */
  | { readonly outcome: 'superseded'; readonly reachedServer: true }
  | FailedOutcome;

export async function loadSnapshot(dependencies: SnapshotDependencies): Promise<SnapshotOutcome> {
  const outcome = await fetchAndStoreSnapshot(dependencies);
  // Only a snapshot that began and broke off counts: a terminal that is offline, or a server that
  // answers 5xx, would fare no better with the feed.
  const brokeOff =
    outcome.outcome === 'unknown' && outcome.status !== null && isSuccessStatus(outcome.status);
  if (brokeOff) await recordSnapshotFailure(dependencies.store);
  return outcome;
}

/**
 * Counts a broken-off attempt. The last one allowed also moves the state to a new generation for
 * the feed to write, so what the attempts stored is swept once the feed is complete.
 */
async function recordSnapshotFailure(store: TerminalStore): Promise<void> {
  await store.write(async (transaction) => {
    const state = await pullStateIn(transaction);
    if (state.cursor !== '0' || !state.resetting) return;
    const snapshotFailures = (state.snapshotFailures ?? 0) + 1;
    const generation = snapshotFailures >= SNAPSHOT_FAILURES_MAX ? state.generation + 1 : state.generation;
    await writeValue<PullState>(transaction, storeKeys.pull, { ...state, generation, snapshotFailures });
  });
}

async function fetchAndStoreSnapshot(dependencies: SnapshotDependencies): Promise<SnapshotOutcome> {
  const batchChangesMax = Math.min(
    dependencies.batchChangesMax ?? SNAPSHOT_BATCH_CHANGES_DEFAULT,
    SNAPSHOT_BATCH_CHANGES_MAX,
  );
  let response: Awaited<ReturnType<Transport>>;
  try {
    response = await dependencies.transport({
      method: 'GET',
      path: '/api/v1/sync/snapshot',
      headers: deviceHeaders(dependencies.deviceCredential),
      responseFormat: 'ndjson',
    });
  } catch (error) {
    return unknownOutcome('network', null, error, false);
  }
  if (response.status === 404) return { outcome: 'unavailable', reachedServer: true };
  if (!isSuccessStatus(response.status)) return refusalOutcome(response.status, response.body);
  if (response.lines === undefined) return malformed('the answer is not a stream');

  const writer = new SnapshotWriter(dependencies);
  const lines = response.lines[Symbol.asyncIterator]();
  let begin: SnapshotBegin | undefined;
  let batch: StateChange[] = [];
  let received = 0;
  try {
    for (let lineCount = 1; lineCount <= SNAPSHOT_LINES_MAX; lineCount += 1) {
      let next: IteratorResult<unknown>;
      try {
        next = await lines.next();
      } catch (error) {
        // The stream broke off (or a line was not JSON): what was stored waits for the next attempt.
        if (error instanceof NdjsonLineError) return malformed(error.message);
        return unknownOutcome('network', response.status, error, true);
      }
      if (next.done === true) return malformed('the snapshot ended before its end line');
      const parsed = snapshotLineSchema.safeParse(next.value);
      if (!parsed.success) return malformed(parsed.error.message);
      const line = parsed.data;
      if ('begin' in line) {
        if (begin !== undefined) return malformed('a second begin line');
        begin = line.begin;
      } else if (begin === undefined) {
        return malformed('a snapshot line before the begin line');
      } else if ('changes' in line) {
        received += line.changes.length;
        for (const change of line.changes) batch.push(change);
        if (batch.length >= batchChangesMax) {
          if (!(await writer.write(batch))) return superseded();
          batch = [];
        }
      } else {
        if (line.end.changeCount !== received) {
          return malformed(`the end line counts ${line.end.changeCount} changes; ${received} arrived`);
        }
        if (batch.length > 0 && !(await writer.write(batch))) return superseded();
        if (!(await writer.finish(begin))) return superseded();
        return { outcome: 'loaded', changes: received, reachedServer: true };
      }
    }
    return malformed(`more than ${SNAPSHOT_LINES_MAX} lines`);
  } finally {
    // Closes the connection if the snapshot was left unread, then lets the last write end (a store
    // failure there is thrown, as any store failure is).
    await lines.return?.();
    await writer.settle();
  }
}

type SnapshotBegin = Extract<SnapshotLine, { begin: unknown }>['begin'];

function superseded(): SnapshotOutcome {
  return { outcome: 'superseded', reachedServer: true };
}

/** Index entries written per transaction at the end of a load into an empty state. */
const INDEX_ENTRIES_PER_TRANSACTION = 50_000;

/** Rows an after-snapshot sweep reads per transaction. */
const SWEEP_ROWS_PER_TRANSACTION = 10_000;
/** A sweep reads the state once; more pages than this means the state changed under it. */
const SWEEP_PAGES_MAX = 10_000;

/** Batches handed to the store and not yet durable; the next batch downloads meanwhile. */
const BATCHES_IN_FLIGHT_MAX = 2;

/**
 * Writes batches, one transaction each, while the next ones arrive: a batch is handed to the store
 * as soon as it is complete (the store takes transactions in turn) and only the one before it must
 * be durable first, so parsing the stream and the disk's fsync overlap. The first transaction moves
 * the state to a new generation; every one checks that no reload took the state over meanwhile.
 */
class SnapshotWriter {
  private generation: number | null = null;
  /** Whether rows from before this snapshot exist and must be swept once it is complete. */
  private olderRowsExist = true;
  private readonly inFlight: Promise<boolean>[] = [];
  /** Index entries of a load into an empty state, written sorted once every row is stored. */
  private deferredIndexes: [string, string][] = [];

  constructor(private readonly dependencies: SnapshotDependencies) {}

  /** Resolves false when the state was taken over; otherwise the batch is on its way to disk. */
  async write(changes: readonly StateChange[]): Promise<boolean> {
    while (this.inFlight.length >= BATCHES_IN_FLIGHT_MAX) {
      if (!(await this.inFlight.shift())) return false;
    }
    const written = this.dependencies.store.write(async (transaction) => {
      if (!(await this.claim(transaction))) return false;
      const generation = this.generation as number;
      const { terminalId } = this.dependencies;
      if (this.olderRowsExist) {
        for (const change of changes) await applyStateChange(transaction, change, generation, terminalId);
        return true;
      }
      // Into a state that held no rows, each key arrives once: nothing to read before writing it,
      // and the index entries, whose keys arrive in no useful order, are written at the end.
      const defer = (indexKey: string, value: string) => this.deferredIndexes.push([indexKey, value]);
      for (const change of changes)
        await storeStateChange(transaction, change, generation, terminalId, defer);
      return true;
    });
    // The caller reads the next batch meanwhile and learns how this one went on a later call.
    written.catch(() => undefined);
    this.inFlight.push(written);
    return true;
  }

  /**
   * Sweeps what the snapshot did not mention (older generations), a page per transaction, and
   * then, in one transaction, stores the feed cursor and marks the state complete.
   */
  async finish(begin: SnapshotBegin): Promise<boolean> {
    if (!(await this.settle())) return false;
    if (!(await this.writeDeferredIndexes())) return false;
    const { store, clock } = this.dependencies;
    let startAfter: string | undefined;
    for (let page = 0; this.olderRowsExist && page < SWEEP_PAGES_MAX; page += 1) {
      const swept = await store.write(async (transaction) => {
        if (!(await this.claim(transaction))) return null;
        return sweepOlderGenerations(transaction, this.generation as number, {
          ...(startAfter === undefined ? {} : { startAfter }),
          limit: SWEEP_ROWS_PER_TRANSACTION,
        });
      });
      if (swept === null) return false;
      if (swept.lastKey === null) break;
      startAfter = swept.lastKey;
    }
    return store.write(async (transaction) => {
      if (!(await this.claim(transaction))) return false;
      await writeValue<PullState>(transaction, storeKeys.pull, {
        cursor: begin.cursor,
        generation: this.generation as number,
        resetting: false,
        completedAt: clock().toISOString(),
      });
      const serverTime = normalizeServerTime(begin.serverTime);
      if (serverTime !== null) await updateSyncStatus(transaction, { lastServerTime: serverTime });
      return true;
    });
  }

  /**
   * Writes the index entries of a load into an empty state, sorted, so a store that keeps records
   * in sorted pages fills each page once instead of rewriting every page for every batch. The
   * state stays incomplete until they are written: a terminal killed meanwhile starts over.
   */
  private async writeDeferredIndexes(): Promise<boolean> {
    const entries = this.deferredIndexes;
    this.deferredIndexes = [];
    entries.sort(([left], [right]) => compareKeys(left, right));
    for (let start = 0; start < entries.length; start += INDEX_ENTRIES_PER_TRANSACTION) {
      const claimed = await this.dependencies.store.write(async (transaction) => {
        if (!(await this.claim(transaction))) return false;
        for (const [indexKey, value] of entries.slice(start, start + INDEX_ENTRIES_PER_TRANSACTION)) {
          await transaction.put(indexKey, value);
        }
        return true;
      });
      if (!claimed) return false;
    }
    return true;
  }

  /** Waits for every batch in flight: false when the state was taken over, thrown when one failed. */
  async settle(): Promise<boolean> {
    let claimed = true;
    while (this.inFlight.length > 0) {
      if (!(await this.inFlight.shift())) claimed = false;
    }
    return claimed;
  }

  /**
   * True while the state still waits for this snapshot. The first call moves it to a new
   * generation, so what an interrupted earlier attempt stored counts as older and is swept.
   */
  private async claim(transaction: WriteTransaction): Promise<boolean> {
    const state = await pullStateIn(transaction);
    const expected = this.generation ?? this.dependencies.requested.generation;
    if (state.cursor !== '0' || !state.resetting || state.generation !== expected) return false;
    if (this.generation === null) {
      this.generation = state.generation + 1;
      this.olderRowsExist = (await transaction.count(storeKeys.statePrefix)) > 0;
      await writeValue<PullState>(transaction, storeKeys.pull, { ...state, generation: this.generation });
    }
    return true;
  }
}

function malformed(detail: string): SnapshotOutcome {
  return malformedOutcome(200, detail);
}
