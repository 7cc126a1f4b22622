import { readIdentity } from '../activation/terminal-identity';
import { readOutboxState, readPendingSummary } from '../outbox/outbox';
import { readPlannedOffline } from '../settings/terminal-settings';
import { settleGuardEntries } from '../stock-guard/stock-guard';
import type { TerminalStore } from '../storage/terminal-store';
import { observeConnectivity, readConnectivity } from './connectivity';
import { recordHealthSample, reportHealth } from './health-report';
import { type PullOutcome, pullChanges } from './pull-client';
import { type PushOutcome, pushPending } from './push-client';
import { readSyncStatus, type SyncProblem, updateSyncStatus } from './sync-status-record';
import type { Transport } from './transport';

export interface SyncCycleDependencies {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly clock: () => Date;
  readonly pushBatchFactsMax?: number;
  readonly pullPageChangesMax?: number;
}

export type SyncCycleResult =
  | {
      readonly outcome: 'ok';
      readonly acknowledgedSequence: number;
      readonly pendingCount: number;
      readonly pulledChanges: number;
      /** False when a per-cycle limit stopped it; the next cycle continues. */
      readonly complete: boolean;
    }
  | { readonly outcome: 'failed' | 'unknown'; readonly code: string; readonly detail: string }
  | {
      readonly outcome: 'skipped';
      readonly code: 'PLANNED_OFFLINE' | 'TERMINAL_NOT_ACTIVATED' | 'TERMINAL_REACTIVATION_REQUIRED';
    };

/**
 * One round of synchronisation: push the outbox in order, then pull state. Every attempt ends
 * ok, failed or unknown, and is recorded (connectivity, last success, last problem) so the
 * status the cashier and the manager see is the truth about this till.
 */
export async function runSyncCycle(dependencies: SyncCycleDependencies): Promise<SyncCycleResult> {
  const result = await runSyncRound(dependencies);
  if (result.outcome === 'skipped' && result.code !== 'PLANNED_OFFLINE') return result;
  const { store, clock } = dependencies;
  const identity = await store.read(readIdentity);
  if (identity === undefined) return result;
  const online =
    result.outcome !== 'skipped' &&
    (await store.read((transaction) => readConnectivity(transaction, clock()))).state === 'online';
  await recordHealthSample(store, identity.terminalId, online, clock());
  if (result.outcome === 'ok') {
    await reportHealth({ store, transport: dependencies.transport, identity, clock });
  }
  return result;
}

async function runSyncRound(dependencies: SyncCycleDependencies): Promise<SyncCycleResult> {
  const { store, clock } = dependencies;
  const identity = await store.read(readIdentity);
  if (identity === undefined) return { outcome: 'skipped', code: 'TERMINAL_NOT_ACTIVATED' };
  if (identity.status === 'reactivation_required')
    return { outcome: 'skipped', code: 'TERMINAL_REACTIVATION_REQUIRED' };
  if ((await store.read((transaction) => readPlannedOffline(transaction, identity.terminalId))).atTill) {
    return { outcome: 'skipped', code: 'PLANNED_OFFLINE' };
  }
  await store.write((transaction) => updateSyncStatus(transaction, { lastAttemptAt: clock().toISOString() }));

  const pushed = await pushPending({
    store,
    transport: dependencies.transport,
    identity,
    clock,
    ...(dependencies.pushBatchFactsMax === undefined
      ? {}
      : { batchFactsMax: dependencies.pushBatchFactsMax }),
  });
  // An empty outbox sends nothing, so it says nothing about the server; the pull will.
  if (pushed.outcome !== 'ok' || pushed.reachedServer)
    await observeConnectivity(store, pushed.reachedServer, clock());
  if (pushed.outcome !== 'ok') return recordProblem(store, clock, problemOfPush(pushed));

  const acknowledgedBeforePull = await store.read(
    async (transaction) => (await readOutboxState(transaction, identity.terminalId)).acknowledgedSequence,
  );
  const pulled = await pullChanges({
    store,
    transport: dependencies.transport,
    deviceCredential: identity.deviceCredential,
    terminalId: identity.terminalId,
    clock,
    ...(dependencies.pullPageChangesMax === undefined
      ? {}
      : { pageChangesMax: dependencies.pullPageChangesMax }),
  });
  await observeConnectivity(store, pulled.reachedServer, clock());
  if (pulled.outcome !== 'ok') return recordProblem(store, clock, problemOfPull(pulled));

  return store.write(async (transaction) => {
    // The pull began after these acknowledgements, so its stock levels already count those sales.
    if (pulled.complete) await settleGuardEntries(transaction, identity.terminalId, acknowledgedBeforePull);
    const complete = pushed.complete && pulled.complete;
    await updateSyncStatus(transaction, {
      ...(complete ? { lastSuccessfulSyncAt: clock().toISOString() } : {}),
      lastProblem: null,
      consecutiveFailures: 0,
    });
    const pending = await readPendingSummary(transaction, identity.terminalId);
    return {
      outcome: 'ok' as const,
      acknowledgedSequence: pending.acknowledgedSequence,
      pendingCount: pending.pendingCount,
      pulledChanges: pulled.changes,
      complete,
    };
  });
}

type CycleProblem = {
  readonly outcome: 'failed' | 'unknown';
  readonly code: string;
  readonly detail: string;
};

function problemOfPush(pushed: Exclude<PushOutcome, { outcome: 'ok' }>): CycleProblem {
  switch (pushed.outcome) {
    case 'fork':
      return { outcome: 'failed', code: 'TERMINAL_REACTIVATION_REQUIRED', detail: pushed.detail };
    case 'failed':
      return { outcome: 'failed', code: pushed.code, detail: pushed.detail };
    case 'unknown':
      return unknownProblem(pushed.reason, pushed.detail);
  }
}

function problemOfPull(pulled: Exclude<PullOutcome, { outcome: 'ok' }>): CycleProblem {
  if (pulled.outcome === 'failed') {
    return {
      outcome: 'failed',
      code: 'SYNC_REFUSED',
      detail: `HTTP ${pulled.status} ${pulled.serverCode ?? ''}`.trim(),
    };
  }
  return unknownProblem(pulled.reason, pulled.detail);
}

function unknownProblem(
  reason: 'network' | 'server_error' | 'malformed_response',
  detail: string,
): CycleProblem {
  return {
    outcome: 'unknown',
    code: reason === 'network' ? 'SERVER_UNREACHABLE' : 'SYNC_OUTCOME_UNKNOWN',
    detail,
  };
}

async function recordProblem(
  store: TerminalStore,
  clock: () => Date,
  problem: CycleProblem,
): Promise<CycleProblem> {
  await store.write(async (transaction) => {
    const { consecutiveFailures } = await readSyncStatus(transaction);
    const lastProblem: SyncProblem = {
      code: problem.code,
      at: clock().toISOString(),
      detail: problem.detail,
    };
    await updateSyncStatus(transaction, { lastProblem, consecutiveFailures: consecutiveFailures + 1 });
  });
  return problem;
}
