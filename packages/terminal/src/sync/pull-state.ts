import type { StateEntity } from '@mostrador/core';
import { removeStateRecord } from '../state/state-changes';
import type { StateRecord } from '../state/state-records';
import type { ReadTransaction, TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/**
 * Where the terminal is in the server's change feed. `generation` grows with every reload (and
 * with every attempt at loading a bootstrap snapshot); while `resetting`, the snapshot's batches or
 * the feed's pages are written with the new generation and, once the snapshot or the feed is
 * complete, every row still carrying an older generation is swept. The old catalog stays usable
 * until then, so a reload that fails halfway never leaves a till with nothing to sell.
 */
export type PullState = {
  readonly cursor: string;
  readonly generation: number;
  readonly resetting: boolean;
  readonly completedAt: string | null;
  /**
   * Snapshot attempts of this reset that broke off (a link too poor to carry the whole snapshot
   * at once); past SNAPSHOT_FAILURES_MAX the feed, which resumes page by page, takes over.
   */
  readonly snapshotFailures?: number;
};

export const INITIAL_PULL_STATE: PullState = {
  cursor: '0',
  generation: 1,
  resetting: true,
  completedAt: null,
};

export async function readPullState(store: TerminalStore): Promise<PullState> {
  return store.read(pullStateIn);
}

/** The pull state as a transaction sees it; a terminal that never pulled is at INITIAL_PULL_STATE. */
export async function pullStateIn(transaction: ReadTransaction): Promise<PullState> {
  return (await readValue<PullState>(transaction, storeKeys.pull)) ?? INITIAL_PULL_STATE;
}

/** "Reload data": refetch everything from the start of the feed. Facts, counters and identity are untouched. */
export async function requestStateReset(transaction: WriteTransaction): Promise<void> {
  const current = await pullStateIn(transaction);
  await writeValue<PullState>(transaction, storeKeys.pull, {
    cursor: '0',
    generation: current.generation + 1,
    resetting: true,
    completedAt: current.completedAt,
  });
}

/**
 * After a complete reload, what the feed no longer mentions is gone from the server too: every row
 * of an older generation is removed with its index entries. With a limit, one page of rows is
 * looked at (from `startAfter`); `lastKey` says where the next page starts, null when done.
 */
export async function sweepOlderGenerations(
  transaction: WriteTransaction,
  generation: number,
  page: { readonly startAfter?: string; readonly limit?: number } = {},
): Promise<{ readonly lastKey: string | null }> {
  const entries = await transaction.scan({ prefix: storeKeys.statePrefix, ...page });
  for (const [fullKey, value] of entries) {
    const record = value as unknown as StateRecord<StateEntity>;
    if (record.generation >= generation) continue;
    const rest = fullKey.slice(storeKeys.statePrefix.length);
    const slash = rest.indexOf('/');
    const entity = rest.slice(0, slash) as StateEntity;
    await removeStateRecord(transaction, entity, rest.slice(slash + 1), record.data);
  }
  const done = page.limit === undefined || entries.length < page.limit;
  return { lastKey: done ? null : (entries.at(-1)?.[0] ?? null) };
}
