import type { Principal } from '@mostrador/core';
import {
  pageOf,
  stockAdjustmentSchema,
  stockLevelSchema,
  stockMovementSchema,
  stockReceiptSchema,
} from '@mostrador/core';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { ApiError, notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';
import { applyStockMovement, countedDelta, isZeroQuantity, type StockLevelAfter } from './stock-movements';

const idParams = z.strictObject({ id: z.uuid() });
const stockPageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.uuid().optional(),
});
const movementQuerySchema = z.strictObject({
  warehouseId: z.uuid(),
  variantId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.uuid().optional(),
});
const stockResultSchema = z.object({
  levels: z.array(stockLevelSchema.omit({ sku: true })),
});

async function warehouseInScope(
  work: TenantWork,
  principal: Principal,
  warehouseId: string,
): Promise<string> {
  const warehouse = await work.transaction
    .selectFrom('warehouses')
    .select(['id', 'store_id'])
    .where('id', '=', warehouseId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (warehouse === undefined) throw notFound({ warehouseId });
  assertStoreAccess(principal, warehouse.store_id);
  return warehouse.id;
}

async function assertVariantsExist(work: TenantWork, variantIds: readonly string[]): Promise<void> {
  const unique = [...new Set(variantIds)];
  const found = await work.transaction
    .selectFrom('variants')
    .select('id')
    .where('id', 'in', unique)
    .where('deleted_at', 'is', null)
    .execute();
  if (found.length !== unique.length) {
    const known = new Set(found.map((row) => row.id));
    throw new ApiError('REFERENCE_NOT_FOUND', 422, { variantIds: unique.filter((id) => !known.has(id)) });
  }
}

export function registerStockRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/warehouses/:id/stock',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags: ['stock'],
        params: idParams,
        querystring: stockPageQuerySchema,
        response: { 200: pageOf(stockLevelSchema) },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const warehouseId = await warehouseInScope(work, principalOf(request), request.params.id);
        const { limit, cursor } = request.query;
        let query = work.transaction
          .selectFrom('stock_levels')
          .innerJoin('variants', 'variants.id', 'stock_levels.variant_id')
          .select([
            'stock_levels.warehouse_id',
            'stock_levels.variant_id',
            'variants.sku',
            'stock_levels.qty_on_hand',
            'stock_levels.qty_reserved',
            'stock_levels.qty_available',
            'stock_levels.version',
          ])
          .where('stock_levels.warehouse_id', '=', warehouseId)
          .orderBy('stock_levels.variant_id')
          .limit(limit + 1);
        if (cursor !== undefined) query = query.where('stock_levels.variant_id', '>', cursor);
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => ({
            warehouseId: row.warehouse_id,
            variantId: row.variant_id,
            sku: row.sku,
            qtyOnHand: row.qty_on_hand,
            qtyReserved: row.qty_reserved,
            qtyAvailable: row.qty_available,
            version: row.version,
          })),
          nextCursor: rows.length > limit ? (page.at(-1)?.variant_id ?? null) : null,
        };
      }),
  );

  app.get(
    '/api/v1/variants/:id/stock',
    {
      config: { permission: 'stock.read' },
      schema: { tags: ['stock'], params: idParams, response: { 200: z.array(stockLevelSchema) } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const principal = principalOf(request);
        const rows = await work.transaction
          .selectFrom('stock_levels')
          .innerJoin('variants', 'variants.id', 'stock_levels.variant_id')
          .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
          .select([
            'stock_levels.warehouse_id',
            'stock_levels.variant_id',
            'warehouses.store_id',
            'variants.sku',
            'stock_levels.qty_on_hand',
            'stock_levels.qty_reserved',
            'stock_levels.qty_available',
            'stock_levels.version',
          ])
          .where('stock_levels.variant_id', '=', request.params.id)
          .orderBy('warehouses.code')
          .execute();
        return rows
          .filter((row) => principal.role === 'ADMIN' || principal.storeIds.includes(row.store_id))
          .map((row) => ({
            warehouseId: row.warehouse_id,
            variantId: row.variant_id,
            sku: row.sku,
            qtyOnHand: row.qty_on_hand,
            qtyReserved: row.qty_reserved,
            qtyAvailable: row.qty_available,
            version: row.version,
          }));
      }),
  );

  app.post(
    '/api/v1/stock/receipts',
    {
      config: { permission: 'stock.receive' },
      schema: { tags: ['stock'], body: stockReceiptSchema, response: { 201: stockResultSchema } },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await withTenant(database.app, scopeOf(request), async (work) => {
        const warehouseId = await warehouseInScope(work, principalOf(request), body.warehouseId);
        await assertVariantsExist(
          work,
          body.lines.map((line) => line.variantId),
        );
        const levels: StockLevelAfter[] = [];
        for (const line of body.lines) {
          levels.push(
            await applyStockMovement(work, {
              warehouseId,
              variantId: line.variantId,
              qtyDelta: line.quantity,
              reason: 'receipt',
              reference: body.reference,
              // A receipt only raises the level: goods arriving at an oversold shelf are taken in
              // even when the level stays below zero (the oversell itself is a conflict).
              allowNegative: true,
            }),
          );
        }
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'stock.received',
          entity: 'warehouse',
          entityId: warehouseId,
          details: { reference: body.reference, lines: body.lines },
        });
        return { levels };
      });
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/v1/stock/adjustments',
    {
      config: { permission: 'stock.adjust' },
      schema: { tags: ['stock'], body: stockAdjustmentSchema, response: { 201: stockResultSchema } },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await withTenant(database.app, scopeOf(request), async (work) => {
        const warehouseId = await warehouseInScope(work, principalOf(request), body.warehouseId);
        await assertVariantsExist(
          work,
          body.lines.map((line) => line.variantId),
        );
        // A count locks the levels it reads; like every writer of levels (pushes, receipts), it
        // takes the tenant's change version first, or it and a push holding the version and
        // waiting on the counted level would wait on each other.
        if (body.lines.some((line) => 'countedQuantity' in line)) await work.changeVersion();
        const levels: StockLevelAfter[] = [];
        const applied: { variantId: string; qtyDelta: string }[] = [];
        for (const line of body.lines) {
          const qtyDelta =
            'countedQuantity' in line
              ? await countedDelta(work, warehouseId, line.variantId, line.countedQuantity)
              : line.quantityDelta;
          if (isZeroQuantity(qtyDelta)) continue;
          applied.push({ variantId: line.variantId, qtyDelta });
          levels.push(
            await applyStockMovement(work, {
              warehouseId,
              variantId: line.variantId,
              qtyDelta,
              reason: 'adjustment',
              reference: body.reason,
              // As in conflict resolution: an adjustment may raise a negative level, never lower one below zero.
              allowNegative: !qtyDelta.startsWith('-'),
            }),
          );
        }
        await appendAudit(work.transaction, work.scope.tenantId, {
          actorUserId: work.scope.userId,
          action: 'stock.adjusted',
          entity: 'warehouse',
          entityId: warehouseId,
          details: { reason: body.reason, applied },
        });
        return { levels };
      });
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/v1/stock/movements',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags: ['stock'],
        querystring: movementQuerySchema,
        response: { 200: pageOf(stockMovementSchema) },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const { warehouseId, variantId, limit, cursor } = request.query;
        await warehouseInScope(work, principalOf(request), warehouseId);
        let query = work.transaction
          .selectFrom('stock_movements')
          .selectAll()
          .where('warehouse_id', '=', warehouseId)
          .orderBy('id')
          .limit(limit + 1);
        if (variantId !== undefined) query = query.where('variant_id', '=', variantId);
        if (cursor !== undefined) query = query.where('id', '>', cursor);
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => ({
            id: row.id,
            warehouseId: row.warehouse_id,
            variantId: row.variant_id,
            qtyDelta: row.qty_delta,
            reason: row.reason,
            reference: row.reference,
            userId: row.user_id,
            createdAt: new Date(row.created_at).toISOString(),
          })),
          nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
        };
      }),
  );
}
