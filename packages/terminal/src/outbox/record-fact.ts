import type { FactEnvelope } from '@mostrador/core';
import { readIdentity, type TerminalIdentity } from '../activation/terminal-identity';
import type { DeviceKey } from '../device-key/device-key-vault';
import { type Refusal, refuse } from '../engine-outcome';
import type { TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { appendFact, type FactToRecord, readAppendPosition } from './outbox';

export type RecordingRefusal =
  | Refusal<'TERMINAL_NOT_ACTIVATED'>
  | Refusal<'TERMINAL_REVOKED'>
  | Refusal<'TERMINAL_REACTIVATION_REQUIRED'>
  | Refusal<'DEVICE_KEY_MISSING'>;

/** A fact ready to seal, and what to write about it locally in the same transaction. */
export interface PreparedFact<Result> extends FactToRecord {
  project(transaction: WriteTransaction, envelope: FactEnvelope): Promise<Result>;
}

export interface FactRecorder {
  readonly store: TerminalStore;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly loadDeviceKey: () => Promise<DeviceKey | undefined>;
}

/**
 * Records one fact: checks the terminal may record, lets the caller decide inside the write
 * transaction (stock guard, folio counters), then seals the fact, advances the chain head and
 * projects it, all in that one transaction. It resolves only after the store made it durable;
 * a refusal from `prepare` writes nothing.
 */
export async function recordFact<Result, Declined extends Refusal>(
  recorder: FactRecorder,
  prepare: (
    transaction: WriteTransaction,
    identity: TerminalIdentity,
    now: Date,
  ) => Promise<PreparedFact<Result> | Declined>,
): Promise<
  | { readonly ok: true; readonly envelope: FactEnvelope; readonly result: Result }
  | Declined
  | RecordingRefusal
> {
  const deviceKey = await recorder.loadDeviceKey();
  return recorder.store.write(async (transaction) => {
    const identity = await readIdentity(transaction);
    const refusal = recordingRefusal(identity, deviceKey);
    if (refusal !== undefined || identity === undefined || deviceKey === undefined) {
      return refusal ?? refuse('TERMINAL_NOT_ACTIVATED');
    }
    const now = recorder.clock();
    // Where the fact attaches does not depend on what prepare decides, so both read at once: in
    // the browser every read is a round trip to IndexedDB.
    const [prepared, position] = await Promise.all([
      prepare(transaction, identity, now),
      readAppendPosition(transaction, identity.terminalId),
    ]);
    if ('ok' in prepared) return prepared;
    const envelope = await appendFact(
      transaction,
      { identity, deviceKey, eventId: recorder.newId(), deviceTime: now },
      { payload: prepared.payload, actor: prepared.actor },
      position,
    );
    const result = await prepared.project(transaction, envelope);
    return { ok: true as const, envelope, result };
  });
}

export function recordingRefusal(
  identity: TerminalIdentity | undefined,
  deviceKey: DeviceKey | undefined,
): RecordingRefusal | undefined {
  if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
  if (identity.status === 'revoked') return refuse('TERMINAL_REVOKED');
  if (identity.status === 'reactivation_required') return refuse('TERMINAL_REACTIVATION_REQUIRED');
  if (deviceKey === undefined || deviceKey.publicKeyHex !== identity.publicKeyHex)
    return refuse('DEVICE_KEY_MISSING');
  return undefined;
}
