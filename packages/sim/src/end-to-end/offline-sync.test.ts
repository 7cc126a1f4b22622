import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cart, money } from '@mostrador/core';
import {
  bearer,
  createTestTenant,
  login,
  TEST_PASSWORD,
  TEST_PINS,
  type TestTenant,
} from '@mostrador/server/testing';
import type { TerminalEngine } from '@mostrador/terminal';
import { type NodeTerminal, openNodeTerminal } from '@mostrador/terminal/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, type Link, type ListeningServer, startListeningServer } from './real-server';

/**
 * The real terminal engine (file store, fsync) against the real server (PGlite, or PostgreSQL with
 * DATABASE_URL) over real HTTP, with the link cut and answers lost on purpose.
 */
describe('terminal ⇄ server, end to end', () => {
  let server: ListeningServer;
  let tenant: TestTenant;
  let home: string;
  const opened: NodeTerminal[] = [];

  beforeAll(async () => {
    server = await startListeningServer();
    tenant = await createTestTenant(server.database, 30);
    home = await mkdtemp(join(tmpdir(), 'mostrador-e2e-'));
  });
  afterAll(async () => {
    for (const terminal of opened) await terminal.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function openTerminal(name: string, link: Link, pullPageChangesMax?: number): Promise<NodeTerminal> {
    const result = await openNodeTerminal({
      home: join(home, name),
      transport: link.transport,
      ...(pullPageChangesMax === undefined ? {} : { pullPageChangesMax }),
    });
    if (!result.ok) throw new Error(`terminal ${name} did not open: ${result.code}`);
    opened.push(result);
    return result;
  }

  async function activateAndLoad(engine: TerminalEngine, store: 'CR' | 'MX', name: string) {
    const email = store === 'CR' ? tenant.emails.managerCr : tenant.emails.managerMx;
    const activated = await engine.activate({
      serverUrl: server.url,
      tenant: tenant.slug,
      email,
      password: TEST_PASSWORD,
      storeId: tenant.storeIds[store],
      name,
    });
    expect(activated.ok).toBe(true);
    const synced = await engine.sync();
    expect(synced).toMatchObject({ outcome: 'ok' });
    const loggedIn = await engine.login({ pin: TEST_PINS.MANAGER });
    expect(loggedIn.ok).toBe(true);
  }

  /** A SKU of the catalog with stock in the store, and its current on-hand there. */
  async function stockedSku(store: 'CR' | 'MX', offset = 0) {
    const row = await server.database.system
      .selectFrom('stock_levels')
      .innerJoin('variants', 'variants.id', 'stock_levels.variant_id')
      .select(['variants.sku', 'variants.id', 'stock_levels.qty_on_hand'])
      .where('stock_levels.tenant_id', '=', tenant.tenantId)
      .where('stock_levels.warehouse_id', '=', tenant.warehouseIds[store])
      .where('stock_levels.qty_on_hand', '>=', '5')
      .orderBy('variants.sku')
      .offset(offset)
      .executeTakeFirstOrThrow();
    return row;
  }

  async function sellOne(engine: TerminalEngine, sku: string, currency: 'CRC' | 'MXN') {
    const cart = await engine.newCart();
    if (!cart.ok) throw new Error(cart.code);
    const added = await engine.addToCart(cart.cart, { code: sku });
    if (!('cart' in added)) throw new Error(`add ${sku}: ${JSON.stringify(added)}`);
    const filled = added.cart as Cart;
    const line = filled.lines[0]!;
    // Pay with a generous cash amount; the engine computes the change.
    const cash = money(line.unitPrice.amountMinor * 2 + 100_000, currency);
    return engine.completeSale({ cart: filled, tenders: [{ kind: 'cash', amount: cash }] });
  }

  async function serverFacts(terminalId: string) {
    return server.database.system
      .selectFrom('facts')
      .select(['sequence', 'event_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminalId)
      .orderBy('sequence')
      .execute();
  }

  it('sells offline, then delivers every sale exactly once, with final folios, even when answers are lost', async () => {
    const link = createLink(server.url);
    const { engine } = await openTerminal('mx-1', link);
    await activateAndLoad(engine, 'MX', 'Caja MX 1');
    const identity = (await engine.identity())!;
    const { sku } = await stockedSku('MX');

    link.online = false;
    const saleIds: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const sold = await sellOne(engine, sku, 'MXN');
      expect(sold.ok, JSON.stringify(sold)).toBe(true);
      if (sold.ok) saleIds.push(sold.sale.saleId);
    }
    expect((await engine.status()).pendingCount).toBe(12);

    // Back online, but the first push's answer is lost after the server committed it.
    link.online = true;
    link.loseAnswers = { pathPrefix: '/api/v1/sync/push', count: 1 };
    const lost = await engine.sync();
    expect(lost).toMatchObject({ outcome: 'unknown' });
    expect((await engine.status()).pendingCount).toBe(12);
    const resent = await engine.sync();
    expect(resent).toMatchObject({ outcome: 'ok', pendingCount: 0 });

    const facts = await serverFacts(identity.terminalId);
    expect(facts.map((fact) => fact.sequence)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    const sales = await server.database.system
      .selectFrom('sales')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', identity.terminalId)
      .execute();
    expect(sales.map((sale) => sale.id).sort()).toEqual([...saleIds].sort());

    // Every receipt now shows its final folio, gapless in the store's series.
    const finals: string[] = [];
    for (const saleId of saleIds) {
      const local = await engine.getSale(saleId);
      expect(local?.finalFolio).toBeTruthy();
      finals.push(local!.finalFolio!);
    }
    const numbers = finals
      .map((folio) => Number(folio.split('-').at(-1)))
      .sort((left, right) => left - right);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, index) => numbers[0]! + index));
  });

  it('two terminals sell the last unit offline: both sales kept, exactly one oversell conflict', async () => {
    const linkA = createLink(server.url);
    const linkB = createLink(server.url);
    const a = (await openTerminal('cr-a', linkA)).engine;
    const b = (await openTerminal('cr-b', linkB)).engine;
    await activateAndLoad(a, 'CR', 'Caja A');
    await activateAndLoad(b, 'CR', 'Caja B');
    const { sku, id: variantId } = await stockedSku('CR', 3);

    // The store has exactly one unit left, and both tills know it.
    const admin = await login(server.app, tenant, tenant.emails.managerCr);
    const adjust = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(admin),
      payload: {
        warehouseId: tenant.warehouseIds.CR,
        reason: 'conteo',
        lines: [{ variantId, countedQuantity: '1' }],
      },
    });
    expect(adjust.statusCode).toBe(201);
    expect(await a.sync()).toMatchObject({ outcome: 'ok' });
    expect(await b.sync()).toMatchObject({ outcome: 'ok' });

    linkA.online = false;
    linkB.online = false;
    // The tills learn they are offline the way they always do: a request fails.
    expect(await a.sync()).toMatchObject({ outcome: 'unknown' });
    expect(await b.sync()).toMatchObject({ outcome: 'unknown' });
    expect((await a.status()).online).toBe(false);
    expect((await sellOne(a, sku, 'CRC')).ok).toBe(true);
    expect((await sellOne(b, sku, 'CRC')).ok).toBe(true);
    // The guard stops a second sale of the same unit on the same till.
    const again = await sellOne(a, sku, 'CRC');
    expect(again).toMatchObject({ ok: false, code: 'STOCK_GUARD_BLOCKED' });

    linkA.online = true;
    linkB.online = true;
    expect(await a.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    expect(await b.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });

    const level = await server.database.system
      .selectFrom('stock_levels')
      .select('qty_on_hand')
      .where('tenant_id', '=', tenant.tenantId)
      .where('warehouse_id', '=', tenant.warehouseIds.CR)
      .where('variant_id', '=', variantId)
      .executeTakeFirstOrThrow();
    expect(Number(level.qty_on_hand)).toBe(-1);
    const conflicts = await server.database.system
      .selectFrom('conflicts')
      .select(['kind'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('kind', '=', 'oversell')
      .execute();
    expect(conflicts).toHaveLength(1);
  });

  it('"reload data" keeps identity, counters and unsynced sales: no folio is reused, nothing is lost', async () => {
    const link = createLink(server.url);
    const { engine } = await openTerminal('cr-reload', link);
    await activateAndLoad(engine, 'CR', 'Caja recarga');
    const { sku } = await stockedSku('CR', 6);
    link.online = false;
    const first = await sellOne(engine, sku, 'CRC');
    link.online = true;
    const reloaded = await engine.reloadData();
    expect(reloaded.ok).toBe(true);
    const second = await sellOne(engine, sku, 'CRC');
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(second.sale.provisionalFolio).not.toBe(first.sale.provisionalFolio);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    const identity = (await engine.identity())!;
    expect((await serverFacts(identity.terminalId)).map((fact) => fact.sequence)).toEqual([1, 2]);
  });

  it('re-sends what a server restored from an old backup lost', async () => {
    const link = createLink(server.url);
    const { engine } = await openTerminal('mx-restore', link);
    await activateAndLoad(engine, 'MX', 'Caja respaldo');
    const { sku } = await stockedSku('MX', 2);
    for (let index = 0; index < 5; index += 1) expect((await sellOne(engine, sku, 'MXN')).ok).toBe(true);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    const identity = (await engine.identity())!;

    // Simulate the restore: the server forgets the last three facts it had acknowledged (a
    // terminal's chain head on the server is its highest stored fact).
    await server.database.system
      .deleteFrom('facts')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', identity.terminalId)
      .where('sequence', '>', 2)
      .execute();

    for (let index = 0; index < 2; index += 1) expect((await sellOne(engine, sku, 'MXN')).ok).toBe(true);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    expect((await serverFacts(identity.terminalId)).map((fact) => fact.sequence)).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it('a pull cut off between pages resumes where it stopped and converges on the server state', async () => {
    const link = createLink(server.url);
    const { engine } = await openTerminal('mx-pull', link, 25);
    await activateAndLoad(engine, 'MX', 'Caja pull');
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const variants = await server.database.system
      .selectFrom('variants')
      .select(['id', 'sku'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('sku')
      .limit(80)
      .execute();
    for (const [index, variant] of variants.entries()) {
      const response = await server.app.inject({
        method: 'PUT',
        url: `/api/v1/variants/${variant.id}/prices`,
        headers: bearer(admin),
        payload: { currency: 'MXN', amountMinor: 50_000 + index },
      });
      expect(response.statusCode).toBe(200);
    }
    // The connection drops before the third page: two pages are applied with their cursor.
    let pulls = 0;
    link.cutBefore = (path) => path.startsWith('/api/v1/sync/pull') && ++pulls === 3;
    const cut = await engine.sync();
    expect(cut).toMatchObject({ outcome: 'unknown' });
    const resumed = await engine.sync();
    expect(resumed).toMatchObject({ outcome: 'ok' });
    for (const [index, variant] of variants.entries()) {
      const item = await engine.lookupItem(variant.sku);
      expect(item.ok && item.item.unitPrice.amountMinor).toBe(50_000 + index);
    }
  });
});
