import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('the local copy of server state', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('finds items by SKU and barcode with the store price and tax overriding the tenant-wide ones', async () => {
    const { engine } = await activatedTerminal(server);
    const { hammer } = fixture.products;
    expect(await engine.lookupItem(hammer.barcode)).toMatchObject({
      ok: true,
      item: {
        sku: hammer.sku,
        unitPrice: { amountMinor: 25_000, currency: 'MXN' },
        taxRateBasisPoints: 1_600,
      },
    });
    const priceId = uuidv7();
    server.publish({
      entity: 'price',
      key: priceId,
      deleted: false,
      data: {
        id: priceId,
        variantId: hammer.variantId,
        storeId: fixture.storeId,
        currency: 'MXN',
        amountMinor: 23_000,
      },
    });
    const taxId = uuidv7();
    server.publish({
      entity: 'tax_rate',
      key: taxId,
      deleted: false,
      data: {
        id: taxId,
        storeId: fixture.storeId,
        taxClass: 'standard',
        name: 'IVA frontera',
        rateBasisPoints: 800,
      },
    });
    await engine.sync();
    expect(await engine.lookupItem(hammer.sku)).toMatchObject({
      ok: true,
      item: { unitPrice: { amountMinor: 23_000 }, taxRateBasisPoints: 800 },
    });
    server.publish({ entity: 'price', key: priceId, deleted: true, data: null });
    await engine.sync();
    expect(await engine.lookupItem(hammer.sku)).toMatchObject({
      item: { unitPrice: { amountMinor: 25_000 } },
    });
  });

  it('moves a SKU with its variant and forgets deleted variants', async () => {
    const { engine } = await activatedTerminal(server);
    const { glue } = fixture.products;
    server.publish({
      entity: 'variant',
      key: glue.variantId,
      deleted: false,
      data: { id: glue.variantId, productId: glue.productId, sku: 'GLUE-2', name: '', attributes: {} },
    });
    await engine.sync();
    expect(await engine.lookupItem('GLUE-1')).toMatchObject({ ok: false, code: 'PRODUCT_NOT_FOUND' });
    expect(await engine.lookupItem('GLUE-2')).toMatchObject({ ok: true });
    server.publish({ entity: 'variant', key: glue.variantId, deleted: true, data: null });
    await engine.sync();
    expect(await engine.lookupItem('GLUE-2')).toMatchObject({ ok: false, code: 'PRODUCT_NOT_FOUND' });
    expect(await engine.lookupItem(glue.barcode)).toMatchObject({ ok: false, code: 'PRODUCT_NOT_FOUND' });
  });

  it('reloads everything, keeping the old state usable until the new one is complete', async () => {
    const { engine } = await activatedTerminal(server, { pullPageChangesMax: 5 });
    // The server lost the nails' rows without tombstones (e.g. restored): only a full reload can tell.
    const { nails } = fixture.products;
    const kept = server.changes.filter((change) => !JSON.stringify(change).includes(nails.variantId));
    server.changes.splice(0, server.changes.length, ...kept);

    server.unreachable = true;
    expect(await engine.reloadData()).toMatchObject({ ok: true, pull: { outcome: 'unknown' } });
    expect(await engine.status()).toMatchObject({ reloading: true });
    expect(await engine.lookupItem(nails.sku)).toMatchObject({ ok: true });

    server.unreachable = false;
    await engine.sync();
    expect(await engine.status()).toMatchObject({ reloading: false, stateLoaded: true });
    expect(await engine.lookupItem(nails.sku)).toMatchObject({ ok: false, code: 'PRODUCT_NOT_FOUND' });
    expect(await engine.lookupItem(fixture.products.hammer.sku)).toMatchObject({ ok: true });
  });

  it('stops recording when the server revokes the terminal, and still sends what is pending', async () => {
    const { engine } = await activatedTerminal(server);
    server.unreachable = true;
    await sellProduct(engine, 'glue');
    server.unreachable = false;
    const identity = await engine.identity();
    server.revoke(identity?.terminalId ?? '');
    // The push of the pending sale comes before the pull that carries the revocation.
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    expect(await engine.status()).toMatchObject({ activation: 'revoked' });
    expect(await sellProduct(engine, 'glue')).toEqual({ ok: false, code: 'TERMINAL_REVOKED' });
    expect(server.facts(identity?.terminalId ?? '')).toHaveLength(1);
  });
});
