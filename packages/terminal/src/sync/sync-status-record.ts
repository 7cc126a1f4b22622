import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/** Why the last sync attempt did not finish, in a form the status screen and the CLI can show. */
export type SyncProblem = {
  readonly code: string;
  readonly at: string;
  readonly detail: string | null;
};

export type SyncStatusRecord = {
  /** The server's clock as of the last answer; stamped on facts so the server can judge device drift. */
  readonly lastServerTime: string | null;
  readonly lastSuccessfulSyncAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastProblem: SyncProblem | null;
  readonly consecutiveFailures: number;
};

export const INITIAL_SYNC_STATUS: SyncStatusRecord = {
  lastServerTime: null,
  lastSuccessfulSyncAt: null,
  lastAttemptAt: null,
  lastProblem: null,
  consecutiveFailures: 0,
};

export async function readSyncStatus(transaction: ReadTransaction): Promise<SyncStatusRecord> {
  return {
    ...INITIAL_SYNC_STATUS,
    ...(await readValue<Partial<SyncStatusRecord>>(transaction, storeKeys.syncStatus)),
  };
}

export async function updateSyncStatus(
  transaction: WriteTransaction,
  patch: Partial<SyncStatusRecord>,
): Promise<SyncStatusRecord> {
  const next = { ...(await readSyncStatus(transaction)), ...patch };
  await writeValue(transaction, storeKeys.syncStatus, next);
  return next;
}

/** Facts carry the server time in one exact spelling; anything else the server sends is normalised or dropped. */
export function normalizeServerTime(text: string): string | null {
  const epochMs = Date.parse(text);
  return Number.isNaN(epochMs) ? null : new Date(epochMs).toISOString();
}
