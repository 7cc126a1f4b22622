import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/**
 * Failed PIN attempts, counted in the durable store so that closing the tab or killing the
 * process does not reset them. A 4-digit PIN space is small; the lockout, not the hash, is what
 * protects it (docs/threat-model.md). The limits come from the tenant's settings in the feed.
 *
 * Subjects: `user:<id>` when the PIN was entered for a chosen user, `terminal` when the PIN alone
 * was typed (the failure cannot be pinned on anyone, so the whole till counts it).
 */
export type PinFailureRecord = {
  readonly failures: number;
  readonly lockedUntil: string | null;
};

export interface LockoutPolicy {
  readonly loginMaxAttempts: number;
  readonly lockoutMinutes: number;
}

export function pinSubject(userId: string | undefined): string {
  return userId === undefined ? 'terminal' : `user:${userId}`;
}

export async function readLockedUntil(
  transaction: ReadTransaction,
  subject: string,
  now: Date,
): Promise<string | undefined> {
  const record = await readValue<PinFailureRecord>(transaction, storeKeys.pinFailures(subject));
  if (record?.lockedUntil == null) return undefined;
  return Date.parse(record.lockedUntil) > now.getTime() ? record.lockedUntil : undefined;
}

/** Counts one failure; returns the lock end when this failure locked the subject. */
export async function recordPinFailure(
  transaction: WriteTransaction,
  subject: string,
  policy: LockoutPolicy,
  now: Date,
): Promise<{ failures: number; lockedUntil: string | null }> {
  const key = storeKeys.pinFailures(subject);
  const previous = await readValue<PinFailureRecord>(transaction, key);
  const stillLocked = previous?.lockedUntil != null && Date.parse(previous.lockedUntil) > now.getTime();
  const failures = (stillLocked || previous?.lockedUntil == null ? (previous?.failures ?? 0) : 0) + 1;
  const attemptsMax = Math.max(1, policy.loginMaxAttempts);
  if (failures >= attemptsMax) {
    const lockedUntil = new Date(now.getTime() + Math.max(1, policy.lockoutMinutes) * 60_000).toISOString();
    await writeValue<PinFailureRecord>(transaction, key, { failures: 0, lockedUntil });
    return { failures, lockedUntil };
  }
  await writeValue<PinFailureRecord>(transaction, key, { failures, lockedUntil: null });
  return { failures, lockedUntil: null };
}

export async function clearPinFailures(transaction: WriteTransaction, subject: string): Promise<void> {
  await transaction.delete(storeKeys.pinFailures(subject));
}
