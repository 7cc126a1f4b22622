import { type FactActor, type Permission, roleHasPermission } from '@mostrador/core';
import { type Refusal, refuse } from '../engine-outcome';
import { readUser, type UserData, userServesStore } from '../state/state-reader';
import type { ReadTransaction, TerminalStore, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';
import { type PinAttempt, type PinRefusal, verifyPin } from './pin-verification';

/**
 * The cashier signed in at the till. The session is durable so a crash or a reload does not
 * throw the cashier out mid-shift; it ends with logout or when the feed deactivates the user.
 */
export type SessionRecord = { readonly userId: string; readonly startedAt: string };

export async function startSession(transaction: WriteTransaction, userId: string, now: Date): Promise<void> {
  await writeValue<SessionRecord>(transaction, storeKeys.session, { userId, startedAt: now.toISOString() });
}

export async function endSession(transaction: WriteTransaction): Promise<void> {
  await transaction.delete(storeKeys.session);
}

export async function readSessionUser(
  transaction: ReadTransaction,
  storeId: string,
): Promise<UserData | undefined> {
  const session = await readValue<SessionRecord>(transaction, storeKeys.session);
  if (session === undefined) return undefined;
  const user = await readUser(transaction, session.userId);
  if (user === undefined || !user.active || !userServesStore(user.role, user.storeIds, storeId))
    return undefined;
  return user;
}

export type Authorization = {
  readonly ok: true;
  readonly actor: FactActor;
  readonly user: UserData;
  readonly approver: UserData | null;
};

export type AuthorizationRefusal =
  | Refusal<'NOT_LOGGED_IN'>
  | Refusal<'APPROVAL_REQUIRED', { permission: Permission }>
  | PinRefusal;

/**
 * authorize without a PIN approval, inside a transaction the caller already holds: a sale reads
 * its user with everything else it reads, instead of taking the store once more beforehand.
 */
export async function authorizeSignedInUser(
  transaction: ReadTransaction,
  storeId: string,
  permission: Permission,
): Promise<Authorization | AuthorizationRefusal> {
  const user = await readSessionUser(transaction, storeId);
  if (user === undefined) return refuse('NOT_LOGGED_IN');
  if (!roleHasPermission(user.role, permission)) return refuse('APPROVAL_REQUIRED', { permission });
  return { ok: true, actor: { userId: user.id, approvedByUserId: null }, user, approver: null };
}

/**
 * The signed-in user may act when their role has the permission; otherwise a user whose role has
 * it approves with a PIN at the till (offline too), and the fact names both.
 */
export async function authorize(
  store: TerminalStore,
  storeId: string,
  permission: Permission,
  approval: PinAttempt | undefined,
  now: Date,
): Promise<Authorization | AuthorizationRefusal> {
  const user = await store.read((transaction) => readSessionUser(transaction, storeId));
  if (user === undefined) return refuse('NOT_LOGGED_IN');
  if (roleHasPermission(user.role, permission)) {
    return { ok: true, actor: { userId: user.id, approvedByUserId: null }, user, approver: null };
  }
  if (approval === undefined) return refuse('APPROVAL_REQUIRED', { permission });
  const verified = await verifyPin(store, storeId, approval, now, permission);
  if (!verified.ok) return verified;
  return {
    ok: true,
    actor: { userId: user.id, approvedByUserId: verified.user.id },
    user,
    approver: verified.user,
  };
}
