import {
  buildSignedFact,
  type ChainHead,
  FACT_PROTOCOL_VERSION,
  type FactActor,
  type FactEnvelope,
  type FactPayload,
  GENESIS_PREV_HASH,
} from '@mostrador/core';
import type { TerminalIdentity } from '../activation/terminal-identity';
import type { DeviceKey } from '../device-key/device-key-vault';
import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';
import { readSyncStatus } from '../sync/sync-status-record';

/**
 * The outbox is the terminal's own fact log. Every fact is stored under its sequence number with
 * the time the server acknowledged it (null while pending). "Pending" is not a separate queue
 * that could overflow or be trimmed: it is every fact above the acknowledged sequence, and only a
 * server answer moves that mark. There is no size cap and nothing is ever dropped; acknowledged
 * facts stay for local history and reprints until the retention setting prunes them.
 */
export type StoredFact = {
  readonly envelope: FactEnvelope;
  readonly acknowledgedAt: string | null;
};

export type OutboxState = {
  /** Every fact up to here is durably on the server (by its own word). */
  readonly acknowledgedSequence: number;
  readonly lastAcknowledgedAt: string | null;
};

export const INITIAL_OUTBOX_STATE: OutboxState = { acknowledgedSequence: 0, lastAcknowledgedAt: null };
export const GENESIS_HEAD: ChainHead = { sequence: 0, hash: GENESIS_PREV_HASH };

export async function readChainHead(transaction: ReadTransaction, terminalId: string): Promise<ChainHead> {
  return (await readValue<ChainHead>(transaction, storeKeys.chainHead(terminalId))) ?? GENESIS_HEAD;
}

export async function readOutboxState(
  transaction: ReadTransaction,
  terminalId: string,
): Promise<OutboxState> {
  return (await readValue<OutboxState>(transaction, storeKeys.outbox(terminalId))) ?? INITIAL_OUTBOX_STATE;
}

export async function readStoredFact(
  transaction: ReadTransaction,
  terminalId: string,
  sequence: number,
): Promise<StoredFact | undefined> {
  return readValue<StoredFact>(transaction, storeKeys.fact(terminalId, sequence));
}

export interface FactToRecord {
  readonly payload: FactPayload;
  readonly actor: FactActor;
}

export interface RecordingContext {
  readonly identity: TerminalIdentity;
  readonly deviceKey: DeviceKey;
  readonly eventId: string;
  readonly deviceTime: Date;
}

/** Where the next fact of a chain attaches, and the server time it carries. */
export interface AppendPosition {
  readonly head: ChainHead;
  readonly lastServerTime: string | null;
}

/**
 * Reads where the next fact attaches. It only reads, so a caller can make these reads while it
 * decides what the fact says, in the same write transaction, and hand the position to appendFact.
 */
export async function readAppendPosition(
  transaction: ReadTransaction,
  terminalId: string,
): Promise<AppendPosition> {
  const [head, syncStatus] = await Promise.all([
    readChainHead(transaction, terminalId),
    readSyncStatus(transaction),
  ]);
  if (await transaction.has(storeKeys.fact(terminalId, head.sequence + 1))) {
    throw new Error(`Outbox invariant broken: fact ${head.sequence + 1} already exists above the chain head`);
  }
  return { head, lastServerTime: syncStatus.lastServerTime };
}

/**
 * Seals the next fact of this terminal's chain at `position` (read in this same transaction) and
 * stores it with the new chain head, inside the caller's write transaction, so the fact, its
 * sequence number, the head and whatever the caller projects from it commit together or not at all.
 */
export async function appendFact(
  transaction: WriteTransaction,
  context: RecordingContext,
  fact: FactToRecord,
  position: AppendPosition,
): Promise<FactEnvelope> {
  const { identity } = context;
  const { head } = position;
  const current = await readChainHead(transaction, identity.terminalId);
  if (current.sequence !== head.sequence || current.hash !== head.hash) {
    throw new Error(
      `Outbox invariant broken: the chain head moved from ${head.sequence} to ${current.sequence}`,
    );
  }
  const sequence = head.sequence + 1;
  const envelope = await buildSignedFact(
    {
      protocolVersion: FACT_PROTOCOL_VERSION,
      eventId: context.eventId,
      tenantId: identity.tenantId,
      storeId: identity.storeId,
      terminalId: identity.terminalId,
      sequence,
      deviceTime: context.deviceTime.toISOString(),
      lastServerTime: position.lastServerTime,
      actor: fact.actor,
      payload: fact.payload,
      prevHash: head.hash,
    },
    context.deviceKey.sign,
  );
  const stored: StoredFact = { envelope, acknowledgedAt: null };
  await writeValue(transaction, storeKeys.fact(identity.terminalId, sequence), stored);
  await writeValue<ChainHead>(transaction, storeKeys.chainHead(identity.terminalId), {
    sequence,
    hash: envelope.hash,
  });
  return envelope;
}

