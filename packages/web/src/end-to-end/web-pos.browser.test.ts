import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bearer,
  createTestTenant,
  type ListeningServer,
  login,
  startListeningServer,
  TEST_PASSWORD,
  TEST_PINS,
  type TestTenant,
} from '@mostrador/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../build/build-web-app';
import { type AppFront, startAppFront } from './app-front';
import { barcodedUnitVariants } from './barcoded-variants';
import {
  activate,
  browserProcessId,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  cartLine,
  goTo,
  launchProfile,
  newSale,
  openApp,
  paySplit,
  pinLogin,
  scanLine,
  VIEWPORT,
  waitForOfflineShell,
} from './till-driver';

/**
 * The web POS end to end, in Debian's Chromium, against the real server (PGlite, or PostgreSQL with
 * DATABASE_URL) which also serves the built app. The scenarios of issue 4 run in order on shared
 * browser profiles: what one leaves behind (an activated till, synced sales) is where the next starts.
 * A missing Chromium fails this file; it is never skipped.
 */
const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const OFFLINE_SALES = 20;
const KILLED_SALES = 3;
const SCENARIO_TIMEOUT_MS = 120_000;
const SERVER_POLL = { timeout: 30_000, interval: 250 };

it(`finds Chromium at ${CHROMIUM_PATH}`, () => {
  expect(
    existsSync(CHROMIUM_PATH),
    'Install Chromium: apt-get install chromium (.ci/install-chromium.sh)',
  ).toBe(true);
});

