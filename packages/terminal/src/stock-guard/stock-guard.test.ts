import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('the offline stock guard', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer({
      stock: { hammer: '3.000', glue: '0' },
      safetyBuffers: { hammer: '1' },
    });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('sells offline down to last known − unsynced − buffer, then blocks with a clear reason', async () => {
    const { engine } = await activatedTerminal(server);
    server.unreachable = true;
    await engine.sync();
    expect((await engine.status()).connectivity).toBe('offline');

    // The scan already tells the cashier what may still be sold offline.
    expect(await engine.lookupItem(fixture.products.hammer.barcode)).toMatchObject({
      ok: true,
      item: { sku: fixture.products.hammer.sku },
      stock: { lastKnownAvailable: '3', localUnsynced: '0', safetyBuffer: '1', sellableOffline: '2' },
      stockGuarded: true,
    });
    const first = await sellProduct(engine, 'hammer', 2);
    expect(first).toMatchObject({ ok: true, sale: { offline: true } });
    expect(await engine.lookupItem(fixture.products.hammer.sku)).toMatchObject({
      stock: { localUnsynced: '2', sellableOffline: '0' },
    });
    expect(await sellProduct(engine, 'hammer', 1)).toEqual({
      ok: false,
      code: 'STOCK_GUARD_BLOCKED',
      sku: fixture.products.hammer.sku,
      variantId: fixture.products.hammer.variantId,
      quantityRequested: '1',
      quantityAvailable: '0',
    });
    expect(await engine.stockAvailability(fixture.products.hammer.barcode)).toMatchObject({
      ok: true,
      availability: { lastKnownAvailable: '3', localUnsynced: '2', safetyBuffer: '1', sellableOffline: '0' },
    });
    // Another SKU is not affected by the hammer's guard, but one with nothing known to sell is.
    expect(await sellProduct(engine, 'nails', 5)).toMatchObject({ ok: true });
    expect(await sellProduct(engine, 'glue', 1)).toMatchObject({ ok: false, code: 'STOCK_GUARD_BLOCKED' });
  });

  it('lets the server decide online, and stops counting a sale once the pulled stock includes it', async () => {
    const { engine } = await activatedTerminal(server);
    expect((await engine.status()).connectivity).toBe('online');
    expect(await engine.lookupItem(fixture.products.hammer.sku)).toMatchObject({ stockGuarded: false });
    // Online the sale goes through; an oversell is the server's conflict to raise.
    expect(await sellProduct(engine, 'hammer', 5)).toMatchObject({ ok: true, sale: { offline: false } });
    expect(await engine.stockAvailability(fixture.products.hammer.sku)).toMatchObject({
      availability: { lastKnownAvailable: '3', localUnsynced: '5' },
    });
    await engine.sync();
    expect(await engine.stockAvailability(fixture.products.hammer.sku)).toMatchObject({
      availability: { lastKnownAvailable: '-2', localUnsynced: '0', sellableOffline: '0' },
    });
  });

  it('applies when a manager planned offline mode, with no network attempt', async () => {
    const { engine } = await activatedTerminal(server);
    const pushesBefore = server.pushes.length;
    expect(await engine.setPlannedOffline({ planned: true })).toMatchObject({
      ok: false,
      code: 'APPROVAL_REQUIRED',
    });
    expect(await engine.setPlannedOffline({ planned: true, approval: { pin: fixture.managerPin } })).toEqual({
      ok: true,
    });
    expect(await engine.status()).toMatchObject({ plannedOffline: true, online: false });
    expect(await engine.lookupItem(fixture.products.hammer.sku)).toMatchObject({ stockGuarded: true });
    expect(await sellProduct(engine, 'hammer', 2)).toMatchObject({ ok: true, sale: { offline: true } });
    expect(await sellProduct(engine, 'hammer', 1)).toMatchObject({ ok: false, code: 'STOCK_GUARD_BLOCKED' });
    expect(await engine.sync()).toEqual({ outcome: 'skipped', code: 'PLANNED_OFFLINE' });
    expect(server.pushes).toHaveLength(pushesBefore);

    await engine.setPlannedOffline({ planned: false, approval: { pin: fixture.managerPin } });
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    expect((await engine.status()).online).toBe(true);
  });

  it('applies when the back office planned offline mode, and the till learns of the end by pulling', async () => {
    const { engine } = await activatedTerminal(server);
    const terminalId = (await engine.identity())?.terminalId ?? '';
    const plan = (plannedOffline: boolean) =>
      server.publish({
        entity: 'terminal',
        key: terminalId,
        deleted: false,
        data: { id: terminalId, storeId: fixture.storeId, name: 'Caja 1', status: 'active', plannedOffline },
      });
    plan(true);
    await engine.sync();
    expect(await engine.status()).toMatchObject({ plannedOffline: true, online: false });
    expect(await sellProduct(engine, 'hammer', 3)).toMatchObject({ ok: false, code: 'STOCK_GUARD_BLOCKED' });
    expect(await sellProduct(engine, 'hammer', 2)).toMatchObject({ ok: true, sale: { offline: true } });
    plan(false);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    expect(await engine.status()).toMatchObject({ plannedOffline: false, online: true });
    expect(await sellProduct(engine, 'hammer', 3)).toMatchObject({ ok: true, sale: { offline: false } });
  });

  it('applies a safety buffer the till pulls after it had none at all', async () => {
    const unbuffered = await startSeededServer({ stock: { hammer: '3.000' } });
    try {
      const { engine } = await activatedTerminal(unbuffered);
      unbuffered.unreachable = true;
      await engine.sync();
      expect(await sellProduct(engine, 'hammer', 1)).toMatchObject({ ok: true, sale: { offline: true } });
      expect(await engine.stockAvailability(fixture.products.hammer.sku)).toMatchObject({
        availability: {
          lastKnownAvailable: '3',
          localUnsynced: '1',
          safetyBuffer: '0',
          sellableOffline: '2',
        },
      });

      unbuffered.publish({
        entity: 'safety_buffer',
        key: fixture.products.hammer.variantId,
        deleted: false,
        data: { storeId: fixture.storeId, variantId: fixture.products.hammer.variantId, quantity: '2' },
      });
      unbuffered.unreachable = false;
      await engine.sync();
      unbuffered.unreachable = true;
      await engine.sync();
      const after = await engine.stockAvailability(fixture.products.hammer.sku);
      expect(after).toMatchObject({ ok: true, availability: { safetyBuffer: '2' } });
      expect(await sellProduct(engine, 'hammer', 2)).toMatchObject({
        ok: false,
        code: 'STOCK_GUARD_BLOCKED',
      });
    } finally {
      await unbuffered.stop();
    }
  });
});
