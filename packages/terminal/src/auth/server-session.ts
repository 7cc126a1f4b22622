import { pinLoginResponseSchema, type Role } from '@mostrador/core';
import type { TerminalIdentity } from '../activation/terminal-identity';
import { type Refusal, refuse } from '../engine-outcome';
import type { TerminalStore } from '../storage/terminal-store';
import { deviceHeaders, serverErrorCode, type Transport } from '../sync/transport';
import { type PinAttempt, type PinRefusal, verifyPin } from './pin-verification';

export type ServerSession = {
  readonly ok: true;
  /** A short-lived bearer token for the server API, bound to this till's store. */
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly name: string; readonly role: Role };
};

export type ServerSessionRefusal =
  | PinRefusal
  | Refusal<'SERVER_UNREACHABLE'>
  | Refusal<'INVALID_PIN' | 'ACCOUNT_LOCKED' | 'FORBIDDEN' | 'SYNC_REFUSED', { status: number }>;

const SERVER_PIN_CODES = new Set(['INVALID_PIN', 'ACCOUNT_LOCKED', 'FORBIDDEN']);

/**
 * A PIN typed at the till opens a session on the server for what only the server knows (the
 * conflicts queue, sync health of every till). The PIN is checked locally first, with the local
 * lockout, so a wrong PIN costs no round trip; the server checks it again against its own hash
 * (a PIN changed at the server while this till was offline wins there).
 */
export async function openServerSession(dependencies: {
  readonly store: TerminalStore;
  readonly transport: Transport;
  readonly identity: TerminalIdentity;
  readonly attempt: PinAttempt;
  readonly now: Date;
}): Promise<ServerSession | ServerSessionRefusal> {
  const { identity, attempt } = dependencies;
  const verified = await verifyPin(dependencies.store, identity.storeId, attempt, dependencies.now);
  if (!verified.ok) return verified;
  let response: Awaited<ReturnType<Transport>>;
  try {
    response = await dependencies.transport({
      method: 'POST',
      path: '/api/v1/auth/pin-login',
      headers: deviceHeaders(identity.deviceCredential),
      body: { userId: verified.user.id, pin: attempt.pin },
    });
  } catch {
    return refuse('SERVER_UNREACHABLE');
  }
  if (response.status === 200) {
    const parsed = pinLoginResponseSchema.safeParse(response.body);
    if (parsed.success) return { ok: true, ...parsed.data };
    return refuse('SYNC_REFUSED', { status: response.status });
  }
  if (response.status >= 500) return refuse('SERVER_UNREACHABLE');
  const code = serverErrorCode(response.body);
  if (code !== undefined && SERVER_PIN_CODES.has(code)) {
    return refuse(code as 'INVALID_PIN' | 'ACCOUNT_LOCKED' | 'FORBIDDEN', { status: response.status });
  }
  return refuse('SYNC_REFUSED', { status: response.status });
}
