import { type ActivateTerminalRequest, activateTerminalResponseSchema } from '@mostrador/core';
import { z } from 'zod';
import { type DeviceKeyVault, publicKeyHex } from '../device-key/device-key-vault';
import { type Refusal, refuse } from '../engine-outcome';
import { GENESIS_HEAD, INITIAL_OUTBOX_STATE, readChainHead, readPendingSummary } from '../outbox/outbox';
import { settleGuardEntries } from '../stock-guard/stock-guard';
import type { TerminalStore } from '../storage/terminal-store';
import { storeKeys, writeValue } from '../store-layout';
import { observeConnectivity } from '../sync/connectivity';
import { requestStateReset } from '../sync/pull-client';
import { sendRequest } from '../sync/request-outcome';
import { normalizeServerTime, updateSyncStatus } from '../sync/sync-status-record';
import type { Transport } from '../sync/transport';
import { readIdentity, type TerminalIdentity, writeIdentity } from './terminal-identity';

export interface ActivationRequest {
  readonly serverUrl: string;
  /** The tenant's slug, and a manager's (or admin's) email and password. */
  readonly tenant: string;
  readonly email: string;
  readonly password: string;
  readonly storeId: string;
  /** How the back office will call this till, e.g. "Caja 2". */
  readonly name: string;
}

export type ActivationOutcome =
  | { readonly ok: true; readonly identity: TerminalIdentity }
  | Refusal<'TERMINAL_ALREADY_ACTIVATED', { terminalId: string }>
  | Refusal<'PENDING_FACTS_NOT_SYNCED', { pendingCount: number }>
  | Refusal<'SERVER_UNREACHABLE', { detail: string }>
  | Refusal<'ACTIVATION_REFUSED', { status: number; serverCode: string | null }>;

const loginAnswerSchema = z.object({ accessToken: z.string().min(1) });

export interface ActivationDependencies {
  readonly store: TerminalStore;
  readonly vault: DeviceKeyVault;
  readonly transport: Transport;
  readonly clock: () => Date;
}

/**
 * Registers this device with the server: a manager signs in, the device makes a new Ed25519 key
 * pair (private half non-extractable where the platform allows), and the server records the
 * public half and answers with the terminal id and the device credential. The identity goes to
 * the durable store with a fresh chain; the first pull then loads the bootstrap snapshot.
 *
 * An active terminal is not re-activated by accident. A revoked one, or one the server told to
 * re-activate after a fork, may be, but only once its outbox is empty: its facts are signed with
 * the old identity and must reach the server under it (a forked chain's facts are quarantined
 * there already).
 */
export async function activateTerminal(
  dependencies: ActivationDependencies,
  request: ActivationRequest,
): Promise<ActivationOutcome> {
  const { store, transport, clock } = dependencies;
  const previous = await store.read(async (transaction) => {
    const identity = await readIdentity(transaction);
    if (identity === undefined) return undefined;
    return { identity, pending: await readPendingSummary(transaction, identity.terminalId) };
  });
  if (previous?.identity.status === 'active') {
    return refuse('TERMINAL_ALREADY_ACTIVATED', { terminalId: previous.identity.terminalId });
  }
  if (previous !== undefined && previous.identity.status === 'revoked' && previous.pending.pendingCount > 0) {
    return refuse('PENDING_FACTS_NOT_SYNCED', { pendingCount: previous.pending.pendingCount });
  }

  const login = await sendRequest(
    transport,
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: {},
      body: { tenant: request.tenant, email: request.email, password: request.password },
    },
    loginAnswerSchema,
  );
  if (login.outcome !== 'ok') return requestRefusal(login);
  const keyPair = await dependencies.vault.create();
  const activationBody: ActivateTerminalRequest = {
    storeId: request.storeId,
    name: request.name,
    publicKeyHex: await publicKeyHex(keyPair),
  };
  const activated = await sendRequest(
    transport,
    {
      method: 'POST',
      path: '/api/v1/terminals/activate',
      headers: { authorization: `Bearer ${login.value.accessToken}` },
      body: activationBody,
    },
    activateTerminalResponseSchema,
  );
  if (activated.outcome !== 'ok') return requestRefusal(activated);

  const identity: TerminalIdentity = {
    terminalId: activated.value.terminalId,
    tenantId: activated.value.tenantId,
    storeId: activated.value.storeId,
    name: request.name,
    deviceCredential: activated.value.deviceCredential,
    publicKeyHex: activationBody.publicKeyHex,
    serverUrl: request.serverUrl,
    activatedAt: clock().toISOString(),
    status: 'active',
  };
  await store.write(async (transaction) => {
    if (previous !== undefined) {
      await writeValue(
        transaction,
        storeKeys.previousIdentity(previous.identity.terminalId),
        previous.identity,
      );
      await transaction.delete(storeKeys.session);
      await transaction.delete(storeKeys.currentShift);
      // The old chain's unacknowledged sales will never be acknowledged under it (they are in
      // quarantine, for a manager to decide); from now on the pulled stock is the only truth, so
      // the offline stock guard stops counting them instead of holding their units forever.
      await settleGuardEntries(transaction, previous.identity.terminalId, Number.MAX_SAFE_INTEGER);
    }
    const head = await readChainHead(transaction, identity.terminalId);
    if (head.sequence !== GENESIS_HEAD.sequence) throw new Error('A new terminal id must start a new chain');
    await writeIdentity(transaction, identity);
    await writeValue(transaction, storeKeys.chainHead(identity.terminalId), GENESIS_HEAD);
    await writeValue(transaction, storeKeys.outbox(identity.terminalId), INITIAL_OUTBOX_STATE);
    await requestStateReset(transaction);
    const serverTime = normalizeServerTime(activated.value.serverTime);
    await updateSyncStatus(transaction, {
      lastServerTime: serverTime,
      lastProblem: null,
      consecutiveFailures: 0,
    });
  });
  await observeConnectivity(store, true, clock());
  return { ok: true, identity };
}

function requestRefusal(
  outcome:
    | { outcome: 'failed'; status: number; serverCode: string | undefined }
    | { outcome: 'unknown'; detail: string },
): ActivationOutcome {
  if (outcome.outcome === 'failed') {
    return refuse('ACTIVATION_REFUSED', { status: outcome.status, serverCode: outcome.serverCode ?? null });
  }
  return refuse('SERVER_UNREACHABLE', { detail: outcome.detail });
}
