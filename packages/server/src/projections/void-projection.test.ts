import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../http/app-instance';
import {
  activateTerminal,
  conflictsOf,
  onHand,
  pricedVariants,
  push,
  salePayload,
  syncAppFor,
} from '../sync/push-test-kit';
import { createTestTenant, login, startTestServer, type TestServer } from '../testing/test-server';

/**
 * Regression (found by the simulator, seed 2 of the chaos profile): a void pushed in a later
 * batch than its sale restocked nothing and opened a false unknown_item conflict, because the
 * stored sale's variants were not among the batch's known items.
 */
describe('void of a sale synced in an earlier batch', () => {
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

  it.each(['restock', 'shrinkage'] as const)(
    'brings the goods back (%s) with no unknown-item conflict',
    async (destination) => {
      const tenant = await createTestTenant(server.database, 10);
      const manager = await login(server.app, tenant, tenant.emails.managerMx);
      const device = await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx);
      const [item] = await pricedVariants(server.database, tenant.tenantId, 'MXN', 1);
      const warehouseId = tenant.warehouseIds.MX;
      const before = await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId);

      const sale = salePayload({
        currency: 'MXN',
        provisionalFolio: device.nextProvisionalFolio(),
        lines: [{ variantId: item!.variantId, warehouseId, quantity: '2', unitPriceMinor: item!.priceMinor }],
      });
      expect(await push(sync, device, [await device.record(sale)])).toMatchObject({ outcome: 'applied' });
      expect(Number(await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId))).toBe(
        Number(before) - 2,
      );

      const voided = await device.record(
        { type: 'SaleVoided', saleId: sale.saleId, reason: 'Se arrepintió', stockDestination: destination },
        { approvedByUserId: tenant.userIds.managerMx },
      );
      expect(await push(sync, device, [voided])).toMatchObject({
        outcome: 'applied',
        acknowledgedSequence: 2,
      });

      const after = Number(await onHand(server.database, tenant.tenantId, warehouseId, item!.variantId));
      expect(after).toBe(destination === 'restock' ? Number(before) : Number(before) - 2);
      expect(await conflictsOf(server.database, tenant.tenantId, 'unknown_item')).toEqual([]);
      const movements = await server.database.system
        .selectFrom('stock_movements')
        .select(['reason', 'qty_delta'])
        .where('tenant_id', '=', tenant.tenantId)
        .where('reference', '=', `event:${voided.eventId}`)
        .orderBy('id')
        .execute();
      expect(movements.map((movement) => [movement.reason, Number(movement.qty_delta)])).toEqual(
        destination === 'restock'
          ? [['void', 2]]
          : [
              ['void', 2],
              ['shrinkage', -2],
            ],
      );
    },
  );
});