/**
 * Consecutive stored facts from `fromSequence`, at most `limit`, in sequence order. Stops early at
 * the first missing one (pruned by retention), so a batch never skips a link.
 */
export async function readFactsFrom(
  transaction: ReadTransaction,
  terminalId: string,
  fromSequence: number,
  limit: number,
): Promise<FactEnvelope[]> {
  if (fromSequence < 1 || limit < 1) return [];
  const entries = await transaction.scan({
    prefix: storeKeys.factPrefix(terminalId),
    startAfter: storeKeys.fact(terminalId, fromSequence - 1),
    limit,
  });
  const facts: FactEnvelope[] = [];
  for (const [, value] of entries) {
    const { envelope } = value as unknown as StoredFact;
    if (envelope.sequence !== fromSequence + facts.length) break;
    facts.push(envelope);
  }
  return facts;
}

export interface PendingSummary {
  readonly headSequence: number;
  readonly acknowledgedSequence: number;
  readonly pendingCount: number;
  /** Device time of the oldest fact the server has not acknowledged. */
  readonly oldestPendingAt: string | null;
  readonly lastAcknowledgedAt: string | null;
}

export async function readPendingSummary(
  transaction: ReadTransaction,
  terminalId: string,
): Promise<PendingSummary> {
  const head = await readChainHead(transaction, terminalId);
  const state = await readOutboxState(transaction, terminalId);
  const pendingCount = Math.max(0, head.sequence - state.acknowledgedSequence);
  const oldest =
    pendingCount === 0
      ? undefined
      : await readStoredFact(transaction, terminalId, state.acknowledgedSequence + 1);
  return {
    headSequence: head.sequence,
    acknowledgedSequence: state.acknowledgedSequence,
    pendingCount,
    oldestPendingAt: oldest?.envelope.deviceTime ?? null,
    lastAcknowledgedAt: state.lastAcknowledgedAt,
  };
}

/**
 * Moves the acknowledged mark to what the server says it durably holds. The mark normally only
 * rises; it falls when a server restored from a backup no longer holds facts it once
 * acknowledged, and those facts become pending again (they are re-sent from the retained log).
 * Returns the sequences that could not be found again because retention had already pruned them.
 */
export async function moveAcknowledgedMark(
  transaction: WriteTransaction,
  terminalId: string,
  acknowledgedSequence: number,
  at: Date,
): Promise<{ missingSequences: number[] }> {
  const head = await readChainHead(transaction, terminalId);
  const state = await readOutboxState(transaction, terminalId);
  if (acknowledgedSequence > head.sequence) {
    throw new Error(
      `Outbox invariant broken: acknowledgement ${acknowledgedSequence} above head ${head.sequence}`,
    );
  }
  const missingSequences: number[] = [];
  const rising = acknowledgedSequence > state.acknowledgedSequence;
  const low = Math.min(acknowledgedSequence, state.acknowledgedSequence);
  const high = Math.max(acknowledgedSequence, state.acknowledgedSequence);
  const acknowledgedAt = rising ? at.toISOString() : null;
  for (let sequence = low + 1; sequence <= high; sequence += 1) {
    const key = storeKeys.fact(terminalId, sequence);
    const stored = await readValue<StoredFact>(transaction, key);
    if (stored === undefined) {
      missingSequences.push(sequence);
      continue;
    }
    await writeValue<StoredFact>(transaction, key, { envelope: stored.envelope, acknowledgedAt });
  }
  await writeValue<OutboxState>(transaction, storeKeys.outbox(terminalId), {
    acknowledgedSequence,
    lastAcknowledgedAt: rising ? at.toISOString() : state.lastAcknowledgedAt,
  });
  return { missingSequences };
}
