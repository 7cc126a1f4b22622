import { parseQuantity } from '@mostrador/core';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { insertRows } from '../database/bulk-insert';
import type { StockMovementReason } from '../database/database-schema';
import { uuidV7s } from '../database/row-ids';
import { type TenantWork, takeVersionCte } from '../database/tenant-transaction';
import { uuidArray } from '../database/uuid-array';
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

/**
 * The difference between a counted quantity and what the books say, computed exactly by PostgreSQL.
 * The level is locked as an UPDATE locks it (FOR NO KEY UPDATE), which the key-share locks of
 * in-flight pushes' movements do not block: a count waits only for writers of the level itself.
 */
export async function countedDelta(
  work: TenantWork,
  warehouseId: string,
  variantId: string,
  countedQuantity: string,
): Promise<string> {
  const result = await sql<{ delta: string }>`
    SELECT (${countedQuantity}::numeric(14, 3) - coalesce((
      SELECT qty_on_hand FROM stock_levels WHERE warehouse_id = ${warehouseId} AND variant_id = ${variantId} FOR NO KEY UPDATE
    ), 0))::numeric(14, 3)::text AS delta
  `.execute(work.transaction);
  const delta = result.rows[0]?.delta;
  if (delta === undefined) throw new Error('counted delta query returned no row');
  return delta;
}

export function isZeroQuantity(quantity: string): boolean {
  return !/[1-9]/.test(quantity);
}

/** Exact thousandths of a decimal quantity string, through core's quantity parser. */
function thousandthsOf(quantity: string): number {
  const parsed = parseQuantity(quantity);
  if (!parsed.ok) throw new Error(`${quantity} is not a decimal quantity (${parsed.code})`);
  return parsed.quantity.quantityMilli;
}

/** The text PostgreSQL gives a numeric(14, 3): always three decimals. */
function numericText(thousandths: number): string {
  const sign = thousandths < 0 ? '-' : '';
  const magnitude = Math.abs(thousandths);
  return `${sign}${Math.trunc(magnitude / 1000)}.${String(magnitude % 1000).padStart(3, '0')}`;
}

export interface BatchStockMovement {
  readonly movement: StockMovementInput;
  readonly userId: string | null;
}

/**
 * applyStockMovement for a whole batch, in steps that a push runs apart so that it can write the
 * movement rows before it takes the tenant's version lock and move the levels under it. Together
 * they keep on-hand equal to the sum of the movements. A movement row needs its level to exist
 * when it is inserted (the database checks each statement's rows: migration 0009), so a batch
 * whose levels all exist (`levelsExist`) is recorded before the locks, and any other after
 * `moveStockLevels` has created the missing levels.
 *
 * This step writes the movement rows: one statement for the batch, rows sent as one JSON value,
 * their ids made at once.
 */
export async function recordStockMovements(
  work: TenantWork,
  entries: readonly BatchStockMovement[],
): Promise<void> {
  const ids = uuidV7s(entries.length);
  const rows = entries.map(({ movement, userId }, index) => ({
    tenant_id: work.scope.tenantId,
    id: ids[index]!,
    warehouse_id: movement.warehouseId,
    variant_id: movement.variantId,
    qty_delta: movement.qtyDelta,
    reason: movement.reason,
    reference: movement.reference,
    user_id: userId,
  }));
  await insertRows(work, 'stock_movements', rows);
}

/**
 * Whether every level the moves name has a row already: one index probe a level, in one
 * statement. Levels are never deleted, so a level seen here still exists when its movements are
 * inserted.
 */
export async function levelsExist(work: TenantWork, moves: LevelMoves): Promise<boolean> {
  const levels = [...moves.totals.values()];
  if (levels.length === 0) return true;
  const result = await sql<{ missing: boolean }>`
    SELECT EXISTS (
      SELECT 1
      FROM unnest(
        ${uuidArray(levels.map((level) => level.warehouse_id))},
        ${uuidArray(levels.map((level) => level.variant_id))}
      ) AS d(warehouse_id, variant_id)
      WHERE NOT EXISTS (
        SELECT 1 FROM stock_levels l WHERE l.warehouse_id = d.warehouse_id AND l.variant_id = d.variant_id
      )
    ) AS missing
  `.execute(work.transaction);
  const missing = result.rows[0]?.missing;
  if (missing === undefined) throw new Error('the level probe returned no row');
  return !missing;
}

/**
 * A batch's movements with each level they move, totalled once: the move reads the totals and each
 * movement's delta again, so every delta is parsed once a batch (a push of 200 sales makes about a
 * thousand movements).
 */
export interface LevelMoves {
  readonly entries: readonly BatchStockMovement[];
  /** Each entry's delta in thousandths, in entry order. */
  readonly deltas: readonly number[];
  /** Each level the entries move, once, by its key, with the sum of their deltas in thousandths. */
  readonly totals: ReadonlyMap<string, LevelTotal>;
}

