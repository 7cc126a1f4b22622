import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';

describe('stock levels and movements', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let manager: string;
  let variantId: string;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 5);
    manager = await login(server.app, tenant, tenant.emails.managerCr);
    const variant = await server.database.system
      .selectFrom('variants')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('sku')
      .executeTakeFirstOrThrow();
    variantId = variant.id;
  });
  afterAll(async () => server.close());

  const post = (url: string, payload: Record<string, unknown>, token = manager) =>
    server.app.inject({ method: 'POST', url, headers: bearer(token), payload });

  const level = async () =>
    (
      await server.app.inject({
        method: 'GET',
        url: `/api/v1/variants/${variantId}/stock`,
        headers: bearer(manager),
      })
    )
      .json()
      .find((row: { warehouseId: string }) => row.warehouseId === tenant.warehouseIds.CR);

  it('receives stock, adjusts by count and by delta, keeping on-hand equal to the sum of movements', async () => {
    const before = await level();
    const received = await post('/api/v1/stock/receipts', {
      warehouseId: tenant.warehouseIds.CR,
      reference: 'Factura proveedor 123',
      lines: [{ variantId, quantity: '12.5' }],
    });
    expect(received.statusCode).toBe(201);
    expect(Number(received.json().levels[0].qtyOnHand)).toBeCloseTo(Number(before.qtyOnHand) + 12.5, 3);

    const counted = await post('/api/v1/stock/adjustments', {
      warehouseId: tenant.warehouseIds.CR,
      reason: 'Conteo cíclico',
      lines: [{ variantId, countedQuantity: '7.250' }],
    });
    expect(counted.statusCode).toBe(201);
    expect(counted.json().levels[0]).toMatchObject({
      qtyOnHand: '7.250',
      qtyReserved: '0.000',
      qtyAvailable: '7.250',
    });

    const delta = await post('/api/v1/stock/adjustments', {
      warehouseId: tenant.warehouseIds.CR,
      reason: 'Merma',
      lines: [{ variantId, quantityDelta: '-0.250' }],
    });
    expect(delta.json().levels[0].qtyOnHand).toBe('7.000');

    const sums = await sql<{ on_hand: string; moved: string }>`
      SELECT l.qty_on_hand::text AS on_hand, coalesce(sum(m.qty_delta), 0)::numeric(14, 3)::text AS moved
      FROM stock_levels l LEFT JOIN stock_movements m
        ON m.tenant_id = l.tenant_id AND m.warehouse_id = l.warehouse_id AND m.variant_id = l.variant_id
      WHERE l.tenant_id = ${tenant.tenantId}
      GROUP BY l.tenant_id, l.warehouse_id, l.variant_id, l.qty_on_hand
    `.execute(server.database.system);
    expect(sums.rows.length).toBeGreaterThan(0);
    for (const row of sums.rows) expect(row.moved).toBe(row.on_hand);
  });

  it('refuses an adjustment that would leave stock below zero and changes nothing', async () => {
    const before = await level();
    const response = await post('/api/v1/stock/adjustments', {
      warehouseId: tenant.warehouseIds.CR,
      reason: 'error',
      lines: [{ variantId, quantityDelta: '-1000' }],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('STOCK_WOULD_GO_NEGATIVE');
    expect(await level()).toEqual(before);
  });

  it("refuses a manager acting on another store's warehouse, and a cashier receiving stock", async () => {
    const otherStore = await post('/api/v1/stock/receipts', {
      warehouseId: tenant.warehouseIds.MX,
      lines: [{ variantId, quantity: '1' }],
    });
    expect(otherStore.statusCode).toBe(403);
    expect(otherStore.json().error.code).toBe('STORE_NOT_ASSIGNED');
    const cashier = await login(server.app, tenant, tenant.emails.cashierCr);
    const byCashier = await post(
      '/api/v1/stock/receipts',
      { warehouseId: tenant.warehouseIds.CR, lines: [{ variantId, quantity: '1' }] },
      cashier,
    );
    expect(byCashier.statusCode).toBe(403);
  });

  it('sets a per-store safety buffer for a SKU, managers only for their store', async () => {
    const set = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/stores/${tenant.storeIds.CR}/safety-buffers`,
      headers: bearer(manager),
      payload: { variantId, quantity: '2' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ storeId: tenant.storeIds.CR, variantId, quantity: '2.000' });
    const negative = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/stores/${tenant.storeIds.CR}/safety-buffers`,
      headers: bearer(manager),
      payload: { variantId, quantity: '-1' },
    });
    expect(negative.statusCode).toBe(400);
    const otherStore = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/stores/${tenant.storeIds.MX}/safety-buffers`,
      headers: bearer(manager),
      payload: { variantId, quantity: '1' },
    });
    expect(otherStore.statusCode).toBe(403);
  });

  it('lists movements and a warehouse page by page', async () => {
    const movements = await server.app.inject({
      method: 'GET',
      url: `/api/v1/stock/movements?warehouseId=${tenant.warehouseIds.CR}&variantId=${variantId}`,
      headers: bearer(manager),
    });
    expect(movements.json().items.map((movement: { reason: string }) => movement.reason)).toEqual(
      expect.arrayContaining(['receipt', 'adjustment']),
    );
    const page = await server.app.inject({
      method: 'GET',
      url: `/api/v1/warehouses/${tenant.warehouseIds.CR}/stock?limit=2`,
      headers: bearer(manager),
    });
    expect(page.json().items).toHaveLength(2);
    expect(page.json().nextCursor).not.toBeNull();
  });
});
