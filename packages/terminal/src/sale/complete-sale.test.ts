import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '@mostrador/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine } from '../engine';
import { openFileStore } from '../storage/file-store';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('completeSale', () => {
  let server: FakeServer;
  let directory: string;

  beforeEach(async () => {
    server = await startSeededServer();
    directory = await mkdtemp(join(tmpdir(), 'mostrador-sale-'));
  });
  afterEach(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('returns only after the sale is durable: a reopened store has it, with its fact', async () => {
    const store = await openFileStore(directory);
    const vault = memoryDeviceKeyVault();
    const { engine } = await activatedTerminal(server, { store, keyVault: vault });
    const sold = await sellProduct(engine, 'hammer', 2);
    expect(sold.ok).toBe(true);
    if (!sold.ok) return;
    await engine.close();
    await store.close();

    const reopened = await openFileStore(directory);
    const again = await openTerminalEngine({ store: reopened, keyVault: vault });
    expect(await again.getSale(sold.sale.saleId)).toEqual(sold.sale);
    const facts = [];
    for await (const stored of again.exportFacts()) facts.push(stored.envelope);
    expect(facts.map((fact) => fact.payload.type)).toEqual(['SaleCompleted']);
    expect((await again.status()).pendingCount).toBe(1);
    await again.close();
    await reopened.close();
  });

  it('continues the sequence and the hash chain across a reopen', async () => {
    const store = await openFileStore(directory);
    const vault = memoryDeviceKeyVault();
    const { engine } = await activatedTerminal(server, { store, keyVault: vault });
    await sellProduct(engine, 'hammer');
    await sellProduct(engine, 'glue');
    await engine.close();
    await store.close();

    const reopened = await openFileStore(directory);
    const again = await openTerminalEngine({ store: reopened, keyVault: vault });
    await sellProduct(again, 'nails', 3);
    const facts = [];
    for await (const stored of again.exportFacts()) facts.push(stored.envelope);
    expect(facts.map((fact) => fact.sequence)).toEqual([1, 2, 3]);
    const identity = await again.identity();
    const verification = verifyChain(facts, Buffer.from(identity?.publicKeyHex ?? '', 'hex'), {
      expectedFirstSequence: 1,
      expectedPrevHash: '0'.repeat(64),
    });
    expect(verification).toEqual({ ok: true, head: { sequence: 3, hash: facts[2]?.hash } });
    await again.close();
    await reopened.close();
  });

  it('records the totals the tenders pay, change and cash rounding included', async () => {
    const { engine } = await activatedTerminal(server);
    const sold = await sellProduct(engine, 'glue', 3);
    expect(sold.ok).toBe(true);
    if (!sold.ok) return;
    // 3 × 49.90 = 149.70, already a multiple of the 0.10 cash increment; paid 300.00, change 150.30.
    expect(sold.sale.totalMinor).toBe(14_970);
    expect(sold.sale.cashRoundingMinor).toBe(0);
    expect(sold.sale.changeMinor).toBe(15_030);
    expect(sold.sale.lines[0]?.sku).toBe(fixture.products.glue.sku);
    expect(sold.sale.provisionalFolio).toMatch(/^P[0-9A-F]{8}-00000001$/);
  });

  it('lists the local history newest first, page by page', async () => {
    const { engine } = await activatedTerminal(server);
    const saleIds = [];
    for (let sale = 0; sale < 5; sale += 1) {
      const sold = await sellProduct(engine, 'glue');
      if (sold.ok) saleIds.push(sold.sale.saleId);
    }
    const firstPage = await engine.listSales({ limit: 2 });
    expect(firstPage.map((sale) => sale.saleId)).toEqual([saleIds[4], saleIds[3]]);
    const secondPage = await engine.listSales({ limit: 2, before: firstPage.at(-1)?.saleId ?? '' });
    expect(secondPage.map((sale) => sale.saleId)).toEqual([saleIds[2], saleIds[1]]);
  });

  it('refuses an empty cart, missing tenders and a short payment without recording anything', async () => {
    const { engine } = await activatedTerminal(server);
    const started = await engine.newCart();
    if (!started.ok) throw new Error(started.code);
    expect(await engine.completeSale({ cart: started.cart, tenders: [] })).toEqual({
      ok: false,
      code: 'CART_EMPTY',
    });
    const added = await engine.addToCart(started.cart, { code: fixture.products.hammer.barcode });
    if (!added.ok || !('cart' in added)) throw new Error('no cart');
    expect(await engine.completeSale({ cart: added.cart, tenders: [] })).toEqual({
      ok: false,
      code: 'NO_TENDERS',
    });
    expect(
      await engine.completeSale({
        cart: added.cart,
        tenders: [{ kind: 'cash', amount: { amountMinor: 100, currency: 'MXN' } }],
      }),
    ).toMatchObject({ ok: false, code: 'TENDERS_SHORT', shortBy: { amountMinor: 24_900 } });
    await engine.logout();
    expect(
      await engine.completeSale({
        cart: added.cart,
        tenders: [{ kind: 'cash', amount: { amountMinor: 25_000, currency: 'MXN' } }],
      }),
    ).toEqual({ ok: false, code: 'NOT_LOGGED_IN' });
    expect(await engine.status()).toMatchObject({ headSequence: 0, pendingCount: 0 });
    // The refused sales read a folio number but never took it: the first sale recorded has the first.
    expect(await engine.login({ pin: fixture.cashierPin })).toMatchObject({ ok: true });
    const sold = await sellProduct(engine, 'hammer');
    if (!sold.ok) throw new Error(sold.code);
    expect(sold.sale.provisionalFolio).toMatch(/-00000001$/);
  });
});
