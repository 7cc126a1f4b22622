import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../database/database';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { createTestTenant, type TestTenant } from '../testing/test-server';
import {
  type BatchStockMovement,
  levelMoves,
  levelsExist,
  moveStockLevels,
  recordStockMovements,
} from './stock-movements';

/** Ends the transaction the test looked into, carrying out what it saw. */
class RolledBack extends Error {
  constructor(readonly seen: object) {
    super('rolled back on purpose');
  }
}

describe('a batch of stock movements (recordStockMovements, levelsExist)', () => {
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

  /** Runs `look` in a tenant transaction that is rolled back, and answers what it saw. */
  async function rolledBack(look: (work: TenantWork) => Promise<object>): Promise<object> {
    const outcome = withTenant(database.app, { tenantId: tenant.tenantId, userId: null }, async (work) => {
      throw new RolledBack(await look(work));
    });
    return outcome.then(
      () => {
        throw new Error('the transaction was meant to roll back');
      },
      (error: unknown) => (error instanceof RolledBack ? error.seen : Promise.reject(error)),
    );
  }

  async function written(work: TenantWork, entries: readonly BatchStockMovement[]): Promise<number> {
    const row = await work.transaction
      .selectFrom('stock_movements')
      .select(sql<number>`count(*)::int`.as('count'))
      .where(
        'reference',
        'in',
        entries.map((entry) => entry.movement.reference),
      )
      .executeTakeFirstOrThrow();
    return row.count;
  }

  it('writes every movement when each level exists, and says that each does', async () => {
    const entries = [sale(stockedWarehouseId, variantIds[0]!), sale(stockedWarehouseId, variantIds[1]!)];
    const seen = await rolledBack(async (work) => {
      const exist = await levelsExist(work, levelMoves(entries));
      await recordStockMovements(work, entries);
      return { exist, written: await written(work, entries) };
    });
    expect(seen).toEqual({ exist: true, written: 2 });
  });

  it('says a level is missing when one movement of the batch names a level no row holds yet', async () => {
    const entries = [
      sale(stockedWarehouseId, variantIds[0]!),
      sale(emptyWarehouseId, variantIds[0]!),
      sale(stockedWarehouseId, variantIds[1]!),
    ];
    expect(
      await rolledBack(async (work) => ({ exist: await levelsExist(work, levelMoves(entries)) })),
    ).toEqual({ exist: false });
  });

  it('refuses the whole batch when a movement names a level that does not exist, as a foreign key would', async () => {
    const entries = [sale(stockedWarehouseId, variantIds[0]!), sale(emptyWarehouseId, variantIds[0]!)];
    const seen = await rolledBack(async (work) => {
      // A savepoint, so the transaction can still be read after the refusal.
      await sql`SAVEPOINT movements`.execute(work.transaction);
      const refusal = await recordStockMovements(work, entries).then(
        () => null,
        (caught: { code?: string; detail?: string }) => caught,
      );
      await sql`ROLLBACK TO SAVEPOINT movements`.execute(work.transaction);
      return { code: refusal?.code, detail: refusal?.detail, written: await written(work, entries) };
    });
    expect(seen).toMatchObject({ code: '23503', written: 0 });
    expect((seen as { detail: string }).detail).toContain(emptyWarehouseId);
  });

  it('writes the movements once the move has created their missing levels', async () => {
    const entries = [sale(emptyWarehouseId, variantIds[0]!), sale(stockedWarehouseId, variantIds[0]!)];
    const seen = await rolledBack(async (work) => {
      const moves = levelMoves(entries);
      const exist = await levelsExist(work, moves);
      await moveStockLevels(work, moves, { levelsExist: exist });
      await recordStockMovements(work, entries);
      return { exist, existAfter: await levelsExist(work, moves), written: await written(work, entries) };
    });
    expect(seen).toEqual({ exist: false, existAfter: true, written: 2 });
  });

  it('says every level exists for an empty batch and writes nothing', async () => {
    await withTenant(database.app, { tenantId: tenant.tenantId, userId: null }, async (work) => {
      expect(await levelsExist(work, levelMoves([]))).toBe(true);
      await recordStockMovements(work, []);
    });
  });
});
