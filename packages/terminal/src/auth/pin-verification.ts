import { type Permission, roleHasPermission } from '@mostrador/core';
import { argon2Verify } from 'hash-wasm';
import { type Refusal, refuse } from '../engine-outcome';
import { readStoreUsers, readTenantSettings, TENANT_DEFAULTS, type UserData } from '../state/state-reader';
import type { TerminalStore } from '../storage/terminal-store';
import { clearPinFailures, pinSubject, readLockedUntil, recordPinFailure } from './pin-lockout';

const PIN_PATTERN = /^\d{4,6}$/;
/** A till has a handful of staff; checking more hashes than this for one PIN would stall the counter. */
const PIN_CANDIDATES_MAX = 50;

export interface PinAttempt {
  readonly pin: string;
  /** The user the PIN is entered for; without it every user of the store is tried. */
  readonly userId?: string;
}

export type PinRefusal =
  | Refusal<'INVALID_PIN', { attemptsRemaining: number }>
  | Refusal<'ACCOUNT_LOCKED', { lockedUntil: string }>
  | Refusal<'LOCAL_DATA_NOT_LOADED'>
  | Refusal<'FORBIDDEN', { permission: Permission }>;

/**
 * Checks a PIN against the argon2id hashes pulled from the server, offline, with the failure
 * counter and lockout kept in the durable store. When `permission` is given, only users whose
 * role has it can match (a manager approving a refund).
 */
export async function verifyPin(
  store: TerminalStore,
  storeId: string,
  attempt: PinAttempt,
  now: Date,
  permission?: Permission,
): Promise<{ readonly ok: true; readonly user: UserData } | PinRefusal> {
  const subject = pinSubject(attempt.userId);
  const prepared = await store.read(async (transaction) => ({
    tenant: await readTenantSettings(transaction),
    users: await readStoreUsers(transaction, storeId),
    lockedUntil: await readLockedUntil(transaction, subject, now),
  }));
  if (prepared.users.length === 0) return refuse('LOCAL_DATA_NOT_LOADED');
  if (prepared.lockedUntil !== undefined)
    return refuse('ACCOUNT_LOCKED', { lockedUntil: prepared.lockedUntil });
  const policy = prepared.tenant ?? TENANT_DEFAULTS;

  const candidates = prepared.users
    .filter((user) => attempt.userId === undefined || user.id === attempt.userId)
    .filter(
      (user) =>
        permission === undefined || attempt.userId !== undefined || roleHasPermission(user.role, permission),
    )
    .slice(0, PIN_CANDIDATES_MAX);
  const matched = PIN_PATTERN.test(attempt.pin) ? await findPinOwner(candidates, attempt.pin) : undefined;

  if (matched === undefined) {
    const failure = await store.write((transaction) => recordPinFailure(transaction, subject, policy, now));
    if (failure.lockedUntil !== null) return refuse('ACCOUNT_LOCKED', { lockedUntil: failure.lockedUntil });
    return refuse('INVALID_PIN', {
      attemptsRemaining: Math.max(0, policy.loginMaxAttempts - failure.failures),
    });
  }
  const ownLock = await store.read((transaction) =>
    readLockedUntil(transaction, pinSubject(matched.id), now),
  );
  if (ownLock !== undefined) return refuse('ACCOUNT_LOCKED', { lockedUntil: ownLock });
  await store.write(async (transaction) => {
    await clearPinFailures(transaction, subject);
    await clearPinFailures(transaction, pinSubject(matched.id));
  });
  if (permission !== undefined && !roleHasPermission(matched.role, permission)) {
    return refuse('FORBIDDEN', { permission });
  }
  return { ok: true, user: matched };
}

async function findPinOwner(candidates: readonly UserData[], pin: string): Promise<UserData | undefined> {
  for (const user of candidates) {
    if (user.pinHash === null) continue;
    if (await pinMatches(pin, user.pinHash)) return user;
  }
  return undefined;
}

async function pinMatches(pin: string, encodedHash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password: pin, hash: encodedHash });
  } catch {
    // A hash in a format this build cannot read never matches; it is not the cashier's fault.
    return false;
  }
}
