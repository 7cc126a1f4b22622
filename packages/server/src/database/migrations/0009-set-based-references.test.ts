import { type Kysely, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateTerminal,
  oneUnitSales,
  pricedVariants,
  push,
  syncAppFor,
  type TestTerminal,
} from '../../sync/push-test-kit';
import {
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../../testing/test-server';
import type { DatabaseSchema } from '../database-schema';
import { withTenant } from '../tenant-transaction';

/** What a statement that should fail failed with: SQLSTATE and detail, or null if it succeeded. */
async function refusal(run: () => Promise<unknown>): Promise<{ code: string; detail?: string } | null> {
  try {
    await run();
    return null;
  } catch (error) {
    const { code, detail } = error as { code?: string; detail?: string };
    if (code === undefined) throw error;
    return detail === undefined ? { code } : { code, detail };
  }
}

describe('references checked once a statement (migration 0009)', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let terminal: TestTerminal;
  let sale: { id: string; lines: number };
  let otherSaleId: string;
  let level: { warehouseId: string; variantId: string };

  beforeAll(async () => {
    server = await startTestServer();
    const app = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 3);
    other = await createTestTenant(server.database, 3);
    server.clock.now = new Date();
    const pushOne = async (owner: TestTenant) => {
      const manager = await login(server.app, owner, owner.emails.managerMx);
      const till = await activateTerminal(server, owner, manager, 'MX', owner.userIds.managerMx);
      const variants = await pricedVariants(server.database, owner.tenantId, 'MXN', 1);
      const facts = await oneUnitSales(till, variants, owner.warehouseIds.MX, 1);
      expect((await push(app, till, facts)).outcome).toBe('applied');
      return { till, variantId: variants[0]!.variantId };
    };
    const pushed = await pushOne(tenant);
    terminal = pushed.till;
    level = { warehouseId: tenant.warehouseIds.MX, variantId: pushed.variantId };
    const stored = await server.database.system
      .selectFrom('sales')
      .select([
        'id',
        sql<number>`(SELECT count(*)::int FROM sale_lines l WHERE l.sale_id = sales.id)`.as('lines'),
      ])
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminal.terminalId)
      .executeTakeFirstOrThrow();
    sale = stored;
    await pushOne(other);
    otherSaleId = (
      await server.database.system
        .selectFrom('sales')
        .select('id')
        .where('tenant_id', '=', other.tenantId)
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => server.close());

  const asApp = <T>(work: (db: Kysely<DatabaseSchema>) => Promise<T>) =>
    withTenant(server.database.app, { tenantId: tenant.tenantId, userId: null }, (tenantWork) =>
      work(tenantWork.transaction),
    );

  const line = (saleId: string) => ({
    tenant_id: tenant.tenantId,
    sale_id: saleId,
    line_id: uuidv7(),
    position: 99,
    variant_id: level.variantId,
    sku: 'SKU-X',
    name: 'Extra',
    quantity: '1',
    unit_price_minor: 100,
    discount_minor: 0,
    tax_rate_basis_points: 0,
    tax_minor: 0,
    total_minor: 100,
    warehouse_id: level.warehouseId,
  });
  const tender = (saleId: string) => ({
    tenant_id: tenant.tenantId,
    sale_id: saleId,
    position: 99,
    kind: 'cash',
    amount_minor: 100,
  });
  const movement = (warehouseId: string) => ({
    tenant_id: tenant.tenantId,
    id: uuidv7(),
    warehouse_id: warehouseId,
    variant_id: level.variantId,
    qty_delta: '1',
    reason: 'adjustment' as const,
  });
  const lineCount = async () =>
    (
      await server.database.system
        .selectFrom('sale_lines')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('tenant_id', '=', tenant.tenantId)
        .executeTakeFirstOrThrow()
    ).count;

  it('refuses a line, a tender or a movement whose parent does not exist, as a foreign key would', async () => {
    const before = await lineCount();
    const missingSale = uuidv7();
    const lineRefused = await refusal(() =>
      asApp((db) =>
        db
          .insertInto('sale_lines')
          .values([line(sale.id), line(missingSale)])
          .execute(),
      ),
    );
    expect(lineRefused).toMatchObject({ code: '23503' });
    expect(lineRefused?.detail).toContain(missingSale);
    expect(
      await refusal(() => asApp((db) => db.insertInto('sale_tenders').values(tender(missingSale)).execute())),
    ).toMatchObject({ code: '23503' });
    expect(
      await refusal(() =>
        asApp((db) => db.insertInto('stock_movements').values(movement(uuidv7())).execute()),
      ),
    ).toMatchObject({ code: '23503' });
    const unknownTerminal = uuidv7();
    const factRefused = await refusal(() =>
      asApp((db) =>
        db
          .insertInto('facts')
          .values({
            tenant_id: tenant.tenantId,
            terminal_id: unknownTerminal,
            sequence: 1,
            event_id: uuidv7(),
            store_id: tenant.storeIds.MX,
            fact_type: 'CashMovementRecorded',
            hash: 'h',
            prev_hash: 'p',
            envelope: '{}',
            received_at: new Date(),
          })
          .execute(),
      ),
    );
    expect(factRefused).toMatchObject({ code: '23503' });
    expect(factRefused?.detail).toContain(unknownTerminal);
    expect(
      await refusal(() =>
        asApp((db) =>
          db
            .insertInto('folio_assignments')
            .values({
              tenant_id: tenant.tenantId,
              series_id: uuidv7(),
              number: 1,
              document_type: 'sale',
              document_id: sale.id,
              event_id: uuidv7(),
              provisional_folio: 'T1-1',
              final_folio: 'A-1',
              store_id: tenant.storeIds.MX,
              terminal_id: terminal.terminalId,
              assigned_at: new Date(),
            })
            .execute(),
        ),
      ),
    ).toMatchObject({ code: '23503' });
    // The statement failed whole: the line whose sale exists was not kept either.
    expect(await lineCount()).toBe(before);
  });

  it("refuses a line that names another tenant's sale", async () => {
    expect(
      await refusal(() => asApp((db) => db.insertInto('sale_lines').values(line(otherSaleId)).execute())),
    ).toMatchObject({ code: '23503' });
  });

  it('accepts rows whose parents exist, including a sale inserted earlier in the same transaction', async () => {
    const inserted = await refusal(() =>
      asApp(async (db) => {
        await db.insertInto('sale_lines').values(line(sale.id)).execute();
        await db.insertInto('stock_movements').values(movement(level.warehouseId)).execute();
        // Undo: this test only asks whether the database accepts them.
        throw Object.assign(new Error('rolled back on purpose'), { code: 'ROLLED_BACK' });
      }),
    );
    expect(inserted).toEqual({ code: 'ROLLED_BACK' });
  });

  it('lets the application neither delete sales, levels, terminals or series nor change or delete lines and tenders', async () => {
    const denied = [
      () => asApp((db) => db.deleteFrom('sales').where('id', '=', sale.id).execute()),
      () => asApp((db) => db.deleteFrom('stock_levels').where('variant_id', '=', level.variantId).execute()),
      () => asApp((db) => db.deleteFrom('sale_lines').where('sale_id', '=', sale.id).execute()),
      () =>
        asApp((db) =>
          db.updateTable('sale_lines').set({ name: 'x' }).where('sale_id', '=', sale.id).execute(),
        ),
      () => asApp((db) => db.deleteFrom('sale_tenders').where('sale_id', '=', sale.id).execute()),
      () => asApp((db) => db.deleteFrom('terminals').where('id', '=', terminal.terminalId).execute()),
      () => asApp((db) => db.deleteFrom('folio_series').where('store_id', '=', tenant.storeIds.MX).execute()),
    ];
    for (const attempt of denied) expect(await refusal(attempt)).toMatchObject({ code: '42501' });
    expect(sale.lines).toBeGreaterThan(0);
  });

  it('refuses the owner deleting a sale that has lines, a level that has movements or a terminal that has facts', async () => {
    const system = server.database.system;
    const saleDeleted = await refusal(() =>
      system.deleteFrom('sales').where('tenant_id', '=', tenant.tenantId).where('id', '=', sale.id).execute(),
    );
    expect(saleDeleted).toMatchObject({ code: '23503' });
    expect(saleDeleted?.detail).toContain(sale.id);
    expect(
      await refusal(() =>
        system
          .deleteFrom('stock_levels')
          .where('tenant_id', '=', tenant.tenantId)
          .where('warehouse_id', '=', level.warehouseId)
          .where('variant_id', '=', level.variantId)
          .execute(),
      ),
    ).toMatchObject({ code: '23503' });
    const terminalDeleted = await refusal(() =>
      system
        .deleteFrom('terminals')
        .where('tenant_id', '=', tenant.tenantId)
        .where('id', '=', terminal.terminalId)
        .execute(),
    );
    expect(terminalDeleted).toMatchObject({ code: '23503' });
    expect(terminalDeleted?.detail).toContain('"facts"');
    expect(await lineCount()).toBe(sale.lines);
  });

  it('refuses changing the key of a sale, a level or a line, and allows the other columns', async () => {
    const system = server.database.system;
    expect(
      await refusal(() =>
        system.updateTable('sales').set({ id: uuidv7() }).where('id', '=', sale.id).execute(),
      ),
    ).toMatchObject({ code: '23503' });
    expect(
      await refusal(() =>
        system
          .updateTable('sale_lines')
          .set({ sale_id: otherSaleId })
          .where('sale_id', '=', sale.id)
          .execute(),
      ),
    ).toMatchObject({ code: '23503' });
    expect(
      await refusal(() =>
        system
          .updateTable('stock_levels')
          .set({ variant_id: uuidv7() })
          .where('tenant_id', '=', tenant.tenantId)
          .where('variant_id', '=', level.variantId)
          .execute(),
      ),
    ).toMatchObject({ code: '23503' });
    // Naming a key column with its own value changes nothing and is allowed.
    expect(
      await refusal(() =>
        system.updateTable('sales').set({ id: sale.id }).where('id', '=', sale.id).execute(),
      ),
    ).toBeNull();
  });
});
