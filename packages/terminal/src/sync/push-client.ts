import {
  PUSH_BATCH_FACTS_MAX,
  type PushRequest,
  type PushResponse,
  pushResponseSchema,
  SYNC_PROTOCOL_VERSION,
} from '@mostrador/core';
import { setIdentityStatus, type TerminalIdentity } from '../activation/terminal-identity';
import {
  moveAcknowledgedMark,
  readChainHead,
  readFactsFrom,
  readOutboxState,
  readStoredFact,
} from '../outbox/outbox';
import { recordFinalFolios } from '../sale/local-sale';
import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { type RequestOutcome, sendRequest } from './request-outcome';
import { normalizeServerTime, updateSyncStatus } from './sync-status-record';
import { deviceHeaders, type Transport } from './transport';

/** One cycle sends at most this many batches; the next cycle goes on where it stopped. */
export const PUSH_BATCHES_PER_CYCLE_MAX = 1_000;

export interface PushDependencies {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly identity: TerminalIdentity;
  readonly clock: () => Date;
  readonly batchFactsMax?: number;
  readonly batchesMax?: number;
}

export type PushOutcome =
  | {
      readonly outcome: 'ok';
      readonly batches: number;
      readonly acknowledgedSequence: number;
      readonly complete: boolean;
      /** False only when there was nothing to send, so no request was made. */
      readonly reachedServer: boolean;
    }
  | {
      readonly outcome: 'failed';
      readonly code: 'SYNC_FACT_REJECTED' | 'SYNC_FACTS_NOT_RETAINED' | 'SYNC_REFUSED';
      readonly detail: string;
      readonly reachedServer: boolean;
    }
  | { readonly outcome: 'fork'; readonly detail: string; readonly reachedServer: true }
  | Extract<RequestOutcome<never>, { outcome: 'unknown' }>;

/**
 * Uploads the outbox in sequence order, in batches, from the first fact the server has not
 * acknowledged. Nothing leaves "pending" except through the server's acknowledged sequence. When
 * the answer is lost (unknown), the next attempt sends the very same stored facts, which the
 * server acknowledges again without applying them twice. A gap sends again from the sequence the
 * server expects, using acknowledged facts kept by retention when the server lost them (restored
 * from a backup). A fork stops pushing for good: the device must be re-activated.
 */
export async function pushPending(dependencies: PushDependencies): Promise<PushOutcome> {
  const { store, identity } = dependencies;
  const batchFactsMax = Math.min(dependencies.batchFactsMax ?? PUSH_BATCH_FACTS_MAX, PUSH_BATCH_FACTS_MAX);
  const batchesMax = dependencies.batchesMax ?? PUSH_BATCHES_PER_CYCLE_MAX;
  let resendFrom: number | undefined;
  let previousAnswer = '';
  for (let batches = 0; batches < batchesMax; batches += 1) {
    const batch = await store.read(async (transaction) => {
      const head = await readChainHead(transaction, identity.terminalId);
      const state = await readOutboxState(transaction, identity.terminalId);
      const from = resendFrom ?? state.acknowledgedSequence + 1;
      return {
        head,
        state,
        from,
        facts: await readFactsFrom(transaction, identity.terminalId, from, batchFactsMax),
      };
    });
    if (batch.from > batch.head.sequence) {
      return {
        outcome: 'ok',
        batches,
        acknowledgedSequence: batch.state.acknowledgedSequence,
        complete: true,
        reachedServer: batches > 0,
      };
    }
    if (batch.facts.length === 0) {
      return {
        outcome: 'failed',
        code: 'SYNC_FACTS_NOT_RETAINED',
        detail: `fact ${batch.from} is needed by the server but retention already removed it`,
        reachedServer: true,
      };
    }
    const request: PushRequest = { protocolVersion: SYNC_PROTOCOL_VERSION, facts: batch.facts };
    const answer = await sendRequest(
      dependencies.transport,
      {
        method: 'POST',
        path: '/api/v1/sync/push',
        headers: deviceHeaders(identity.deviceCredential),
        body: request,
      },
      pushResponseSchema,
    );
    if (answer.outcome === 'unknown') return answer;
    if (answer.outcome === 'failed') {
      return {
        outcome: 'failed',
        code: 'SYNC_REFUSED',
        detail: `HTTP ${answer.status} ${answer.serverCode ?? ''}`.trim(),
        reachedServer: true,
      };
    }
    const response = answer.value;
    const applied = await store.write((transaction) =>
      applyPushResponse(transaction, dependencies, response),
    );
    if (applied === 'fork' || response.outcome === 'fork') {
      return {
        outcome: 'fork',
        detail: response.reason ?? 'the server holds a different fact at one of our sequences',
        reachedServer: true,
      };
    }
    if (response.outcome === 'rejected') {
      return {
        outcome: 'failed',
        code: 'SYNC_FACT_REJECTED',
        detail: `fact ${response.rejectedAt ?? '?'}: ${response.reason ?? 'refused'}`,
        reachedServer: true,
      };
    }
    // The same answer twice in a row means the server is not moving; stop and let backoff retry.
    const answerKey = `${response.outcome}:${response.acknowledgedSequence}:${response.expectedSequence}`;
    if (answerKey === previousAnswer) {
      return {
        outcome: 'unknown',
        reason: 'server_error',
        status: answer.status,
        detail: `no progress: ${answerKey}`,
        reachedServer: true,
      };
    }
    previousAnswer = answerKey;
    resendFrom = response.outcome === 'gap' ? response.expectedSequence : undefined;
  }
  const state = await store.read((transaction) => readOutboxState(transaction, identity.terminalId));
  return {
    outcome: 'ok',
    batches: batchesMax,
    acknowledgedSequence: state.acknowledgedSequence,
    complete: false,
    reachedServer: true,
  };
}

/**
 * Records what the server says it holds. A server claiming facts this terminal never made, or a
 * head whose hash differs from ours at the same sequence, is a fork: another device (a clone, a
 * restored copy) signed under this terminal's identity.
 */
async function applyPushResponse(
  transaction: WriteTransaction,
  dependencies: PushDependencies,
  response: PushResponse,
): Promise<'applied' | 'fork'> {
  const { terminalId } = dependencies.identity;
  const now = dependencies.clock();
  const serverTime = normalizeServerTime(response.serverTime);
  if (serverTime !== null) await updateSyncStatus(transaction, { lastServerTime: serverTime });
  const head = await readChainHead(transaction, terminalId);
  const claimsUnknownFacts =
    response.acknowledgedSequence > head.sequence || response.serverHead.sequence > head.sequence;
  const ownAtServerHead =
    response.serverHead.sequence > 0
      ? await readStoredFact(transaction, terminalId, response.serverHead.sequence)
      : undefined;
  const hashDiffers =
    ownAtServerHead !== undefined && ownAtServerHead.envelope.hash !== response.serverHead.hash;
  if (response.outcome === 'fork' || claimsUnknownFacts || hashDiffers) {
    await setIdentityStatus(transaction, 'reactivation_required');
    if (!claimsUnknownFacts && !hashDiffers) {
      await moveAcknowledgedMark(transaction, terminalId, response.acknowledgedSequence, now);
    }
    return 'fork';
  }
  await moveAcknowledgedMark(transaction, terminalId, response.acknowledgedSequence, now);
  await recordFinalFolios(transaction, response.folios);
  return 'applied';
}
