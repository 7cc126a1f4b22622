import {
  createUserSchema,
  DEFAULT_MAX_DISCOUNT_BASIS_POINTS,
  roleSpansAllStores,
  updateUserSchema,
  userSchema,
} from '@mostrador/core';
import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import { hashSecret, PASSWORD_HASH_COST, PIN_HASH_COST } from '../auth/secret-hash';
import type { Database } from '../database/database';
import type { UsersTable } from '../database/database-schema';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { ApiError, notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { principalOf, scopeOf } from '../http/authorization';

const idParams = z.strictObject({ id: z.uuid() });

function toUser(row: Selectable<UsersTable>, storeIds: string[], now: Date) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    storeIds,
    maxDiscountBasisPoints: row.max_discount_basis_points,
    active: row.active,
    locked:
      (row.locked_until !== null && new Date(row.locked_until) > now) ||
      (row.pin_locked_until !== null && new Date(row.pin_locked_until) > now),
    hasPin: row.pin_hash !== null,
    version: row.version,
  };
}

async function storeAssignments(work: TenantWork, userIds: string[]): Promise<Map<string, string[]>> {
  const assignments = new Map<string, string[]>();
  if (userIds.length === 0) return assignments;
  const rows = await work.transaction
    .selectFrom('user_stores')
    .select(['user_id', 'store_id'])
    .where('user_id', 'in', userIds)
    .orderBy('store_id')
    .execute();
  for (const row of rows)
    assignments.set(row.user_id, [...(assignments.get(row.user_id) ?? []), row.store_id]);
  return assignments;
}

async function assignStores(work: TenantWork, userId: string, storeIds: readonly string[]): Promise<void> {
  await work.transaction.deleteFrom('user_stores').where('user_id', '=', userId).execute();
  const unique = [...new Set(storeIds)];
  if (unique.length === 0) return;
  await work.transaction
    .insertInto('user_stores')
    .values(unique.map((storeId) => ({ tenant_id: work.scope.tenantId, user_id: userId, store_id: storeId })))
    .execute();
}

export function registerUserRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/users',
    {
      config: { permission: 'users.read' },
      schema: { tags: ['users'], response: { 200: z.array(userSchema) } },
    },
    async (request) => {
      const principal = principalOf(request);
      return withTenant(database.app, scopeOf(request), async (work) => {
        const rows = await work.transaction.selectFrom('users').selectAll().orderBy('email').execute();
        const assignments = await storeAssignments(
          work,
          rows.map((row) => row.id),
        );
        const now = new Date();
        return rows
          .map((row) => toUser(row, assignments.get(row.id) ?? [], now))
          .filter(
            (user) =>
              roleSpansAllStores(principal.role) ||
              user.storeIds.some((storeId) => principal.storeIds.includes(storeId)),
          );
      });
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { permission: 'users.write' },
      schema: { tags: ['users'], body: createUserSchema, response: { 201: userSchema } },
    },
    async (request, reply) => {
      const body = request.body;
      const passwordHash =
        body.password === undefined ? null : await hashSecret(body.password, PASSWORD_HASH_COST);
      const pinHash = body.pin === undefined ? null : await hashSecret(body.pin, PIN_HASH_COST);
      const user = await withTenant(database.app, scopeOf(request), async (work) => {
        const id = uuidv7();
        const row = await work.transaction
          .insertInto('users')
          .values({
            tenant_id: work.scope.tenantId,
            id,
            email: body.email.toLowerCase(),
            name: body.name,
            role: body.role,
            password_hash: passwordHash,
            pin_hash: pinHash,
            max_discount_basis_points:
              body.maxDiscountBasisPoints ?? DEFAULT_MAX_DISCOUNT_BASIS_POINTS[body.role],
            locked_until: null,
            pin_locked_until: null,
            version: await work.changeVersion(),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await assignStores(work, id, body.storeIds);
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'user.created',
          entity: 'user',
          entityId: id,
          details: { email: row.email, role: row.role, storeIds: body.storeIds },
        });
        return toUser(row, [...new Set(body.storeIds)].sort(), new Date());
      });
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'users.write' },
      schema: { tags: ['users'], params: idParams, body: updateUserSchema, response: { 200: userSchema } },
    },
    async (request) => {
      const body = request.body;
      const passwordHash =
        body.password === undefined ? undefined : await hashSecret(body.password, PASSWORD_HASH_COST);
      const pinHash = body.pin === undefined ? undefined : await hashSecret(body.pin, PIN_HASH_COST);
      return withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .updateTable('users')
          .set({
            version: await work.changeVersion(),
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.role === undefined ? {} : { role: body.role }),
            ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
            ...(pinHash === undefined
              ? {}
              : { pin_hash: pinHash, failed_pin_count: 0, pin_locked_until: null }),
            ...(body.maxDiscountBasisPoints === undefined
              ? {}
              : { max_discount_basis_points: body.maxDiscountBasisPoints }),
            ...(body.active === undefined ? {} : { active: body.active }),
          })
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound({ userId: request.params.id });
        if (body.storeIds !== undefined) await assignStores(work, row.id, body.storeIds);
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'user.updated',
          entity: 'user',
          entityId: row.id,
          details: {
            fields: Object.keys(body).filter((key) => key !== 'password' && key !== 'pin'),
            passwordChanged: body.password !== undefined,
            pinChanged: body.pin !== undefined,
          },
        });
        const assignments = await storeAssignments(work, [row.id]);
        return toUser(row, assignments.get(row.id) ?? [], new Date());
      });
    },
  );

  app.post(
    '/api/v1/users/:id/unlock',
    {
      config: { permission: 'users.write' },
      schema: { tags: ['users'], params: idParams, response: { 200: userSchema } },
    },
    async (request) => {
      return withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .updateTable('users')
          .set({ failed_login_count: 0, locked_until: null, failed_pin_count: 0, pin_locked_until: null })
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound({ userId: request.params.id });
        if (row.id === work.scope.userId)
          throw new ApiError('FORBIDDEN', 403, { reason: 'cannot unlock yourself' });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'user.unlocked',
          entity: 'user',
          entityId: row.id,
        });
        const assignments = await storeAssignments(work, [row.id]);
        return toUser(row, assignments.get(row.id) ?? [], new Date());
      });
    },
  );
}
