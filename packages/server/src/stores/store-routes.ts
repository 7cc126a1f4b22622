import {
  createStoreSchema,
  createWarehouseSchema,
  roleSpansAllStores,
  storeSchema,
  updateStoreSchema,
  warehouseSchema,
} from '@mostrador/core';
import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import type { StoresTable, WarehousesTable } from '../database/database-schema';
import { withTenant } from '../database/tenant-transaction';
import { createStoreFolioSeries } from '../folios/folio-series';
import { notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';

const idParams = z.strictObject({ id: z.uuid() });

export function toStore(row: Selectable<StoresTable>) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    currency: row.currency,
    locale: row.locale,
    timezone: row.timezone,
    country: row.country,
    cashRoundingMinor: row.cash_rounding_minor,
    version: row.version,
  };
}

export function toWarehouse(row: Selectable<WarehousesTable>) {
  return {
    id: row.id,
    storeId: row.store_id,
    code: row.code,
    name: row.name,
    isDefault: row.is_default,
    version: row.version,
  };
}

export function registerStoreRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/stores',
    {
      config: { permission: 'stores.read' },
      schema: { tags: ['stores'], response: { 200: z.array(storeSchema) } },
    },
    async (request) => {
      const principal = principalOf(request);
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        let query = transaction
          .selectFrom('stores')
          .selectAll()
          .where('deleted_at', 'is', null)
          .orderBy('code');
        if (!roleSpansAllStores(principal.role)) {
          if (principal.storeIds.length === 0) return [];
          query = query.where('id', 'in', principal.storeIds);
        }
        return (await query.execute()).map(toStore);
      });
    },
  );

  app.post(
    '/api/v1/stores',
    {
      config: { permission: 'stores.write' },
      schema: { tags: ['stores'], body: createStoreSchema, response: { 201: storeSchema } },
    },
    async (request, reply) => {
      const body = request.body;
      const store = await withTenant(database.app, scopeOf(request), async (work) => {
        const version = await work.changeVersion();
        const id = uuidv7();
        const row = await work.transaction
          .insertInto('stores')
          .values({
            tenant_id: work.scope.tenantId,
            id,
            code: body.code,
            name: body.name,
            currency: body.currency,
            locale: body.locale,
            timezone: body.timezone,
            country: body.country,
            cash_rounding_minor: body.cashRoundingMinor,
            version,
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        // Every store starts with a sales-floor warehouse so it can receive and sell stock at once.
        await work.transaction
          .insertInto('warehouses')
          .values({
            tenant_id: work.scope.tenantId,
            id: uuidv7(),
            store_id: id,
            code: `${body.code}-MAIN`,
            name: 'Principal',
            is_default: true,
            version,
            deleted_at: null,
          })
          .execute();
        await createStoreFolioSeries(work.transaction, work.scope.tenantId, { id, code: body.code }, version);
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'store.created',
          entity: 'store',
          entityId: id,
          details: { code: body.code },
        });
        return toStore(row);
      });
      return reply.status(201).send(store);
    },
  );

  app.get(
    '/api/v1/stores/:id',
    {
      config: { permission: 'stores.read' },
      schema: { tags: ['stores'], params: idParams, response: { 200: storeSchema } },
    },
    async (request) => {
      assertStoreAccess(principalOf(request), request.params.id);
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        const row = await transaction
          .selectFrom('stores')
          .selectAll()
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (row === undefined) throw notFound({ storeId: request.params.id });
        return toStore(row);
      });
    },
  );

  app.patch(
    '/api/v1/stores/:id',
    {
      config: { permission: 'stores.write' },
      schema: { tags: ['stores'], params: idParams, body: updateStoreSchema, response: { 200: storeSchema } },
    },
    async (request) => {
      const body = request.body;
      return withTenant(database.app, scopeOf(request), async (work) => {
        const version = await work.changeVersion();
        const row = await work.transaction
          .updateTable('stores')
          .set({
            version,
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.locale === undefined ? {} : { locale: body.locale }),
            ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
            ...(body.country === undefined ? {} : { country: body.country }),
            ...(body.cashRoundingMinor === undefined ? {} : { cash_rounding_minor: body.cashRoundingMinor }),
          })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound({ storeId: request.params.id });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'store.updated',
          entity: 'store',
          entityId: row.id,
          details: body,
        });
        return toStore(row);
      });
    },
  );

  app.get(
    '/api/v1/stores/:id/warehouses',
    {
      config: { permission: 'stores.read' },
      schema: { tags: ['stores'], params: idParams, response: { 200: z.array(warehouseSchema) } },
    },
    async (request) => {
      assertStoreAccess(principalOf(request), request.params.id);
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        const rows = await transaction
          .selectFrom('warehouses')
          .selectAll()
          .where('store_id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .orderBy('code')
          .execute();
        return rows.map(toWarehouse);
      });
    },
  );

  app.post(
    '/api/v1/stores/:id/warehouses',
    {
      config: { permission: 'stores.write' },
      schema: {
        tags: ['stores'],
        params: idParams,
        body: createWarehouseSchema,
        response: { 201: warehouseSchema },
      },
    },
    async (request, reply) => {
      const warehouse = await withTenant(database.app, scopeOf(request), async (work) => {
        const store = await work.transaction
          .selectFrom('stores')
          .select('id')
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (store === undefined) throw notFound({ storeId: request.params.id });
        const row = await work.transaction
          .insertInto('warehouses')
          .values({
            tenant_id: work.scope.tenantId,
            id: uuidv7(),
            store_id: store.id,
            code: request.body.code,
            name: request.body.name,
            is_default: request.body.isDefault,
            version: await work.changeVersion(),
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'warehouse.created',
          entity: 'warehouse',
          entityId: row.id,
          details: { storeId: store.id, code: row.code },
        });
        return toWarehouse(row);
      });
      return reply.status(201).send(warehouse);
    },
  );
}
