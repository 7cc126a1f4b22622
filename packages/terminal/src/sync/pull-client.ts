import { PULL_PAGE_CHANGES_MAX, type PullResponse, pullResponseSchema } from '@mostrador/core';
import { applyStateChange } from '../state/state-changes';
import type { TerminalStore } from '../storage/terminal-store';
import { storeKeys, writeValue } from '../store-layout';
import { type PullState, pullStateIn, readPullState, sweepOlderGenerations } from './pull-state';
import { type RequestOutcome, sendRequest } from './request-outcome';
import { loadSnapshot, SNAPSHOT_FAILURES_MAX } from './snapshot-client';
import { normalizeServerTime, updateSyncStatus } from './sync-status-record';
import { deviceHeaders, type Transport } from './transport';

export {
  INITIAL_PULL_STATE,
  type PullState,
  readPullState,
  requestStateReset,
} from './pull-state';

export const PULL_PAGE_CHANGES_DEFAULT = 1_000;
/** One sync cycle reads at most this many pages; the next cycle goes on from the stored cursor. */
export const PULL_PAGES_PER_CYCLE_MAX = 10_000;

export interface PullDependencies {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly deviceCredential: string;
  readonly terminalId: string;
  readonly clock: () => Date;
  readonly pageChangesMax?: number;
  readonly pagesMax?: number;
  /** Changes per store transaction while loading a snapshot. */
  readonly snapshotBatchChangesMax?: number;
}

export type PullOutcome =
  | {
      readonly outcome: 'ok';
      readonly pages: number;
      /** Every change stored, the snapshot's included. */
      readonly changes: number;
      /** Changes that came in a bootstrap snapshot (0 when the feed was paged from cursor 0 or from a cursor). */
      readonly snapshotChanges: number;
      readonly complete: boolean;
      readonly reachedServer: true;
    }
  | Exclude<RequestOutcome<never>, { outcome: 'ok' }>;

/**
 * Brings the local state up to date. A full load (a new terminal, "reload data") asks for the
 * bootstrap snapshot first, and pages the feed from cursor 0 instead when the server has none
 * (404) or snapshots kept breaking off; then pages are pulled until the feed says there is no
 * more, each page and its cursor committed together.
 */
export async function pullChanges(dependencies: PullDependencies): Promise<PullOutcome> {
  const pageChangesMax = Math.min(
    dependencies.pageChangesMax ?? PULL_PAGE_CHANGES_DEFAULT,
    PULL_PAGE_CHANGES_MAX,
  );
  const pagesMax = dependencies.pagesMax ?? PULL_PAGES_PER_CYCLE_MAX;
  let snapshotChanges = 0;
  const before = await readPullState(dependencies.store);
  if (before.resetting && before.cursor === '0' && (before.snapshotFailures ?? 0) < SNAPSHOT_FAILURES_MAX) {
    const snapshot = await loadSnapshot({
      ...dependencies,
      requested: before,
      ...(dependencies.snapshotBatchChangesMax === undefined
        ? {}
        : { batchChangesMax: dependencies.snapshotBatchChangesMax }),
    });
    // The reload that took over pulls for itself; this cycle is not complete.
    if (snapshot.outcome === 'superseded') return pulled({ pages: 0, changes: 0, snapshotChanges: 0 }, false);
    if (snapshot.outcome === 'loaded') snapshotChanges = snapshot.changes;
    else if (snapshot.outcome !== 'unavailable') return snapshot;
  }
  let changes = snapshotChanges;
  for (let pages = 0; pages < pagesMax; pages += 1) {
    const state = await readPullState(dependencies.store);
    const answer = await sendRequest(
      dependencies.transport,
      {
        method: 'GET',
        path: `/api/v1/sync/pull?cursor=${encodeURIComponent(state.cursor)}&limit=${pageChangesMax}`,
        headers: deviceHeaders(dependencies.deviceCredential),
      },
      pullResponseSchema,
    );
    if (answer.outcome !== 'ok') return answer;
    await applyPage(dependencies, state, answer.value);
    changes += answer.value.changes.length;
    if (!answer.value.hasMore) return pulled({ pages: pages + 1, changes, snapshotChanges }, true);
  }
  return pulled({ pages: pagesMax, changes, snapshotChanges }, false);
}

function pulled(
  counts: { readonly pages: number; readonly changes: number; readonly snapshotChanges: number },
  complete: boolean,
): PullOutcome {
  return { outcome: 'ok', ...counts, complete, reachedServer: true };
}

async function applyPage(
  dependencies: PullDependencies,
  requested: PullState,
  page: PullResponse,
): Promise<void> {
  await dependencies.store.write(async (transaction) => {
    const state = await pullStateIn(transaction);
    // A reload requested while this page was in flight wins: the page belongs to the old cursor.
    if (state.cursor !== requested.cursor || state.generation !== requested.generation) return;
    for (const change of page.changes) {
      await applyStateChange(transaction, change, state.generation, dependencies.terminalId);
    }
    const complete = !page.hasMore;
    if (complete && state.resetting) await sweepOlderGenerations(transaction, state.generation);
    await writeValue<PullState>(transaction, storeKeys.pull, {
      cursor: page.nextCursor,
      generation: state.generation,
      resetting: state.resetting && !complete,
      completedAt: complete ? dependencies.clock().toISOString() : state.completedAt,
    });
    const serverTime = normalizeServerTime(page.serverTime);
    if (serverTime !== null) await updateSyncStatus(transaction, { lastServerTime: serverTime });
  });
}
