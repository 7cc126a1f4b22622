import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { StockMovementReason } from '../database/database-schema';
import type { TenantWork } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';

export interface StockMovementInput {
  readonly warehouseId: string;
  readonly variantId: string;
  /** Exact decimal string, positive or negative, never zero. */
  readonly qtyDelta: string;
  readonly reason: StockMovementReason;
  readonly reference: string;
  /** Whether the movement may leave on-hand below zero (a sale already made may; an adjustment may not). */
  readonly allowNegative: boolean;
}

export interface StockLevelAfter {
  readonly warehouseId: string;
  readonly variantId: string;
  readonly qtyOnHand: string;
  readonly qtyReserved: string;
  readonly qtyAvailable: string;
  readonly version: number;
}

/**
 * The one way stock changes: a movement row and the level it moves, in the caller's
 * transaction, so on-hand always equals the sum of the movements (invariant 3).
 */
export async function applyStockMovement(
  work: TenantWork,
  movement: StockMovementInput,
): Promise<StockLevelAfter> {
  const { transaction, scope } = work;
  const version = await work.changeVersion();
  await transaction
    .insertInto('stock_levels')
    .values({
      tenant_id: scope.tenantId,
      warehouse_id: movement.warehouseId,
      variant_id: movement.variantId,
      version,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'warehouse_id', 'variant_id']).doNothing())
    .execute();
  const level = await transaction
    .updateTable('stock_levels')
    .set({ qty_on_hand: sql`qty_on_hand + ${movement.qtyDelta}::numeric`, version })
    .where('warehouse_id', '=', movement.warehouseId)
    .where('variant_id', '=', movement.variantId)
    .returning([
      'qty_on_hand',
      'qty_reserved',
      'qty_available',
      'version',
      sql<boolean>`qty_on_hand < 0`.as('negative'),
    ])
    .executeTakeFirstOrThrow();
  if (level.negative && !movement.allowNegative) {
    throw new ApiError('STOCK_WOULD_GO_NEGATIVE', 422, {
      warehouseId: movement.warehouseId,
      variantId: movement.variantId,
      qtyOnHandAfter: level.qty_on_hand,
    });
  }
  await transaction
    .insertInto('stock_movements')
    .values({
      tenant_id: scope.tenantId,
      id: uuidv7(),
      warehouse_id: movement.warehouseId,
      variant_id: movement.variantId,
      qty_delta: movement.qtyDelta,
      reason: movement.reason,
      reference: movement.reference,
      user_id: scope.userId,
    })
    .execute();
  return {
    warehouseId: movement.warehouseId,
    variantId: movement.variantId,
    qtyOnHand: level.qty_on_hand,
    qtyReserved: level.qty_reserved,
    qtyAvailable: level.qty_available,
    version: level.version,
  };
}

/** The difference between a counted quantity and what the books say, computed exactly by PostgreSQL. */
export async function countedDelta(
  work: TenantWork,
  warehouseId: string,
  variantId: string,
  countedQuantity: string,
): Promise<string> {
  const result = await sql<{ delta: string }>`
    SELECT (${countedQuantity}::numeric(14, 3) - coalesce((
      SELECT qty_on_hand FROM stock_levels WHERE warehouse_id = ${warehouseId} AND variant_id = ${variantId} FOR UPDATE
    ), 0))::numeric(14, 3)::text AS delta
  `.execute(work.transaction);
  const delta = result.rows[0]?.delta;
  if (delta === undefined) throw new Error('counted delta query returned no row');
  return delta;
}

export function isZeroQuantity(quantity: string): boolean {
  return !/[1-9]/.test(quantity);
}
