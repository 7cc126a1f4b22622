import { randomBytes } from 'node:crypto';
import {
  activateTerminalRequestSchema,
  activateTerminalResponseSchema,
  formatDeviceCredential,
  roleSpansAllStores,
  terminalStatusSchema,
} from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { createTerminalFolioSeries } from '../folios/folio-series';
import { notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';
import { hashDeviceSecret } from './device-authentication';

const idParams = z.strictObject({ id: z.uuid() });
const terminalSchema = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  number: z.number().int(),
  status: terminalStatusSchema,
  plannedOffline: z.boolean(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});
const updateTerminalSchema = z.strictObject({ plannedOffline: z.boolean() });

export function registerTerminalRoutes(app: AppInstance, database: Database, clock: () => Date): void {
  app.post(
    '/api/v1/terminals/activate',
    {
      config: { permission: 'terminals.manage' },
      schema: {
        tags: ['terminals'],
        body: activateTerminalRequestSchema,
        response: { 201: activateTerminalResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      assertStoreAccess(principal, request.body.storeId);
      const secret = randomBytes(32).toString('base64url');
      const activated = await withTenant(database.app, scopeOf(request), async (work) => {
        const store = await work.transaction
          .selectFrom('stores')
          .select(['id', 'code', 'folio_scope'])
          .where('id', '=', request.body.storeId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (store === undefined) throw notFound({ storeId: request.body.storeId });
        const version = await work.changeVersion();
        const last = await work.transaction
          .selectFrom('terminals')
          .select((eb) => eb.fn.max('number').as('number'))
          .where('store_id', '=', store.id)
          .executeTakeFirst();
        const number = (last?.number ?? 0) + 1;
        const terminalId = uuidv7();
        await work.transaction
          .insertInto('terminals')
          .values({
            tenant_id: work.scope.tenantId,
            id: terminalId,
            store_id: store.id,
            name: request.body.name,
            number,
            public_key: request.body.publicKeyHex,
            device_secret_hash: hashDeviceSecret(secret),
            status: 'active',
            activated_by: principal.userId,
            revoked_at: null,
            revoked_by: null,
            last_seen_at: null,
            version,
          })
          .execute();
        if (store.folio_scope === 'per_terminal') {
          await createTerminalFolioSeries(
            work.transaction,
            work.scope.tenantId,
            { id: terminalId, storeId: store.id, storeCode: store.code, number },
            version,
          );
        }
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: principal.userId,
          action: 'terminal.activated',
          entity: 'terminal',
          entityId: terminalId,
          details: {
            storeId: store.id,
            name: request.body.name,
            number,
            publicKeyHex: request.body.publicKeyHex,
          },
        });
        return { terminalId, storeId: store.id };
      });
      return reply.status(201).send({
        terminalId: activated.terminalId,
        tenantId: principal.tenantId,
        storeId: activated.storeId,
        deviceCredential: formatDeviceCredential({
          tenantId: principal.tenantId,
          terminalId: activated.terminalId,
          secret,
        }),
        serverTime: clock().toISOString(),
      });
    },
  );

  app.get(
    '/api/v1/terminals',
    {
      config: { permission: 'terminals.manage' },
      schema: { tags: ['terminals'], response: { 200: z.array(terminalSchema) } },
    },
    async (request) => {
      const principal = principalOf(request);
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        let query = transaction.selectFrom('terminals').selectAll().orderBy('store_id').orderBy('number');
        if (!roleSpansAllStores(principal.role)) {
          if (principal.storeIds.length === 0) return [];
          query = query.where('store_id', 'in', principal.storeIds);
        }
        return (await query.execute()).map((row) => ({
          id: row.id,
          storeId: row.store_id,
          name: row.name,
          number: row.number,
          status: row.status,
          plannedOffline: row.planned_offline,
          createdAt: new Date(row.created_at).toISOString(),
          revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
          lastSeenAt: row.last_seen_at === null ? null : new Date(row.last_seen_at).toISOString(),
        }));
      });
    },
  );

  app.post(
    '/api/v1/terminals/:id/revoke',
    {
      config: { permission: 'terminals.manage' },
      schema: { tags: ['terminals'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await withTenant(database.app, scopeOf(request), async (work) => {
        const terminal = await work.transaction
          .selectFrom('terminals')
          .select(['id', 'store_id'])
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (terminal === undefined) throw notFound({ terminalId: request.params.id });
        assertStoreAccess(principal, terminal.store_id);
        await work.transaction
          .updateTable('terminals')
          .set({
            status: 'revoked',
            revoked_at: clock(),
            revoked_by: principal.userId,
            version: await work.changeVersion(),
          })
          .where('id', '=', terminal.id)
          .execute();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: principal.userId,
          action: 'terminal.revoked',
          entity: 'terminal',
          entityId: terminal.id,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/terminals/:id',
    {
      config: { permission: 'terminals.manage' },
      schema: {
        tags: ['terminals'],
        params: idParams,
        body: updateTerminalSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await withTenant(database.app, scopeOf(request), async (work) => {
        const terminal = await work.transaction
          .selectFrom('terminals')
          .select(['id', 'store_id'])
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (terminal === undefined) throw notFound({ terminalId: request.params.id });
        assertStoreAccess(principal, terminal.store_id);
        // A manager plans offline mode (e.g. a fair with no signal): the terminal learns it on its next pull.
        await work.transaction
          .updateTable('terminals')
          .set({ planned_offline: request.body.plannedOffline, version: await work.changeVersion() })
          .where('id', '=', terminal.id)
          .execute();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: principal.userId,
          action: 'terminal.planned_offline_set',
          entity: 'terminal',
          entityId: terminal.id,
          details: request.body,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