describe('web POS in Chromium', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  let server: ListeningServer;
  let front: AppFront;
  let tenant: TestTenant;
  let adminToken: string;
  let home: string;
  let profileA: string;
  let contextA: BrowserContext | undefined;
  let pageA: Page;
  let terminalA = '';
  let mxSku: { sku: string; barcode: string; variantId: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'mostrador-web-e2e-'));
    const dist = await buildWebApp(join(home, 'dist'));
    server = await startListeningServer({ webAppDirectory: dist });
    front = await startAppFront(server.url);
    tenant = await createTestTenant(server.database, 12);
    adminToken = await login(server.app, tenant, tenant.emails.admin);
    profileA = join(home, 'profile-a');
    await mkdir(SCREENSHOTS, { recursive: true });
    mxSku = await stockedVariant('MX', 'MXN', 500, 0);
  }, 120_000);

  afterAll(async () => {
    await contextA?.close().catch(() => undefined);
    await front?.close();
    await server?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  /** A variant sold by the unit, priced in the store's currency, with a barcode; its stock set to `onHand`. */
  async function stockedVariant(store: 'CR' | 'MX', currency: string, onHand: number, offset: number) {
    const row = await barcodedUnitVariants(server.database, tenant.tenantId, currency)
      .orderBy('variants.sku')
      .offset(offset)
      .limit(1)
      .executeTakeFirstOrThrow();
    const adjusted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(adminToken),
      payload: {
        warehouseId: tenant.warehouseIds[store],
        reason: 'e2e setup',
        lines: [{ variantId: row.id, countedQuantity: String(onHand) }],
      },
    });
    expect(adjusted.statusCode, adjusted.body).toBe(201);
    return { sku: row.sku, barcode: row.code, variantId: row.id };
  }

  async function serverSales(terminalId: string) {
    return server.database.system
      .selectFrom('sales')
      .select(['id', 'final_folio', 'provisional_folio', 'event_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminalId)
      .execute();
  }

  async function serverFactSequences(terminalId: string) {
    const rows = await server.database.system
      .selectFrom('facts')
      .select('sequence')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminalId)
      .orderBy('sequence')
      .execute();
    return rows.map((row) => row.sequence);
  }

  /** The terminal the server registered under this name (names are unique in these tests). */
  async function terminalIdNamed(name: string): Promise<string> {
    const row = await server.database.system
      .selectFrom('terminals')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function localSaleRows(page: Page) {
    await goTo(page, 'Ventas');
    await page.getByTestId('sales-table').waitFor();
    return page.getByTestId('sale-row');
  }

  async function screenshot(page: Page, name: string) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  it('1. activates a terminal and sells online; the sale reaches the server with a final folio', async () => {
    contextA = await launchProfile(profileA);
    pageA = await openApp(contextA, front.url, pageErrors);
    await activate(pageA, {
      tenant: tenant.slug,
      email: tenant.emails.managerMx,
      password: TEST_PASSWORD,
      storeCode: 'MX',
      terminalName: 'Caja MX 1',
    });
    await waitForOfflineShell(pageA);
    await pinLogin(pageA, TEST_PINS.MANAGER);
    terminalA = await terminalIdNamed('Caja MX 1');

    // The scanner, with nothing focused: the line appears.
    await scanLine(pageA, mxSku.barcode, mxSku.sku);
    // Instant search by name finds it too, and Enter adds it again.
    await pageA.getByLabel('Buscar por nombre, SKU o código de barras').fill(mxSku.sku);
    await pageA
      .getByRole('button', { name: new RegExp(mxSku.sku) })
      .first()
      .waitFor();
    await pageA.keyboard.press('Enter');
    await expect.poll(() => cartLine(pageA, mxSku.sku).getByRole('textbox').inputValue()).toBe('2');
    await screenshot(pageA, 'cashier');

    await pageA.keyboard.press('F2');
    const dialog = pageA.getByTestId('payment-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '+ Tarjeta' }).click();
    await dialog.getByLabel('Monto en Tarjeta (2)').fill('10');
    await dialog.getByLabel('Monto en Efectivo (1)').fill('1000');
    await dialog.getByTestId('change-due').waitFor();
    await screenshot(pageA, 'payment');
    await dialog.getByRole('button', { name: 'Confirmar cobro (Enter)' }).click();
    await pageA.getByTestId('receipt-dialog').waitFor();

    await expect.poll(async () => (await serverSales(terminalA)).length, SERVER_POLL).toBe(1);
    const [sale] = await serverSales(terminalA);
    expect(sale?.final_folio).toMatch(/\d{8}$/);
    expect(sale?.final_folio).not.toBe(sale?.provisional_folio);
    // The receipt on screen turns to the final folio once the push answer arrives.
    await expect
      .poll(() => pageA.getByTestId('receipt').getAttribute('data-final-folio'), SERVER_POLL)
      .toBe(sale?.final_folio);
    await expect(pageA.getByTestId('receipt').textContent()).resolves.toContain(sale?.final_folio ?? '-');
    await screenshot(pageA, 'receipt');
    await newSale(pageA);
  });

  it('5. refuses to sell in a second tab of the same terminal and says why', async () => {
    const second = await contextA!.newPage();
    second.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    await second.goto(front.url);
    const banner = second.getByTestId('open-elsewhere');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('ya está abierta en otra pestaña');
    const pay = second.getByRole('button', { name: /^Cobrar/ });
    await pay.waitFor();
    expect(await pay.isDisabled()).toBe(true);
    await second.close();
    // The first tab still sells.
    expect(await pageA.getByTestId('open-elsewhere').count()).toBe(0);
  });

  it('6. closes a shift with a blind count: the expected cash is not in the page before the count is sent', async () => {
    await goTo(pageA, 'Turno');
    await pageA.getByLabel('Fondo inicial').fill('123.45');
    await pageA.getByRole('button', { name: 'Abrir turno' }).click();
    await pageA.getByTestId('blind-count').waitFor();
    // A cash sale in the shift, so the expected cash differs from the float shown on the screen.
    await goTo(pageA, 'Venta');
    await scanLine(pageA, mxSku.barcode, mxSku.sku);
    await paySplit(pageA, null);
    await newSale(pageA);

    await goTo(pageA, 'Turno');
    const count = pageA.getByTestId('blind-count');
    await count.waitFor();
    await count.getByLabel(/^\$500\.00/).fill('1');
    await count.getByLabel(/^\$0\.50/).fill('3');
    const beforeSubmit = await pageA.content();
    expect(await pageA.getByTestId('expected-cash').count()).toBe(0);
    await count.getByRole('button', { name: 'Enviar conteo y cerrar turno' }).click();
    const expected = (await pageA.getByTestId('expected-cash').textContent()) ?? '';
    const overShort = (await pageA.getByTestId('over-short').textContent()) ?? '';
    expect(expected).toMatch(/\$\d/);
    expect(expected).not.toBe('$123.45');
    expect(beforeSubmit).not.toContain(expected);
    expect(beforeSubmit).not.toContain(overShort.replace('-', ''));
    expect(beforeSubmit).not.toMatch(/Esperado|Sobrante|Faltante/);
    await goTo(pageA, 'Venta');
  });

  it('2. sells 20 offline with split tenders, survives a reload and a browser restart offline, then delivers each sale once', async () => {
    const before = (await serverSales(terminalA)).length;
    await contextA!.setOffline(true);
    for (let index = 0; index < OFFLINE_SALES; index += 1) {
      await scanLine(pageA, mxSku.barcode, mxSku.sku);
      await paySplit(pageA, '5');
      await newSale(pageA);
    }
    expect(
      Number(await pageA.getByTestId('connection-indicator').getAttribute('data-pending')),
    ).toBeGreaterThanOrEqual(OFFLINE_SALES);
    const pendingRows = (page: Page) => page.locator('[data-testid="sale-row"][data-final-folio=""]');

    // Reload with no network: the service worker opens the app, the data is all there.
    await pageA.reload();
    await (await localSaleRows(pageA)).first().waitFor();
    expect(await pendingRows(pageA).count()).toBe(OFFLINE_SALES);

    // Close the browser and start it again, still offline.
    await contextA!.close();
    contextA = await launchProfile(profileA, { offline: true });
    pageA = await openApp(contextA, front.url, pageErrors);
    await (await localSaleRows(pageA)).first().waitFor();
    expect(await pendingRows(pageA).count()).toBe(OFFLINE_SALES);
    expect(await serverSales(terminalA)).toHaveLength(before);

    // The network comes back: every sale arrives once, and each row shows its final folio.
    await contextA.setOffline(false);
    await expect
      .poll(async () => (await serverSales(terminalA)).length, SERVER_POLL)
      .toBe(before + OFFLINE_SALES);
    const sales = await serverSales(terminalA);
    expect(new Set(sales.map((sale) => sale.id)).size).toBe(sales.length);
    const sequences = await serverFactSequences(terminalA);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, index) => index + 1));
    await expect.poll(() => pendingRows(pageA).count(), SERVER_POLL).toBe(0);
    const shownFolios = await pageA
      .getByTestId('sale-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-final-folio')));
    expect(new Set(shownFolios)).toEqual(new Set(sales.map((sale) => sale.final_folio)));
    await goTo(pageA, 'Venta');
  });

  it('4. loses nothing and duplicates nothing when the browser is killed in the middle of a sync', async () => {
    const before = await serverSales(terminalA);
    await contextA!.setOffline(true);
    for (let index = 0; index < KILLED_SALES; index += 1) {
      await scanLine(pageA, mxSku.barcode, mxSku.sku);
      await paySplit(pageA, null);
      await newSale(pageA);
    }
    // The push reaches the server and commits; its answer never reaches the browser, which dies.
    const held = front.holdNextPushAnswer();
    await contextA!.setOffline(false);
    await held;
    expect((await serverSales(terminalA)).length).toBe(before.length + KILLED_SALES);
    const closed = new Promise((resolve) => contextA!.once('close', resolve));
    process.kill(browserProcessId(profileA), 'SIGKILL');
    await closed;
    front.releaseHeld();

    contextA = await launchProfile(profileA);
    pageA = await openApp(contextA, front.url, pageErrors);
    const rows = await localSaleRows(pageA);
    await rows.first().waitFor();
    await expect
      .poll(() => pageA.locator('[data-testid="sale-row"][data-final-folio=""]').count(), SERVER_POLL)
      .toBe(0);
    const after = await serverSales(terminalA);
    expect(after).toHaveLength(before.length + KILLED_SALES);
    expect(new Set(after.map((sale) => sale.event_id)).size).toBe(after.length);
    const sequences = await serverFactSequences(terminalA);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, index) => index + 1));
    expect(await rows.count()).toBe(after.length);
  });

  it('3. two terminals sell the last unit offline: both sales kept, one oversell conflict, resolved and audited', async () => {
    const lastUnit = await stockedVariant('CR', 'CRC', 1, 3);
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const tills: { context: BrowserContext; page: Page; name: string }[] = [];
      for (const name of ['Caja CR 1', 'Caja CR 2']) {
        const context = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CR' });
        context.setDefaultTimeout(20_000);
        const page = await openApp(context, front.url, pageErrors);
        await activate(page, {
          tenant: tenant.slug,
          email: tenant.emails.managerCr,
          password: TEST_PASSWORD,
          storeCode: 'CR',
          terminalName: name,
        });
        await pinLogin(page, TEST_PINS.CASHIER);
        tills.push({ context, page, name });
      }
      for (const till of tills) await till.context.setOffline(true);
      for (const till of tills) {
        await scanLine(till.page, lastUnit.barcode, lastUnit.sku);
        await paySplit(till.page, null);
        await newSale(till.page);
      }
      // The guard stops a second unit offline, and says so plainly: at the scan, then at payment.
      const first = tills[0]!.page;
      await scanLine(first, lastUnit.barcode, lastUnit.sku);
      const problem = first.getByTestId('sale-problem');
      await expect
        .poll(() => problem.textContent())
        .toContain('Sin conexión, esta caja solo puede vender 0 de');
      await first.keyboard.press('F2');
      const payment = first.getByTestId('payment-dialog');
      await payment.waitFor();
      await payment.getByRole('button', { name: 'Exacto' }).click();
      await payment.getByRole('button', { name: 'Confirmar cobro (Enter)' }).click();
      await expect.poll(() => problem.textContent()).toContain('Sin conexión no podemos confirmar que quede');
      await first.keyboard.press('F4');

      for (const till of tills) await till.context.setOffline(false);
      const terminalIds = await Promise.all(tills.map((till) => terminalIdNamed(till.name)));
      await expect
        .poll(
          async () => (await Promise.all(terminalIds.map(serverSales))).map((sales) => sales.length),
          SERVER_POLL,
        )
        .toEqual([1, 1]);
      const conflicts = () =>
        server.database.system
          .selectFrom('conflicts')
          .select(['id', 'status', 'resolved_by', 'resolved_at'])
          .where('tenant_id', '=', tenant.tenantId)
          .where('kind', '=', 'oversell')
          .execute();
      await expect.poll(async () => (await conflicts()).length, SERVER_POLL).toBe(1);

      // The store's manager signs in at the first till and resolves it from the queue.
      await first.getByRole('button', { name: 'Salir' }).click();
      await pinLogin(first, TEST_PINS.MANAGER);
      await goTo(first, 'Conflictos');
      await first.getByLabel('PIN del gerente').fill(TEST_PINS.MANAGER);
      await first.getByRole('button', { name: 'Entrar' }).click();
      const item = first.getByTestId('conflict-item');
      await item.waitFor();
      expect(await item.count()).toBe(1);
      await item.getByRole('button').click();
      const detail = first.getByTestId('conflict-detail');
      await detail.waitFor();
      await screenshot(first, 'conflicts');
      await detail.getByLabel('Nota').fill('Había una unidad más en bodega');
      await detail.getByRole('button', { name: 'Ajustar inventario' }).click();
      await expect
        .poll(() => detail.getByTestId('conflict-status').textContent(), SERVER_POLL)
        .toBe('Resueltos');
      expect(await detail.getByTestId('conflict-resolved-by').textContent()).toContain('Manager CR');

      const [resolved] = await conflicts();
      expect(resolved).toMatchObject({ status: 'resolved', resolved_by: tenant.userIds.managerCr });
      const audit = await server.app.inject({
        method: 'GET',
        url: `/api/v1/audit?action=conflict.resolved&entityId=${resolved!.id}`,
        headers: bearer(adminToken),
      });
      const entries = (audit.json() as { items: { actorUserId: string; at: string }[] }).items;
      expect(entries).toHaveLength(1);
      expect(entries[0]?.actorUserId).toBe(tenant.userIds.managerCr);
      expect(Date.parse(entries[0]?.at ?? '')).toBeGreaterThan(0);

      // 7. The sync health dashboard for the store, with the chart.
      await goTo(first, 'Sincronización');
      const table = first.getByTestId('health-table');
      await table.waitFor();
      expect(await table.getByRole('row').count()).toBe(3);
      await first.locator('.health-chart canvas').first().waitFor();
      await screenshot(first, 'sync-health');
    } finally {
      await browser.close();
    }
  });
});
