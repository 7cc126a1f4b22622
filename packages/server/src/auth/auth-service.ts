import type { Permission, Principal, Role } from '@mostrador/core';
import { roleHasPermission, roleSpansAllStores } from '@mostrador/core';
import type { Kysely, Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-log';
import type { DatabaseSchema } from '../database/database-schema';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';
import type { DevicePrincipal } from '../terminals/device-authentication';
import type { AccessTokens } from './access-token';
import {
  formatRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
  parseRefreshToken,
  refreshSecretMatches,
} from './refresh-token';
import { hashSecret, PASSWORD_HASH_COST, verifySecret } from './secret-hash';

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  principal: Principal;
}

export interface AuthServiceDependencies {
  system: Kysely<DatabaseSchema>;
  app: Kysely<DatabaseSchema>;
  accessTokens: AccessTokens;
  refreshTokenDays: number;
  clock: () => Date;
}

/** What a failed attempt did, decided inside the transaction and thrown after it commits. */
type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface AuthService {
  login(tenantSlug: string, email: string, password: string): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  logout(refreshToken: string): Promise<void>;
  verifyPin(caller: Principal, approverUserId: string, pin: string, permission: Permission): Promise<string>;
  /** A user's PIN typed at a till: a short session bound to the till's store (manager views). */
  pinLogin(device: DevicePrincipal, userId: string, pin: string): Promise<PinSession>;
}

export interface PinSession {
  accessToken: string;
  expiresAt: string;
  user: { id: string; name: string; role: Role };
  principal: Principal;
}

