import {
  HEALTH_REPORT_SAMPLES_MAX,
  type HealthReportRequest,
  type HealthSample,
  healthReportResponseSchema,
} from '@mostrador/core';
import type { TerminalIdentity } from '../activation/terminal-identity';
import { readPendingSummary } from '../outbox/outbox';
import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';
import { offlineMsTotal, readConnectivity } from './connectivity';
import { readSyncStatus } from './sync-status-record';
import { deviceHeaders, type Transport } from './transport';

/** A new sample at most this often, unless the till went online or offline in between. */
export const HEALTH_SAMPLE_INTERVAL_MS = 60_000;
/** Samples older than this are dropped on the till whether or not the server got them. */
export const HEALTH_SAMPLE_RETENTION_MS = 14 * 86_400_000;
/** Old samples pruned per write, so that pruning never makes a sync round slow. */
const HEALTH_PRUNE_BATCH_MAX = 200;

/**
 * Takes a sample of this till's connectivity and backlog after a sync round, offline rounds
 * included: that history is what lets a manager see when a store was cut off and how its backlog
 * grew and drained, even though nothing reached the server at the time.
 */
export async function recordHealthSample(
  store: TerminalStore,
  terminalId: string,
  online: boolean,
  now: Date,
): Promise<void> {
  await store.write(async (transaction) => {
    const [latest] = await transaction.scan({
      prefix: storeKeys.healthSamplePrefix,
      reverse: true,
      limit: 1,
    });
    const previous = latest?.[1] as HealthSample | undefined;
    const sinceMs =
      previous === undefined ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(previous.at);
    // A clock set back makes sinceMs negative: sample again rather than stall until it catches up.
    if (
      previous !== undefined &&
      previous.online === online &&
      sinceMs >= 0 &&
      sinceMs < HEALTH_SAMPLE_INTERVAL_MS
    )
      return;
    const { pendingCount } = await readPendingSummary(transaction, terminalId);
    const sample: HealthSample = { at: now.toISOString(), online, pendingCount };
    await writeValue(transaction, storeKeys.healthSample(sample.at), sample);
    await pruneOldSamples(transaction, now);
  });
}

async function pruneOldSamples(transaction: WriteTransaction, now: Date): Promise<void> {
  const oldest = await transaction.scan({
    prefix: storeKeys.healthSamplePrefix,
    limit: HEALTH_PRUNE_BATCH_MAX,
  });
  const cutoff = storeKeys.healthSample(new Date(now.getTime() - HEALTH_SAMPLE_RETENTION_MS).toISOString());
  for (const [key] of oldest) {
    if (key >= cutoff) break;
    await transaction.delete(key);
  }
}

export type HealthReportOutcome =
  | { readonly outcome: 'reported'; readonly samplesSent: number }
  | { readonly outcome: 'nothing_new' }
  | { readonly outcome: 'failed'; readonly detail: string };

/**
 * Tells the server how this till is doing and uploads the samples it has not accepted yet. Best
 * effort: a failure changes nothing here, and the next round sends the same samples again, which
 * the server inserts at most once. With no new sample there is nothing new to say (a sample is taken
 * at least once a minute while the till syncs), so a round every few seconds costs no request.
 */
export async function reportHealth(dependencies: {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly identity: TerminalIdentity;
  readonly clock: () => Date;
}): Promise<HealthReportOutcome> {
  const { store, identity, clock } = dependencies;
  const report = await store.read(async (transaction) => {
    const reported = await readValue<string>(transaction, storeKeys.healthReported);
    const samples = await transaction.scan({
      prefix: storeKeys.healthSamplePrefix,
      ...(reported === undefined ? {} : { startAfter: reported }),
      limit: HEALTH_REPORT_SAMPLES_MAX,
    });
    if (samples.length === 0) return undefined;
    const now = clock();
    const pending = await readPendingSummary(transaction, identity.terminalId);
    const sync = await readSyncStatus(transaction);
    const connectivity = await readConnectivity(transaction, now);
    const request: HealthReportRequest = {
      health: {
        pendingCount: pending.pendingCount,
        oldestPendingAt: pending.oldestPendingAt,
        lastSuccessfulSyncAt: sync.lastSuccessfulSyncAt,
        offlineSecondsTotal: Math.floor(offlineMsTotal(connectivity, now) / 1000),
        headSequence: pending.headSequence,
        acknowledgedSequence: pending.acknowledgedSequence,
      },
      samples: samples.map(([, value]) => value as HealthSample),
    };
    return { request, lastKey: samples.at(-1)![0] };
  });
  if (report === undefined) return { outcome: 'nothing_new' };
  let response: Awaited<ReturnType<Transport>>;
  try {
    response = await dependencies.transport({
      method: 'POST',
      path: '/api/v1/sync/status',
      headers: deviceHeaders(identity.deviceCredential),
      body: report.request,
    });
  } catch (error) {
    return { outcome: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  if (response.status !== 200 || !healthReportResponseSchema.safeParse(response.body).success) {
    return { outcome: 'failed', detail: `HTTP ${response.status}` };
  }
  const { lastKey } = report;
  if (lastKey !== undefined) {
    await store.write(async (transaction) => {
      const current = await readValue<string>(transaction, storeKeys.healthReported);
      if (current === undefined || current < lastKey)
        await writeValue(transaction, storeKeys.healthReported, lastKey);
    });
  }
  return { outcome: 'reported', samplesSent: report.request.samples.length };
}
