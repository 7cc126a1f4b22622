import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../http/app-instance';
import {
  activateTerminal,
  onHand,
  pricedVariants,
  push,
  salePayload,
  syncAppFor,
} from '../sync/push-test-kit';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';

interface ConflictView {
  id: string;
  kind: string;
  status: string;
  storeId: string;
  eventIds: string[];
  details: Record<string, unknown>;
  notes: { note: string; byUserId: string; at: string }[];
  resolution: Record<string, unknown> | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

describe('conflict routes: list, inspect and resolve, every resolution audited', () => {
  let server: TestServer;
  let sync: AppInstance;
  let tenant: TestTenant;
  let managerMx: string;
  let managerCr: string;
  let variant: { variantId: string; priceMinor: number };
  let oversell: ConflictView;
  let unknownRefund: ConflictView;
  let crConflict: ConflictView;

  beforeAll(async () => {
    server = await startTestServer();
    sync = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 5);
    managerMx = await login(server.app, tenant, tenant.emails.managerMx);
    managerCr = await login(server.app, tenant, tenant.emails.managerCr);
    [variant] = (await pricedVariants(server.database, tenant.tenantId, 'MXN', 1)) as [typeof variant];
    const mx = await activateTerminal(server, tenant, managerMx, 'MX', tenant.userIds.managerMx);
    const cr = await activateTerminal(server, tenant, managerCr, 'CR');
    // Empty the shelf, then sell one: an oversell. And a refund of a sale nobody knows, in each store.
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(managerMx),
      payload: {
        warehouseId: tenant.warehouseIds.MX,
        reason: 'Conteo',
        lines: [{ variantId: variant.variantId, countedQuantity: '0' }],
      },
    });
    server.clock.now = new Date();
    await push(sync, mx, [
      await mx.record(
        salePayload({
          currency: 'MXN',
          provisionalFolio: mx.nextProvisionalFolio(),
          lines: [
            {
              variantId: variant.variantId,
              warehouseId: tenant.warehouseIds.MX,
              quantity: '1',
              unitPriceMinor: variant.priceMinor,
            },
          ],
        }),
      ),
      await mx.record(unknownRefundPayload('MXN', tenant.warehouseIds.MX)),
    ]);
    await push(sync, cr, [
      await cr.record(unknownRefundPayload('CRC', tenant.warehouseIds.CR), {
        userId: tenant.userIds.cashierCr,
      }),
    ]);
    const all = (await list(managerMx)).json().items as ConflictView[];
    oversell = all.find((conflict) => conflict.kind === 'oversell')!;
    unknownRefund = all.find((conflict) => conflict.kind === 'unknown_sale')!;
    crConflict = ((await list(managerCr)).json().items as ConflictView[])[0]!;
  });
  afterAll(async () => {
    if (sync !== server.app) await sync.close();
    await server.close();
  });

  function unknownRefundPayload(currency: string, warehouseId: string) {
    return {
      type: 'RefundIssued' as const,
      refundId: uuidv7(),
      saleId: uuidv7(),
      currency,
      lines: [
        {
          lineId: uuidv7(),
          variantId: variant.variantId,
          quantity: '1',
          amountMinor: 100,
          stockDestination: 'shrinkage' as const,
          warehouseId,
        },
      ],
      tenders: [{ kind: 'cash' as const, amountMinor: 100, reference: null }],
      totalMinor: 100,
      reason: 'Sin ticket',
    };
  }

  const list = (token: string, query = '') =>
    sync.inject({ method: 'GET', url: `/api/v1/conflicts${query}`, headers: bearer(token) });
  const resolve = (token: string, id: string, body: Record<string, unknown>) =>
    sync.inject({
      method: 'POST',
      url: `/api/v1/conflicts/${id}/resolve`,
      headers: bearer(token),
      payload: body,
    });

  it('lists only the conflicts of the stores a manager is assigned to, newest first, page by page', async () => {
    const mx = (await list(managerMx)).json().items as ConflictView[];
    expect(mx.map((conflict) => conflict.kind).sort()).toEqual(['oversell', 'unknown_sale']);
    expect(mx.every((conflict) => conflict.storeId === tenant.storeIds.MX)).toBe(true);
    expect(crConflict).toMatchObject({ kind: 'unknown_sale', storeId: tenant.storeIds.CR });
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const everything = (await list(admin, '?status=open')).json().items as ConflictView[];
    expect(everything).toHaveLength(3);
    const firstPage = (await list(admin, '?limit=2')).json();
    expect(firstPage.items).toHaveLength(2);
    const secondPage = (await list(admin, `?limit=2&cursor=${firstPage.nextCursor}`)).json();
    expect(secondPage).toMatchObject({ nextCursor: null });
    expect([...firstPage.items, ...secondPage.items].map((item: ConflictView) => item.id)).toEqual(
      everything.map((item) => item.id),
    );
    const otherStore = await list(managerMx, `?storeId=${tenant.storeIds.CR}`);
    expect(otherStore.statusCode).toBe(403);
    expect(otherStore.json().error.code).toBe('STORE_NOT_ASSIGNED');
    const cashier = await login(server.app, tenant, tenant.emails.cashierCr);
    expect((await list(cashier)).statusCode).toBe(403);
  });

  it('shows a conflict with the facts that caused it', async () => {
    const response = await sync.inject({
      method: 'GET',
      url: `/api/v1/conflicts/${oversell.id}`,
      headers: bearer(managerMx),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.facts).toHaveLength(1);
    expect(body.facts[0]).toMatchObject({ eventId: oversell.eventIds[0], quarantined: false });
    expect(body.facts[0].envelope.payload.type).toBe('SaleCompleted');
    const hidden = await sync.inject({
      method: 'GET',
      url: `/api/v1/conflicts/${oversell.id}`,
      headers: bearer(managerCr),
    });
    expect(hidden.statusCode).toBe(403);
  });

  it('a note keeps the conflict open; adjusting stock resolves it, moves stock and is audited with who and when', async () => {
    const noted = await resolve(managerMx, oversell.id, { action: 'note', note: 'Revisar bodega' });
    expect(noted.statusCode).toBe(200);
    expect(noted.json()).toMatchObject({
      status: 'open',
      notes: [{ note: 'Revisar bodega', byUserId: tenant.userIds.managerMx }],
    });
    const missingAdjustments = await resolve(managerMx, oversell.id, {
      action: 'adjust_stock',
      note: 'sin líneas',
    });
    expect(missingAdjustments.statusCode).toBe(400);
    const byOtherStore = await resolve(managerCr, oversell.id, { action: 'accept', note: 'no' });
    expect(byOtherStore.statusCode).toBe(403);

    // A fixed moment, a minute ahead (tokens stay valid), to see exactly the resolution time recorded.
    const resolvedAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000);
    server.clock.now = resolvedAt;
    const adjusted = await resolve(managerMx, oversell.id, {
      action: 'adjust_stock',
      note: 'Se encontró una unidad en bodega',
      adjustments: [
        { warehouseId: tenant.warehouseIds.MX, variantId: variant.variantId, quantityDelta: '1' },
      ],
    });
    expect(adjusted.statusCode).toBe(200);
    expect(adjusted.json()).toMatchObject({
      status: 'resolved',
      resolvedBy: tenant.userIds.managerMx,
      resolvedAt: resolvedAt.toISOString(),
      resolution: { action: 'adjust_stock', note: 'Se encontró una unidad en bodega' },
    });
    expect(await onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId)).toBe(
      '0.000',
    );
    const movement = await server.database.system
      .selectFrom('stock_movements')
      .select(['reason', 'user_id', 'qty_delta'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('reference', '=', `conflict:${oversell.id}`)
      .execute();
    expect(movement).toEqual([
      { reason: 'adjustment', user_id: tenant.userIds.managerMx, qty_delta: '1.000' },
    ]);

    const again = await resolve(managerMx, oversell.id, { action: 'accept', note: 'otra vez' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT_ALREADY_RESOLVED');

    const audit = await server.database.system
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'details', 'at'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('entity', '=', 'conflict')
      .where('entity_id', '=', oversell.id)
      .orderBy('at')
      .execute();
    expect(audit.map((entry) => [entry.action, entry.actor_user_id])).toEqual([
      ['conflict.noted', tenant.userIds.managerMx],
      ['conflict.resolved', tenant.userIds.managerMx],
    ]);
    expect(audit[1]!.details).toMatchObject({
      kind: 'oversell',
      action: 'adjust_stock',
      resolvedAt: resolvedAt.toISOString(),
    });
  });

  it('accepts and writes off, each recorded in the audit log', async () => {
    const accepted = await resolve(managerMx, unknownRefund.id, {
      action: 'write_off',
      note: 'Devolución sin ticket asumida',
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: 'resolved',
      resolution: { action: 'write_off', writtenOffMinor: null },
    });
    const crAccepted = await resolve(managerCr, crConflict.id, {
      action: 'accept',
      note: 'Cliente conocido',
    });
    expect(crAccepted.json()).toMatchObject({ status: 'resolved', resolvedBy: tenant.userIds.managerCr });
    const resolvedList = (await list(managerMx, '?status=resolved')).json().items as ConflictView[];
    expect(resolvedList.map((conflict) => conflict.id).sort()).toEqual(
      [oversell.id, unknownRefund.id].sort(),
    );
    const actions = await server.database.system
      .selectFrom('audit_log')
      .select('entity_id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'conflict.resolved')
      .execute();
    expect(actions.map((entry) => entry.entity_id).sort()).toEqual(
      [oversell.id, unknownRefund.id, crConflict.id].sort(),
    );
  });

  it('answers 404 for a conflict of another tenant', async () => {
    const other = await createTestTenant(server.database, 1);
    const otherAdmin = await login(server.app, other, other.emails.admin);
    const response = await sync.inject({
      method: 'GET',
      url: `/api/v1/conflicts/${oversell.id}`,
      headers: bearer(otherAdmin),
    });
    expect(response.statusCode).toBe(404);
  });
});
