import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cart, money, type SyncHealthResponse } from '@mostrador/core';
import {
  bearer,
  createTestTenant,
  TEST_PASSWORD,
  TEST_PINS,
  type TestTenant,
} from '@mostrador/server/testing';
import type { TerminalEngine } from '@mostrador/terminal';
import { type NodeTerminal, openNodeTerminal } from '@mostrador/terminal/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, type Link, type ListeningServer, startListeningServer } from './real-server';

/**
 * Sync health and manager sessions at the till, end to end: a till samples its connectivity and
 * backlog while it is cut off and uploads that history when it is back; a manager's PIN at the
 * till opens a server session bound to that store for the dashboard.
 */
describe('sync health and PIN sessions, end to end', () => {
  let server: ListeningServer;
  let tenant: TestTenant;
  let home: string;
  const opened: NodeTerminal[] = [];

  beforeAll(async () => {
    server = await startListeningServer();
    tenant = await createTestTenant(server.database, 10);
    home = await mkdtemp(join(tmpdir(), 'mostrador-health-'));
  });
  afterAll(async () => {
    for (const terminal of opened) await terminal.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function activatedTill(name: string, store: 'CR' | 'MX', link: Link): Promise<TerminalEngine> {
    const result = await openNodeTerminal({ home: join(home, name), transport: link.transport });
    if (!result.ok) throw new Error(`terminal ${name} did not open: ${result.code}`);
    opened.push(result);
    const { engine } = result;
    const activated = await engine.activate({
      serverUrl: server.url,
      tenant: tenant.slug,
      email: store === 'CR' ? tenant.emails.managerCr : tenant.emails.managerMx,
      password: TEST_PASSWORD,
      storeId: tenant.storeIds[store],
      name,
    });
    expect(activated.ok).toBe(true);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok' });
    return engine;
  }

  async function sellFirstStockedSku(engine: TerminalEngine, store: 'CR' | 'MX') {
    const row = await server.database.system
      .selectFrom('stock_levels')
      .innerJoin('variants', 'variants.id', 'stock_levels.variant_id')
      .select('variants.sku')
      .where('stock_levels.tenant_id', '=', tenant.tenantId)
      .where('stock_levels.warehouse_id', '=', tenant.warehouseIds[store])
      .where('stock_levels.qty_on_hand', '>=', '5')
      .orderBy('variants.sku')
      .executeTakeFirstOrThrow();
    const cart = await engine.newCart();
    if (!cart.ok) throw new Error(cart.code);
    const added = await engine.addToCart(cart.cart, { code: row.sku });
    if (!('cart' in added)) throw new Error(JSON.stringify(added));
    const filled = added.cart as Cart;
    const cash = money(filled.lines[0]!.unitPrice.amountMinor * 2 + 100_000, filled.currency);
    const sale = await engine.completeSale({ cart: filled, tenders: [{ kind: 'cash', amount: cash }] });
    expect(sale.ok).toBe(true);
  }

  async function health(token: string, query: string) {
    return server.app.inject({ method: 'GET', url: `/api/v1/sync/health${query}`, headers: bearer(token) });
  }

  it('uploads the offline stretch and the backlog it built, and the dashboard shows them', async () => {
    const link = createLink(server.url);
    const engine = await activatedTill('Caja salud', 'MX', link);
    await engine.login({ pin: TEST_PINS.MANAGER });

    link.online = false;
    await sellFirstStockedSku(engine, 'MX');
    await sellFirstStockedSku(engine, 'MX');
    expect(await engine.sync()).toMatchObject({ outcome: 'unknown', code: 'SERVER_UNREACHABLE' });
    expect(await engine.serverSession({ pin: TEST_PINS.MANAGER })).toMatchObject({
      ok: false,
      code: 'SERVER_UNREACHABLE',
    });
    link.online = true;
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });

    const session = await engine.serverSession({ pin: TEST_PINS.MANAGER });
    if (!session.ok) throw new Error(`no session: ${session.code}`);
    expect(session.user).toMatchObject({ id: tenant.userIds.managerMx, role: 'MANAGER' });

    const answer = await health(session.accessToken, `?storeId=${tenant.storeIds.MX}&days=2`);
    expect(answer.statusCode).toBe(200);
    const body = answer.json() as SyncHealthResponse;
    const identity = (await engine.identity())!;
    const till = body.terminals.find((terminal) => terminal.terminalId === identity.terminalId);
    expect(till).toMatchObject({ name: 'Caja salud', pendingCount: 0, openConflicts: 0 });
    expect(till!.lastReportAt).not.toBeNull();
    expect(till!.lastSuccessfulSyncAt).not.toBeNull();
    // The offline sample carries the backlog of two sales that could not go up.
    expect(till!.samples).toContainEqual(expect.objectContaining({ online: false, pendingCount: 2 }));
    expect(till!.samples.at(-1)).toMatchObject({ online: true, pendingCount: 0 });
    const times = till!.samples.map((sample) => sample.at);
    expect([...times].sort()).toEqual(times);
  });

  it('binds a PIN session to the till’s store and to the role’s permissions', async () => {
    const crTill = await activatedTill('Caja CR', 'CR', createLink(server.url));
    const cashier = await crTill.serverSession({ pin: TEST_PINS.CASHIER });
    if (!cashier.ok) throw new Error(`no session: ${cashier.code}`);
    expect(cashier.user.role).toBe('CASHIER');
    expect((await health(cashier.accessToken, '')).statusCode).toBe(403);

    const manager = await crTill.serverSession({ pin: TEST_PINS.MANAGER });
    if (!manager.ok) throw new Error(`no session: ${manager.code}`);
    expect((await health(manager.accessToken, `?storeId=${tenant.storeIds.CR}`)).statusCode).toBe(200);
    const otherStore = await health(manager.accessToken, `?storeId=${tenant.storeIds.MX}`);
    expect(otherStore.statusCode).toBe(403);
    expect(otherStore.json()).toMatchObject({ error: { code: 'STORE_NOT_ASSIGNED' } });
    // Without a store filter, the dashboard lists only the session's store.
    const all = (await health(manager.accessToken, '')).json() as SyncHealthResponse;
    expect(all.terminals.length).toBeGreaterThan(0);
    expect(all.terminals.every((terminal) => terminal.storeId === tenant.storeIds.CR)).toBe(true);

    expect(await crTill.serverSession({ pin: '0000' })).toMatchObject({ ok: false, code: 'INVALID_PIN' });
  });

  it('refuses bad reports and PIN logins without a valid device credential, and never counts a sample twice', async () => {
    const engine = await activatedTill('Caja informe', 'MX', createLink(server.url));
    const { deviceCredential, terminalId } = (await engine.identity())!;
    const headers = { authorization: `Device ${deviceCredential}` };
    const report = {
      health: {
        pendingCount: 3,
        oldestPendingAt: null,
        lastSuccessfulSyncAt: null,
        offlineSecondsTotal: 60,
        headSequence: 3,
        acknowledgedSequence: 0,
      },
      samples: [{ at: '2026-11-20T10:00:00.000Z', online: false, pendingCount: 3 }],
    };
    const post = (payload: object, authorization = headers) =>
      server.app.inject({ method: 'POST', url: '/api/v1/sync/status', headers: authorization, payload });

    expect((await post(report)).json()).toEqual({ acceptedSamples: 1 });
    expect((await post(report)).json()).toEqual({ acceptedSamples: 0 });
    const stored = await server.database.system
      .selectFrom('terminal_health_samples')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('terminal_id', '=', terminalId)
      .where('sampled_at', '=', new Date('2026-11-20T10:00:00.000Z'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.count)).toBe(1);

    const forged = { authorization: `Device ${deviceCredential.slice(0, -4)}AAAA` };
    expect((await post(report, forged)).statusCode).toBe(401);
    expect((await post({ ...report, health: { ...report.health, pendingCount: -1 } })).statusCode).toBe(400);
    expect((await post({ ...report, extra: true })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, index) => ({
      at: new Date(Date.UTC(2026, 10, 1, 0, index)).toISOString(),
      online: true,
      pendingCount: 0,
    }));
    expect((await post({ ...report, samples: tooMany })).statusCode).toBe(400);

    const pinLogin = (payload: object, authorization: Record<string, string>) =>
      server.app.inject({ method: 'POST', url: '/api/v1/auth/pin-login', headers: authorization, payload });
    expect(
      (await pinLogin({ userId: tenant.userIds.managerMx, pin: TEST_PINS.MANAGER }, forged)).statusCode,
    ).toBe(401);
    expect((await pinLogin({ userId: tenant.userIds.managerMx, pin: 'abcd' }, headers)).statusCode).toBe(400);
    // A user of another store cannot open a session at this store's till.
    const foreign = await pinLogin({ userId: tenant.userIds.cashierCr, pin: TEST_PINS.CASHIER }, headers);
    expect(foreign.statusCode).toBe(403);
  });
});
