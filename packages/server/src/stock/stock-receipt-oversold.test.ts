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
import { bearer, createTestTenant, login, startTestServer, type TestServer } from '../testing/test-server';

/**
 * Regression (found by the simulator, seed 1 of the chaos profile): once an offline oversell left
 * a level below zero, a stock receipt that did not bring it back to zero was refused with
 * STOCK_WOULD_GO_NEGATIVE, so the store could not take in the goods that arrived.
 */
describe('receiving goods at an oversold shelf', () => {
  let server: TestServer;
  let sync: AppInstance;

  beforeAll(async () => {
    server = await startTestServer();
    sync = await syncAppFor(server);
  });
  afterAll(async () => {
    if (sync !== server.app) await sync.close();
    await server.close();
  });

  it('takes a receipt and a positive adjustment that leave the level below zero, and still refuses lowering it', async () => {
    const tenant = await createTestTenant(server.database, 10);
    const manager = await login(server.app, tenant, tenant.emails.managerMx);
    const device = await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx);
    const [item] = await pricedVariants(server.database, tenant.tenantId, 'MXN', 1);
    const warehouseId = tenant.warehouseIds.MX;
    const call = (url: string, payload: Record<string, unknown>) =>
      server.app.inject({ method: 'POST', url, headers: bearer(manager), payload });
    const counted = await call('/api/v1/stock/adjustments', {
      warehouseId,
      reason: 'conteo',
      lines: [{ variantId: item!.variantId, countedQuantity: '1' }],
    });
    expect(counted.statusCode).toBe(201);
    const sale = salePayload({
      currency: 'MXN',
      provisionalFolio: device.nextProvisionalFolio(),
      lines: [{ variantId: item!.variantId, warehouseId, quantity: '4', unitPriceMinor: item!.priceMinor }],
    });
    expect(await push(sync, device, [await device.record(sale)])).toMatchObject({ outcome: 'applied' });
    expect(Number(await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId))).toBe(-3);

    const receipt = await call('/api/v1/stock/receipts', {
      warehouseId,
      reference: 'factura 88',
      lines: [{ variantId: item!.variantId, quantity: '2' }],
    });
    expect(receipt.statusCode).toBe(201);
    expect(Number(await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId))).toBe(-1);

    const raised = await call('/api/v1/stock/adjustments', {
      warehouseId,
      reason: 'apareció una caja',
      lines: [{ variantId: item!.variantId, quantityDelta: '0.5' }],
    });
    expect(raised.statusCode).toBe(201);
    const lowered = await call('/api/v1/stock/adjustments', {
      warehouseId,
      reason: 'merma',
      lines: [{ variantId: item!.variantId, quantityDelta: '-1' }],
    });
    expect(lowered.statusCode).toBe(422);
    expect(lowered.json().error.code).toBe('STOCK_WOULD_GO_NEGATIVE');
    expect(Number(await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId))).toBe(-0.5);
  });
});
