import type { Permission, Principal, Role } from '@mostrador/core';
import { roleHasPermission, roleSpansAllStores } from '@mostrador/core';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-log';
import type { DatabaseSchema } from '../database/database-schema';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';
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
            const failures = user.failed_login_count + 1;
            const locks = failures >= tenant.login_max_attempts;
            const lockedUntil = locks ? new Date(now.getTime() + tenant.lockout_minutes * 60_000) : null;
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
          const now = clock();
          const tenant = await work.transaction
            .selectFrom('tenants')
            .select(['login_max_attempts', 'lockout_minutes'])
            .executeTakeFirstOrThrow();
          const approver = await work.transaction
            .selectFrom('users')
            .selectAll()
            .where('id', '=', approverUserId)
            .forUpdate()
            .executeTakeFirst();
          if (approver === undefined || !approver.active || approver.pin_hash === null) {
            return { ok: false, error: new ApiError('INVALID_PIN', 401) };
          }
          if (approver.pin_locked_until !== null && new Date(approver.pin_locked_until) > now) {
            return {
              ok: false,
              error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil: approver.pin_locked_until }),
            };
          }
          if (!(await verifySecret(pin, approver.pin_hash))) {
            const failures = approver.failed_pin_count + 1;
            const locks = failures >= tenant.login_max_attempts;
            const lockedUntil = locks ? new Date(now.getTime() + tenant.lockout_minutes * 60_000) : null;
            await work.transaction
              .updateTable('users')
              .set({ failed_pin_count: locks ? 0 : failures, pin_locked_until: lockedUntil })
              .where('id', '=', approver.id)
              .execute();
            await appendAudit(work.transaction, caller.tenantId, {
              actorUserId: caller.userId,
              action: locks ? 'auth.pin_locked' : 'auth.pin_failed',
              entity: 'user',
              entityId: approver.id,
              details: { failures, permission },
            });
            return locks
              ? { ok: false, error: new ApiError('ACCOUNT_LOCKED', 423, { lockedUntil }) }
              : { ok: false, error: new ApiError('INVALID_PIN', 401) };
          }
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
          await work.transaction
            .updateTable('users')
            .set({ failed_pin_count: 0, pin_locked_until: null })
            .where('id', '=', approver.id)
            .execute();
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
  };
}
