import { decimalQuantitySchema } from '@mostrador/core';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';

const safetyBufferSchema = z.object({ storeId: z.uuid(), variantId: z.uuid(), quantity: z.string() });
const setSafetyBufferSchema = z.strictObject({
  variantId: z.uuid(),
  quantity: decimalQuantitySchema.refine((value) => !value.startsWith('-'), 'must not be negative'),
});

/**
 * The per-SKU safety buffer of a store: how many units a terminal keeps back when it sells offline,
 * so that two tills selling from the same last-known stock rarely oversell (the offline stock guard).
 */
export function registerSafetyBufferRoutes(app: AppInstance, database: Database): void {
  app.put(
    '/api/v1/stores/:id/safety-buffers',
    {
      config: { permission: 'stock.adjust' },
      schema: {
        tags: ['stock'],
        params: z.strictObject({ id: z.uuid() }),
        body: setSafetyBufferSchema,
        response: { 200: safetyBufferSchema },
      },
    },
    async (request) => {
      assertStoreAccess(principalOf(request), request.params.id);
      return withTenant(database.app, scopeOf(request), async (work) => {
        const variant = await work.transaction
          .selectFrom('variants')
          .select('id')
          .where('id', '=', request.body.variantId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        const store = await work.transaction
          .selectFrom('stores')
          .select('id')
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (variant === undefined || store === undefined) {
          throw new ApiError('REFERENCE_NOT_FOUND', 422, {
            storeId: request.params.id,
            variantId: request.body.variantId,
          });
        }
        const version = await work.changeVersion();
        const row = await work.transaction
          .insertInto('safety_buffers')
          .values({
            tenant_id: work.scope.tenantId,
            store_id: store.id,
            variant_id: variant.id,
            quantity: request.body.quantity,
            version,
            deleted_at: null,
          })
          .onConflict((conflict) =>
            conflict
              .columns(['tenant_id', 'store_id', 'variant_id'])
              .doUpdateSet({ quantity: request.body.quantity, version, deleted_at: null }),
          )
          .returning(['store_id', 'variant_id', 'quantity'])
          .executeTakeFirstOrThrow();
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'stock.safety_buffer_set',
          entity: 'variant',
          entityId: variant.id,
          details: { storeId: store.id, quantity: request.body.quantity },
        });
        return { storeId: row.store_id, variantId: row.variant_id, quantity: row.quantity };
      });
    },
  );
}
