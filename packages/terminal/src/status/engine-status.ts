import { readIdentity } from '../activation/terminal-identity';
import { readPendingSummary } from '../outbox/outbox';
import { readPlannedOffline } from '../settings/terminal-settings';
import type { TerminalStore } from '../storage/terminal-store';
import { readValue, storeKeys } from '../store-layout';
import { type ConnectivityState, offlineMsTotal, readConnectivity } from '../sync/connectivity';
import type { PullState } from '../sync/pull-client';
import { readSyncStatus, type SyncProblem } from '../sync/sync-status-record';

/**
 * What a till shows about itself, always: whether it reaches the server, how much is waiting to
 * go up and since when, when it last synced, and how long it has been offline in total.
 */
export type EngineStatus = {
  readonly activation: 'not_activated' | 'active' | 'revoked' | 'reactivation_required';
  readonly terminalId: string | null;
  readonly storeId: string | null;
  /** False in a second tab or window: it may look, not record. */
  readonly writer: boolean;
  readonly connectivity: ConnectivityState;
  readonly plannedOffline: boolean;
  /** Online and not planned offline: the server's stock rules apply to sales. */
  readonly online: boolean;
  readonly pendingCount: number;
  readonly oldestPendingAt: string | null;
  readonly oldestPendingAgeSeconds: number | null;
  readonly headSequence: number;
  readonly acknowledgedSequence: number;
  readonly lastSuccessfulSyncAt: string | null;
  readonly lastProblem: SyncProblem | null;
  readonly consecutiveFailures: number;
  readonly offlineSecondsTotal: number;
  /** True once a full pull of the server's state has completed at least once. */
  readonly stateLoaded: boolean;
  /** A "reload data" is under way; the previous state stays usable until it completes. */
  readonly reloading: boolean;
};

export async function readEngineStatus(
  store: TerminalStore,
  now: Date,
  writer: boolean,
): Promise<EngineStatus> {
  return store.read(async (transaction) => {
    const identity = await readIdentity(transaction);
    const connectivity = await readConnectivity(transaction, now);
    const sync = await readSyncStatus(transaction);
    const pull = await readValue<PullState>(transaction, storeKeys.pull);
    const plannedOffline = (await readPlannedOffline(transaction, identity?.terminalId)).any;
    const pending =
      identity === undefined
        ? { pendingCount: 0, oldestPendingAt: null, headSequence: 0, acknowledgedSequence: 0 }
        : await readPendingSummary(transaction, identity.terminalId);
    const connectivityState: ConnectivityState = plannedOffline ? 'offline' : connectivity.state;
    return {
      activation: identity === undefined ? 'not_activated' : identity.status,
      terminalId: identity?.terminalId ?? null,
      storeId: identity?.storeId ?? null,
      writer,
      connectivity: connectivityState,
      plannedOffline,
      online: connectivityState === 'online',
      pendingCount: pending.pendingCount,
      oldestPendingAt: pending.oldestPendingAt,
      oldestPendingAgeSeconds:
        pending.oldestPendingAt === null
          ? null
          : Math.max(0, Math.floor((now.getTime() - Date.parse(pending.oldestPendingAt)) / 1000)),
      headSequence: pending.headSequence,
      acknowledgedSequence: pending.acknowledgedSequence,
      lastSuccessfulSyncAt: sync.lastSuccessfulSyncAt,
      lastProblem: sync.lastProblem,
      consecutiveFailures: sync.consecutiveFailures,
      offlineSecondsTotal: Math.floor(offlineMsTotal(connectivity, now) / 1000),
      stateLoaded: pull?.completedAt != null,
      reloading: pull?.resetting === true && pull.completedAt != null,
    };
  });
}
