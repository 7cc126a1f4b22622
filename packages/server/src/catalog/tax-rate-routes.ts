import { createTaxRateSchema, taxRateSchema, updateTaxRateSchema } from '@mostrador/core';
import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import type { TaxRatesTable } from '../database/database-schema';
import { withTenant } from '../database/tenant-transaction';
import { notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { scopeOf } from '../http/authorization';

const idParams = z.strictObject({ id: z.uuid() });

function toTaxRate(row: Selectable<TaxRatesTable>) {
  return {
    id: row.id,
    storeId: row.store_id,
    taxClass: row.tax_class,
    name: row.name,
    rateBasisPoints: row.rate_basis_points,
    version: row.version,
  };
}

export function registerTaxRateRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/tax-rates',
    {
      config: { permission: 'catalog.read' },
      schema: { tags: ['catalog'], response: { 200: z.array(taxRateSchema) } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async ({ transaction }) =>
        (
          await transaction
            .selectFrom('tax_rates')
            .selectAll()
            .where('deleted_at', 'is', null)
            .orderBy('tax_class')
            .orderBy('store_id')
            .execute()
        ).map(toTaxRate),
      ),
  );

  app.post(
    '/api/v1/tax-rates',
    {
      config: { permission: 'tax.write' },
      schema: { tags: ['catalog'], body: createTaxRateSchema, response: { 201: taxRateSchema } },
    },
    async (request, reply) => {
      const taxRate = await withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .insertInto('tax_rates')
          .values({
            tenant_id: work.scope.tenantId,
            id: uuidv7(),
            store_id: request.body.storeId,
            tax_class: request.body.taxClass,
            name: request.body.name,
            rate_basis_points: request.body.rateBasisPoints,
            version: await work.changeVersion(),
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'tax_rate.created',
          entity: 'tax_rate',
          entityId: row.id,
          details: request.body,
        });
        return toTaxRate(row);
      });
      return reply.status(201).send(taxRate);
    },
  );

  app.patch(
    '/api/v1/tax-rates/:id',
    {
      config: { permission: 'tax.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: updateTaxRateSchema,
        response: { 200: taxRateSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const { name, rateBasisPoints } = request.body;
        const row = await work.transaction
          .updateTable('tax_rates')
          .set({
            version: await work.changeVersion(),
            ...(name === undefined ? {} : { name }),
            ...(rateBasisPoints === undefined ? {} : { rate_basis_points: rateBasisPoints }),
          })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound({ taxRateId: request.params.id });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'tax_rate.updated',
          entity: 'tax_rate',
          entityId: row.id,
          details: request.body,
        });
        return toTaxRate(row);
      }),
  );

  app.delete(
    '/api/v1/tax-rates/:id',
    {
      config: { permission: 'tax.write' },
      schema: { tags: ['catalog'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .updateTable('tax_rates')
          .set({ deleted_at: new Date(), version: await work.changeVersion() })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) throw notFound({ taxRateId: request.params.id });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'tax_rate.deleted',
          entity: 'tax_rate',
          entityId: row.id,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
