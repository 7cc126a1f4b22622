import type { Principal } from '@mostrador/core';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { TenantWork } from '../database/tenant-transaction';
import { ApiError, notFound } from '../http/api-error';
import { assertStoreAccess } from '../http/authorization';
import { applyStockMovement, type StockLevelAfter } from '../stock/stock-movements';

export const CONFLICT_ACTIONS = ['accept', 'adjust_stock', 'write_off', 'note'] as const;
export const CONFLICT_NOTE_LENGTH_MAX = 2000;
export const CONFLICT_ADJUSTMENTS_MAX = 50;

const quantityDeltaSchema = z
  .string()
  .regex(/^-?(0|[1-9]\d{0,10})(\.\d{1,3})?$/, 'expected a decimal with up to 3 decimals')
  .refine((quantity) => /[1-9]/.test(quantity), 'expected a quantity other than zero');

/**
 * How a manager settles a conflict:
 * - accept: the fact stands as applied; nothing else changes.
 * - adjust_stock: stock movements (reason `adjustment`) fix the levels, e.g. the unit an oversell
 *   proved was on the shelf. An adjustment may raise a level that is below zero, never lower one
 *   below zero.
 * - write_off: the loss is accepted and recorded (for a stale price, the difference in money).
 * - note: a note is added and the conflict stays open.
 * Every action is in the audit log with who and when.
 */
export const resolveConflictSchema = z
  .strictObject({
    action: z.enum(CONFLICT_ACTIONS),
    note: z.string().trim().min(1).max(CONFLICT_NOTE_LENGTH_MAX),
    adjustments: z
      .array(
        z.strictObject({ warehouseId: z.uuid(), variantId: z.uuid(), quantityDelta: quantityDeltaSchema }),
      )
      .min(1)
      .max(CONFLICT_ADJUSTMENTS_MAX)
      .optional(),
  })
  .refine((body) => (body.action === 'adjust_stock') === (body.adjustments !== undefined), {
    message: 'adjustments are given with adjust_stock, and only with it',
    path: ['adjustments'],
  });
export type ResolveConflictRequest = z.infer<typeof resolveConflictSchema>;

export async function resolveConflict(
  work: TenantWork,
  principal: Principal,
  conflictId: string,
  request: ResolveConflictRequest,
  now: Date,
): Promise<void> {
  const { transaction, scope } = work;
  const conflict = await transaction
    .selectFrom('conflicts')
    .select(['id', 'kind', 'status', 'store_id', 'details'])
    .where('id', '=', conflictId)
    .forUpdate()
    .executeTakeFirst();
  if (conflict === undefined) throw notFound({ conflictId });
  assertStoreAccess(principal, conflict.store_id);
  if (conflict.status === 'resolved') throw new ApiError('CONFLICT_ALREADY_RESOLVED', 409, { conflictId });

  if (request.action === 'note') {
    const note = { note: request.note, byUserId: principal.userId, at: now.toISOString() };
    await transaction
      .updateTable('conflicts')
      .set({ notes: sql`notes || ${JSON.stringify([note])}::jsonb` })
      .where('id', '=', conflictId)
      .execute();
    await appendAudit(transaction, scope.tenantId, {
      actorUserId: principal.userId,
      action: 'conflict.noted',
      entity: 'conflict',
      entityId: conflictId,
      details: { kind: conflict.kind, note: request.note },
    });
    return;
  }

  const resolution: Record<string, unknown> = { action: request.action, note: request.note };
  if (request.action === 'adjust_stock') {
    resolution.levels = await adjustStock(work, principal, conflictId, request.adjustments ?? []);
    resolution.adjustments = request.adjustments;
  }
  if (request.action === 'write_off') {
    resolution.writtenOffMinor = writtenOffMinor(conflict.details);
  }
  await transaction
    .updateTable('conflicts')
    .set({
      status: 'resolved',
      resolution: JSON.stringify(resolution),
      resolved_by: principal.userId,
      resolved_at: now,
    })
    .where('id', '=', conflictId)
    .execute();
  await appendAudit(transaction, scope.tenantId, {
    actorUserId: principal.userId,
    action: 'conflict.resolved',
    entity: 'conflict',
    entityId: conflictId,
    details: { kind: conflict.kind, ...resolution, resolvedAt: now.toISOString() },
  });
}

async function adjustStock(
  work: TenantWork,
  principal: Principal,
  conflictId: string,
  adjustments: NonNullable<ResolveConflictRequest['adjustments']>,
): Promise<StockLevelAfter[]> {
  const warehouseIds = [...new Set(adjustments.map((adjustment) => adjustment.warehouseId))];
  const warehouses = await work.transaction
    .selectFrom('warehouses')
    .select(['id', 'store_id'])
    .where('id', 'in', warehouseIds)
    .execute();
  const storeOf = new Map(warehouses.map((warehouse) => [warehouse.id, warehouse.store_id]));
  const levels: StockLevelAfter[] = [];
  for (const adjustment of adjustments) {
    const storeId = storeOf.get(adjustment.warehouseId);
    if (storeId === undefined)
      throw new ApiError('REFERENCE_NOT_FOUND', 422, { warehouseId: adjustment.warehouseId });
    assertStoreAccess(principal, storeId);
    levels.push(
      await applyStockMovement(
        { ...work, scope: { tenantId: work.scope.tenantId, userId: principal.userId } },
        {
          warehouseId: adjustment.warehouseId,
          variantId: adjustment.variantId,
          qtyDelta: adjustment.quantityDelta,
          reason: 'adjustment',
          reference: `conflict:${conflictId}`,
          allowNegative: !adjustment.quantityDelta.startsWith('-'),
        },
      ),
    );
  }
  return levels;
}

/** For a stale price, the money difference the store absorbs; other kinds carry no amount. */
function writtenOffMinor(details: Record<string, unknown>): number | null {
  const difference = details.differenceMinor;
  return typeof difference === 'number' ? difference : null;
}