type LevelTotal = { warehouse_id: string; variant_id: string; delta: number };

const levelKey = (movement: StockMovementInput) => `${movement.warehouseId}/${movement.variantId}`;

export function levelMoves(entries: readonly BatchStockMovement[]): LevelMoves {
  const deltas = entries.map(({ movement }) => thousandthsOf(movement.qtyDelta));
  const totals = new Map<string, LevelTotal>();
  for (const [index, { movement }] of entries.entries()) {
    const key = levelKey(movement);
    const total = totals.get(key) ?? {
      warehouse_id: movement.warehouseId,
      variant_id: movement.variantId,
      delta: 0,
    };
    total.delta += deltas[index]!;
    totals.set(key, total);
  }
  return { entries, deltas, totals };
}

/**
 * This step moves the levels, in order, in two statements instead of three per movement (a push
 * of 200 sales moves about a thousand levels). The levels are created if absent (unless the caller
 * knows they all exist), then moved by
 * their totals in one UPDATE; the level after each movement is the level before plus the running
 * sum, computed exactly in thousandths. A movement that may not go negative and would is refused;
 * the caller's transaction then rolls back. Takes the tenant's change version.
 */
export async function moveStockLevels(
  work: TenantWork,
  moves: LevelMoves,
  options: { readonly levelsExist?: boolean } = {},
): Promise<StockLevelAfter[]> {
  const { entries, deltas, totals } = moves;
  if (entries.length === 0) return [];
  const { transaction, scope } = work;
  const levelsJson = JSON.stringify(
    [...totals.values()].map((total) => ({ ...total, delta: numericText(total.delta) })),
  );
  // A caller that has just seen every level exist (levels are never deleted) skips creating them.
  if (options.levelsExist !== true) {
    const version = await work.changeVersion();
    await sql`
      INSERT INTO stock_levels (tenant_id, warehouse_id, variant_id, version)
      SELECT ${scope.tenantId}::uuid, d.warehouse_id, d.variant_id, ${version}
      FROM jsonb_to_recordset(${levelsJson}::jsonb) AS d(warehouse_id uuid, variant_id uuid)
      ON CONFLICT (tenant_id, warehouse_id, variant_id) DO NOTHING
    `.execute(transaction);
  }
  type MovedLevel = { warehouse_id: string; variant_id: string; qty_on_hand: string; qty_reserved: string };
  const move = (withVersion: 'take' | number) =>
    sql<MovedLevel & { version: number }>`
      ${withVersion === 'take' ? sql`WITH ${takeVersionCte(scope.tenantId)}` : sql``}
      UPDATE stock_levels l SET qty_on_hand = l.qty_on_hand + d.delta,
        version = ${withVersion === 'take' ? sql`(SELECT version FROM taken_version)` : sql`${withVersion}`}
      FROM jsonb_to_recordset(${levelsJson}::jsonb) AS d(warehouse_id uuid, variant_id uuid, delta numeric)
      WHERE l.warehouse_id = d.warehouse_id AND l.variant_id = d.variant_id
      RETURNING l.warehouse_id, l.variant_id, l.qty_on_hand::text AS qty_on_hand,
        l.qty_reserved::text AS qty_reserved, l.version
    `.execute(transaction);
  // The version is taken in the same statement as the levels move, unless it was taken already.
  let updated: Awaited<ReturnType<typeof move>> | undefined;
  const version = await work.changeVersion(async () => {
    updated = await move('take');
    const taken = updated.rows[0]?.version;
    if (taken === undefined) throw new Error('no stock level moved, so no version was read back');
    return taken;
  });
  updated ??= await move(version);
  const running = new Map<string, { onHand: number; reserved: number }>();
  for (const row of updated.rows) {
    const key = `${row.warehouse_id}/${row.variant_id}`;
    const total = totals.get(key);
    if (total === undefined) throw new Error('the database moved a stock level that was not asked for');
    running.set(key, {
      onHand: thousandthsOf(row.qty_on_hand) - total.delta,
      reserved: thousandthsOf(row.qty_reserved),
    });
  }
  return entries.map(({ movement }, index): StockLevelAfter => {
    const level = running.get(levelKey(movement));
    if (level === undefined) throw new Error('a moved stock level was not updated');
    level.onHand += deltas[index]!;
    if (level.onHand < 0 && !movement.allowNegative) {
      throw new ApiError('STOCK_WOULD_GO_NEGATIVE', 422, {
        warehouseId: movement.warehouseId,
        variantId: movement.variantId,
        qtyOnHandAfter: numericText(level.onHand),
      });
    }
    return {
      warehouseId: movement.warehouseId,
      variantId: movement.variantId,
      qtyOnHand: numericText(level.onHand),
      qtyReserved: numericText(level.reserved),
      qtyAvailable: numericText(level.onHand - level.reserved),
      version,
    };
  });
}
