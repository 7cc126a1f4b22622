import { categorySchema, createCategorySchema, updateCategorySchema } from '@mostrador/core';
import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import type { CategoriesTable } from '../database/database-schema';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { ApiError, notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { scopeOf } from '../http/authorization';

const idParams = z.strictObject({ id: z.uuid() });
/** Category trees are shallow in practice; the bound stops a corrupted parent chain from looping. */
const CATEGORY_DEPTH_MAX = 32;

function toCategory(row: Selectable<CategoriesTable>) {
  return { id: row.id, parentId: row.parent_id, name: row.name, version: row.version };
}

async function assertNoCycle(work: TenantWork, categoryId: string, parentId: string | null): Promise<void> {
  let current = parentId;
  for (let depth = 0; current !== null; depth += 1) {
    if (current === categoryId || depth >= CATEGORY_DEPTH_MAX) throw new ApiError('CATEGORY_CYCLE', 422);
    const parent = await work.transaction
      .selectFrom('categories')
      .select('parent_id')
      .where('id', '=', current)
      .executeTakeFirst();
    if (parent === undefined) throw new ApiError('REFERENCE_NOT_FOUND', 422, { parentId });
    current = parent.parent_id;
  }
}

export function registerCategoryRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/categories',
    {
      config: { permission: 'catalog.read' },
      schema: { tags: ['catalog'], response: { 200: z.array(categorySchema) } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async ({ transaction }) =>
        (
          await transaction
            .selectFrom('categories')
            .selectAll()
            .where('deleted_at', 'is', null)
            .orderBy('name')
            .execute()
        ).map(toCategory),
      ),
  );

  app.post(
    '/api/v1/categories',
    {
      config: { permission: 'catalog.write' },
      schema: { tags: ['catalog'], body: createCategorySchema, response: { 201: categorySchema } },
    },
    async (request, reply) => {
      const category = await withTenant(database.app, scopeOf(request), async (work) => {
        const id = uuidv7();
        await assertNoCycle(work, id, request.body.parentId);
        const row = await work.transaction
          .insertInto('categories')
          .values({
            tenant_id: work.scope.tenantId,
            id,
            parent_id: request.body.parentId,
            name: request.body.name,
            version: await work.changeVersion(),
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'category.created',
          entity: 'category',
          entityId: id,
          details: request.body,
        });
        return toCategory(row);
      });
      return reply.status(201).send(category);
    },
  );

  app.patch(
    '/api/v1/categories/:id',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: updateCategorySchema,
        response: { 200: categorySchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const { parentId, name } = request.body;
        if (parentId !== undefined) await assertNoCycle(work, request.params.id, parentId);
        const row = await work.transaction
          .updateTable('categories')
          .set({
            version: await work.changeVersion(),
            ...(name === undefined ? {} : { name }),
            ...(parentId === undefined ? {} : { parent_id: parentId }),
          })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound({ categoryId: request.params.id });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'category.updated',
          entity: 'category',
          entityId: row.id,
          details: request.body,
        });
        return toCategory(row);
      }),
  );

  app.delete(
    '/api/v1/categories/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags: ['catalog'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        // Deletion is a tombstone with a new version, so terminals learn of it through the change feed.
        const row = await work.transaction
          .updateTable('categories')
          .set({ deleted_at: new Date(), version: await work.changeVersion() })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) throw notFound({ categoryId: request.params.id });
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'category.deleted',
          entity: 'category',
          entityId: row.id,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