export function createAuthService(dependencies: AuthServiceDependencies): AuthService {
  const { system, app, accessTokens, clock } = dependencies;
  // Verifying against a decoy when the email is unknown keeps the response time the same.
  const decoyHash = hashSecret('decoy-password-that-never-matches', PASSWORD_HASH_COST);

  async function storeIdsOf(work: TenantWork, userId: string): Promise<string[]> {
    const rows = await work.transaction
      .selectFrom('user_stores')
      .select('store_id')
      .where('user_id', '=', userId)
      .orderBy('store_id')
      .execute();
    return rows.map((row) => row.store_id);
  }

  async function openSession(work: TenantWork, userId: string, role: Role): Promise<Session> {
    const now = clock();
    const principal: Principal = {
      tenantId: work.scope.tenantId,
      userId,
      role,
      storeIds: await storeIdsOf(work, userId),
    };
    const tokenId = uuidv7();
    const secret = newRefreshSecret();
    await work.transaction
      .insertInto('refresh_tokens')
      .values({
        tenant_id: principal.tenantId,
        id: tokenId,
        user_id: userId,
        token_hash: hashRefreshSecret(secret),
        expires_at: new Date(now.getTime() + dependencies.refreshTokenDays * 86_400_000),
        revoked_at: null,
      })
      .execute();
    return {
      accessToken: await accessTokens.issue(principal, now),
      refreshToken: formatRefreshToken({ tenantId: principal.tenantId, tokenId, secret }),
      expiresInSeconds: accessTokens.lifetimeSeconds,
      principal,
    };
  }

  async function tenantIdBySlug(slug: string): Promise<string | undefined> {
    const row = await system.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
    return row?.id;
  }

  /**
   * One PIN attempt against a user's slow hash, with the tenant's lockout: failures count up and
   * lock the PIN for a while, each one audited; a success clears the count.
   */
  async function attemptPin(
    work: TenantWork,
    userId: string,
    pin: string,
    actorUserId: string | null,
    details: Record<string, string>,
  ): Promise<AttemptOutcome<Selectable<DatabaseSchema['users']>>> {
    const now = clock();
    const tenant = await work.transaction
      .selectFrom('tenants')
      .select(['login_max_attempts', 'lockout_minutes'])
      .executeTakeFirstOrThrow();
    const user = await work.transaction
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (user === undefined || !user.active || user.pin_hash === null) {
      return { ok: false, error: new ApiError('INVALID_PIN', 401) };
    }
    if (user.pin_locked_until !== null && new Date(user.pin_locked_until) > now) {
      return {
        ok: false,
        error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil: user.pin_locked_until }),
      };
    }
    if (!(await verifySecret(pin, user.pin_hash))) {
      const { failures, locks, lockedUntil } = failedAttempt(user.failed_pin_count, tenant, now);
      await work.transaction
        .updateTable('users')
        .set({ failed_pin_count: locks ? 0 : failures, pin_locked_until: lockedUntil })
        .where('id', '=', user.id)
        .execute();
      await appendAudit(work.transaction, work.scope.tenantId, {
        actorUserId: actorUserId ?? user.id,
        action: locks ? 'auth.pin_locked' : 'auth.pin_failed',
        entity: 'user',
        entityId: user.id,
        details: { failures, ...details },
      });
      return locks
        ? { ok: false, error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil }) }
        : { ok: false, error: new ApiError('INVALID_PIN', 401) };
    }
    await work.transaction
      .updateTable('users')
      .set({ failed_pin_count: 0, pin_locked_until: null })
      .where('id', '=', user.id)
      .execute();
    return { ok: true, value: user };
  }

  function unwrap<T>(outcome: AttemptOutcome<T>): T {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  return {
    async login(tenantSlug, email, password) {
      const tenantId = await tenantIdBySlug(tenantSlug.toLowerCase());
      if (tenantId === undefined) {
        await verifySecret(password, await decoyHash);
        throw new ApiError('INVALID_CREDENTIALS', 401);
      }
      const outcome = await withTenant(
        app,
        { tenantId, userId: null },
        async (work): Promise<AttemptOutcome<Session>> => {
          const now = clock();
          const tenant = await work.transaction
            .selectFrom('tenants')
            .select(['login_max_attempts', 'lockout_minutes'])
            .executeTakeFirstOrThrow();
          const user = await work.transaction
            .selectFrom('users')
            .selectAll()
            .where('email', '=', email.trim().toLowerCase())
            .forUpdate()
            .executeTakeFirst();
          if (user === undefined || !user.active || user.password_hash === null) {
            await verifySecret(password, await decoyHash);
            await appendAudit(work.transaction, tenantId, {
              actorUserId: null,
              action: 'auth.login_failed',
              entity: 'user',
              entityId: email.trim().toLowerCase().slice(0, 200),
              details: { reason: user === undefined ? 'unknown_user' : 'inactive_or_no_password' },
            });
            return { ok: false, error: new ApiError('INVALID_CREDENTIALS', 401) };
          }
          if (user.locked_until !== null && new Date(user.locked_until) > now) {
            await appendAudit(work.transaction, tenantId, {
              actorUserId: user.id,
              action: 'auth.login_refused_locked',
              entity: 'user',
              entityId: user.id,
            });
            return {
              ok: false,
              error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil: user.locked_until }),
            };
          }
          if (!(await verifySecret(password, user.password_hash))) {
            const { failures, locks, lockedUntil } = failedAttempt(user.failed_login_count, tenant, now);
            await work.transaction
              .updateTable('users')
              .set({ failed_login_count: locks ? 0 : failures, locked_until: lockedUntil })
              .where('id', '=', user.id)
              .execute();
            await appendAudit(work.transaction, tenantId, {
              actorUserId: user.id,
              action: locks ? 'auth.locked' : 'auth.login_failed',
              entity: 'user',
              entityId: user.id,
              details: { failures, maxAttempts: tenant.login_max_attempts },
            });
            return locks
              ? { ok: false, error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil }) }
              : { ok: false, error: new ApiError('INVALID_CREDENTIALS', 401) };
          }
          await work.transaction
            .updateTable('users')
            .set({ failed_login_count: 0, locked_until: null })
            .where('id', '=', user.id)
            .execute();
          await appendAudit(work.transaction, tenantId, {
            actorUserId: user.id,
            action: 'auth.login',
            entity: 'user',
            entityId: user.id,
          });
          return { ok: true, value: await openSession(work, user.id, user.role) };
        },
      );
      return unwrap(outcome);
    },

    async refresh(refreshToken) {
      const parts = parseRefreshToken(refreshToken);
      if (parts === undefined) throw new ApiError('TOKEN_INVALID', 401);
      const outcome = await withTenant(
        app,
        { tenantId: parts.tenantId, userId: null },
        async (work): Promise<AttemptOutcome<Session>> => {
          const now = clock();
          const stored = await work.transaction
            .selectFrom('refresh_tokens')
            .innerJoin('users', 'users.id', 'refresh_tokens.user_id')
            .select([
              'refresh_tokens.token_hash',
              'refresh_tokens.expires_at',
              'refresh_tokens.revoked_at',
              'users.id as user_id',
              'users.role',
              'users.active',
            ])
            .where('refresh_tokens.id', '=', parts.tokenId)
            .forUpdate()
            .executeTakeFirst();
          if (stored === undefined || !refreshSecretMatches(parts.secret, stored.token_hash)) {
            return { ok: false, error: new ApiError('TOKEN_INVALID', 401) };
          }
          if (stored.revoked_at !== null) {
            // A rotated token came back: someone kept a copy. End every session of that user.
            await work.transaction
              .updateTable('refresh_tokens')
              .set({ revoked_at: now })
              .where('user_id', '=', stored.user_id)
              .where('revoked_at', 'is', null)
              .execute();
            await appendAudit(work.transaction, parts.tenantId, {
              actorUserId: stored.user_id,
              action: 'auth.refresh_token_reused',
              entity: 'user',
              entityId: stored.user_id,
            });
            return { ok: false, error: new ApiError('TOKEN_INVALID', 401) };
          }
          if (new Date(stored.expires_at) <= now || !stored.active) {
            return { ok: false, error: new ApiError('TOKEN_INVALID', 401) };
          }
          await work.transaction
            .updateTable('refresh_tokens')
            .set({ revoked_at: now })
            .where('id', '=', parts.tokenId)
            .execute();
          return { ok: true, value: await openSession(work, stored.user_id, stored.role) };
        },
      );
      return unwrap(outcome);
    },

    async logout(refreshToken) {
      const parts = parseRefreshToken(refreshToken);
      if (parts === undefined) return;
      await withTenant(app, { tenantId: parts.tenantId, userId: null }, async (work) => {
        const stored = await work.transaction
          .selectFrom('refresh_tokens')
          .select('token_hash')
          .where('id', '=', parts.tokenId)
          .executeTakeFirst();
        if (stored === undefined || !refreshSecretMatches(parts.secret, stored.token_hash)) return;
        await work.transaction
          .updateTable('refresh_tokens')
          .set({ revoked_at: clock() })
          .where('id', '=', parts.tokenId)
          .where('revoked_at', 'is', null)
          .execute();
      });
    },

    async verifyPin(caller, approverUserId, pin, permission) {
      const outcome = await withTenant(
        app,
        { tenantId: caller.tenantId, userId: caller.userId },
        async (work): Promise<AttemptOutcome<string>> => {
          const attempt = await attemptPin(work, approverUserId, pin, caller.userId, { permission });
          if (!attempt.ok) return attempt;
          const approver = attempt.value;
          const approverStores = roleSpansAllStores(approver.role)
            ? caller.storeIds
            : (await storeIdsOf(work, approver.id)).filter((storeId) => caller.storeIds.includes(storeId));
          const sharesStore =
            roleSpansAllStores(approver.role) || roleSpansAllStores(caller.role) || approverStores.length > 0;
          if (!roleHasPermission(approver.role, permission) || !sharesStore) {
            await appendAudit(work.transaction, caller.tenantId, {
              actorUserId: caller.userId,
              action: 'auth.pin_not_permitted',
              entity: 'user',
              entityId: approver.id,
              details: { permission },
            });
            return { ok: false, error: new ApiError('FORBIDDEN', 403, { permission }) };
          }
          await appendAudit(work.transaction, caller.tenantId, {
            actorUserId: caller.userId,
            action: 'auth.pin_approved',
            entity: 'user',
            entityId: approver.id,
            details: { permission },
          });
          return { ok: true, value: approver.id };
        },
      );
      return unwrap(outcome);
    },

    async pinLogin(device, userId, pin) {
      const outcome = await withTenant(
        app,
        { tenantId: device.tenantId, userId: null },
        async (work): Promise<AttemptOutcome<PinSession>> => {
          const attempt = await attemptPin(work, userId, pin, null, { terminalId: device.terminalId });
          if (!attempt.ok) return attempt;
          const user = attempt.value;
          const spansAllStores = roleSpansAllStores(user.role);
          const storeIds = await storeIdsOf(work, user.id);
          if (device.status !== 'active' || (!spansAllStores && !storeIds.includes(device.storeId))) {
            await appendAudit(work.transaction, device.tenantId, {
              actorUserId: user.id,
              action: 'auth.pin_login_refused',
              entity: 'terminal',
              entityId: device.terminalId,
              details: { reason: device.status !== 'active' ? 'terminal_not_active' : 'store_not_assigned' },
            });
            return { ok: false, error: new ApiError('FORBIDDEN', 403, {}) };
          }
          await appendAudit(work.transaction, device.tenantId, {
            actorUserId: user.id,
            action: 'auth.pin_login',
            entity: 'terminal',
            entityId: device.terminalId,
          });
          // The session is bound to the till's store: a manager at a till manages that store there.
          const principal: Principal = {
            tenantId: device.tenantId,
            userId: user.id,
            role: user.role,
            storeIds: [device.storeId],
          };
          const now = clock();
          return {
            ok: true,
            value: {
              accessToken: await accessTokens.issue(principal, now),
              expiresAt: new Date(now.getTime() + accessTokens.lifetimeSeconds * 1000).toISOString(),
              user: { id: user.id, name: user.name, role: user.role },
              principal,
            },
          };
        },
      );
      return unwrap(outcome);
    },
  };
}

/** One more failed attempt under the tenant's lockout rule: whether it locks, and until when. */
function failedAttempt(
  failuresBefore: number,
  tenant: { login_max_attempts: number; lockout_minutes: number },
  now: Date,
): { failures: number; locks: boolean; lockedUntil: Date | null } {
  const failures = failuresBefore + 1;
  const locks = failures >= tenant.login_max_attempts;
  return {
    failures,
    locks,
    lockedUntil: locks ? new Date(now.getTime() + tenant.lockout_minutes * 60_000) : null,
  };
}
