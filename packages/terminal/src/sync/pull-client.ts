import {
  PULL_PAGE_CHANGES_MAX,
  type PullResponse,
  pullResponseSchema,
  type StateEntity,
} from '@mostrador/core';
import { applyStateChange, removeStateRecord } from '../state/state-changes';
import type { StateRecord } from '../state/state-records';
import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';
import { type RequestOutcome, sendRequest } from './request-outcome';
import { normalizeServerTime, updateSyncStatus } from './sync-status-record';
import { deviceHeaders, type Transport } from './transport';

/**
 * Where the terminal is in the server's change feed. `generation` grows with every reload; while
 * `resetting`, pages are written with the new generation and, when the feed is exhausted, every
 * row still carrying an older generation is swept. The old catalog stays usable until then, so a
 * reload that fails halfway never leaves a till with nothing to sell.
 */
export type PullState = {
  readonly cursor: string;
  readonly generation: number;
  readonly resetting: boolean;
  readonly completedAt: string | null;
};

export const INITIAL_PULL_STATE: PullState = {
  cursor: '0',
  generation: 1,
  resetting: true,
  completedAt: null,
};

export const PULL_PAGE_CHANGES_DEFAULT = 1_000;
/** One sync cycle reads at most this many pages; the next cycle goes on from the stored cursor. */
export const PULL_PAGES_PER_CYCLE_MAX = 10_000;

export async function readPullState(store: TerminalStore): Promise<PullState> {
  return store.read(
    async (transaction) => (await readValue<PullState>(transaction, storeKeys.pull)) ?? INITIAL_PULL_STATE,
  );
}

/** "Reload data": refetch everything from the start of the feed. Facts, counters and identity are untouched. */
export async function requestStateReset(transaction: WriteTransaction): Promise<void> {
  const current = (await readValue<PullState>(transaction, storeKeys.pull)) ?? INITIAL_PULL_STATE;
  await writeValue<PullState>(transaction, storeKeys.pull, {
    cursor: '0',
    generation: current.generation + 1,
    resetting: true,
    completedAt: current.completedAt,
  });
}

export interface PullDependencies {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly deviceCredential: string;
  readonly terminalId: string;
  readonly clock: () => Date;
  readonly pageChangesMax?: number;
  readonly pagesMax?: number;
}

export type PullOutcome =
  | {
      readonly outcome: 'ok';
      readonly pages: number;
      readonly changes: number;
      readonly complete: boolean;
      readonly reachedServer: true;
    }
  | Exclude<RequestOutcome<never>, { outcome: 'ok' }>;

/** Pulls pages until the feed says there is no more; each page and its cursor commit together. */
export async function pullChanges(dependencies: PullDependencies): Promise<PullOutcome> {
  const pageChangesMax = Math.min(
    dependencies.pageChangesMax ?? PULL_PAGE_CHANGES_DEFAULT,
    PULL_PAGE_CHANGES_MAX,
  );
  const pagesMax = dependencies.pagesMax ?? PULL_PAGES_PER_CYCLE_MAX;
  let changes = 0;
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
    if (!answer.value.hasMore)
      return { outcome: 'ok', pages: pages + 1, changes, complete: true, reachedServer: true };
  }
  return { outcome: 'ok', pages: pagesMax, changes, complete: false, reachedServer: true };
}

async function applyPage(
  dependencies: PullDependencies,
  requested: PullState,
  page: PullResponse,
): Promise<void> {
  await dependencies.store.write(async (transaction) => {
    const state = (await readValue<PullState>(transaction, storeKeys.pull)) ?? INITIAL_PULL_STATE;
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

/** After a complete reload, what the feed no longer mentions is gone from the server too. */
async function sweepOlderGenerations(transaction: WriteTransaction, generation: number): Promise<void> {
  const entries = await transaction.scan({ prefix: storeKeys.statePrefix });
  for (const [fullKey, value] of entries) {
    const record = value as unknown as StateRecord<StateEntity>;
    if (record.generation >= generation) continue;
    const rest = fullKey.slice(storeKeys.statePrefix.length);
    const slash = rest.indexOf('/');
    const entity = rest.slice(0, slash) as StateEntity;
    await removeStateRecord(transaction, entity, rest.slice(slash + 1), record.data);
  }
}
