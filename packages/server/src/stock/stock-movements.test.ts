import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { createTestTenant, type TestTenant } from '../testing/test-server';
import {
  type BatchStockMovement,
  levelMoves,
  moveStockLevels,
  recordStockMovements,
} from './stock-movements';

/** Ends the transaction the test looked into, carrying out what it saw. */
class RolledBack extends Error {
  constructor(readonly seen: object) {
    super('rolled back on purpose');
  }
}

describe('a batch of stock movements (recordStockMovements)', () => {
  let database: Database;
  let tenant: TestTenant;
  let stockedWarehouseId: string;
  /** A warehouse of store MX that no level names yet. */
  let emptyWarehouseId: string;
  let variantIds: string[];

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
    tenant = await createTestTenant(database, 3);
    const levels = await database.system
      .selectFrom('stock_levels')
      .innerJoin('warehouses', (join) =>
        join
          .onRef('warehouses.tenant_id', '=', 'stock_levels.tenant_id')
          .onRef('warehouses.id', '=', 'stock_levels.warehouse_id'),
      )
      .select(['stock_levels.warehouse_id', 'stock_levels.variant_id'])
      .where('stock_levels.tenant_id', '=', tenant.tenantId)
      .where('warehouses.store_id', '=', tenant.storeIds.MX)
      .execute();
    stockedWarehouseId = levels[0]!.warehouse_id;
    variantIds = levels
      .filter((level) => level.warehouse_id === stockedWarehouseId)
      .map((level) => level.variant_id);
    expect(variantIds.length).toBeGreaterThanOrEqual(2);
    emptyWarehouseId = uuidv7();
    await database.system
      .insertInto('warehouses')
      .values({
        tenant_id: tenant.tenantId,
        id: emptyWarehouseId,
        store_id: tenant.storeIds.MX,
        code: `EMPTY-${emptyWarehouseId.slice(-6)}`,
        name: 'Bodega vacía',
        version: 1,
      })
      .execute();
  });
  afterAll(async () => database.close());

  function sale(warehouseId: string, variantId: string): BatchStockMovement {
    return {
      movement: {
        warehouseId,
        variantId,
        qtyDelta: '-1.000',
        reason: 'sale',
        reference: uuidv7(),
        allowNegative: true,
      },
      userId: null,
    };
  }

  /** Records `entries` in a transaction that is rolled back, and what the batch saw. */
  async function recordRolledBack(entries: BatchStockMovement[], thenMove: boolean) {
    const outcome = withTenant(database.app, { tenantId: tenant.tenantId, userId: null }, async (work) => {
      const { levelsExist } = await recordStockMovements(work, entries);
      const written = await work.transaction
        .selectFrom('stock_movements')
        .select(sql<number>`count(*)::int`.as('count'))
        .where(
          'reference',
          'in',
          entries.map((entry) => entry.movement.reference),
        )
        .executeTakeFirstOrThrow();
      let keysHold = false;
      if (thenMove) {
        await moveStockLevels(work, levelMoves(entries), { levelsExist });
        await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(work.transaction);
        keysHold = true;
      }
      throw new RolledBack({ levelsExist, written: written.count, keysHold });
    });
    return outcome.then(
      () => undefined,
      (error: unknown) => (error instanceof RolledBack ? error.seen : Promise.reject(error)),
    );
  }

  it('writes every movement and answers that every level exists when each does', async () => {
    const entries = [sale(stockedWarehouseId, variantIds[0]!), sale(stockedWarehouseId, variantIds[1]!)];
    expect(await recordRolledBack(entries, false)).toEqual({
      levelsExist: true,
      written: 2,
      keysHold: false,
    });
  });

  it('answers that a level is missing when one movement of the batch names a level no row holds yet', async () => {
    const entries = [
      sale(stockedWarehouseId, variantIds[0]!),
      sale(emptyWarehouseId, variantIds[0]!),
      sale(stockedWarehouseId, variantIds[1]!),
    ];
    expect(await recordRolledBack(entries, false)).toEqual({
      levelsExist: false,
      written: 3,
      keysHold: false,
    });
  });

  it('leaves the missing level to the move, after which every movement key holds', async () => {
    const entries = [sale(emptyWarehouseId, variantIds[0]!), sale(stockedWarehouseId, variantIds[0]!)];
    expect(await recordRolledBack(entries, true)).toEqual({ levelsExist: false, written: 2, keysHold: true });
  });

  it('answers that every level exists for an empty batch', async () => {
    await withTenant(database.app, { tenantId: tenant.tenantId, userId: null }, async (work) => {
      expect(await recordStockMovements(work, [])).toEqual({ levelsExist: true });
    });
  });
});
