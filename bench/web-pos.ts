import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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
import {
  barcodedUnitVariants,
  buildWebApp,
  launchProfile,
  openApp,
  pinLogin,
  scan,
} from '@mostrador/web/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { pageProfileWindow, profileWindowFromEnvironment } from './profile-window';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  roundTo,
  summarizeLatencies,
} from './report';

/*
 * web-pos: the web POS in headless Chromium (Debian's, /usr/bin/chromium) against the real server,
 * with a large catalog pulled into the browser's encrypted IndexedDB:
 * - scan → line: a barcode as a keyboard-wedge burst (its keys + Enter dispatched in the page), from
 *   the Enter keydown's event time to the frame after the cart row is in the DOM (measured in the
 *   page): the wedge, the engine's lookup in IndexedDB, the cart and React's render;
 * - pay → durable commit: from the click on "Confirmar cobro" to the frame after the receipt
 *   dialog is in the DOM, which the app opens only once completeSale has committed to IndexedDB
 *   (durability 'strict'); the link is offline, so the stock guard runs and no request is made;
 * - cold start offline: a fresh browser process on the same profile with no network, from
 *   page.goto to the till's "Cobrar" button on screen (the service worker serves the app);
 * - bundle: every file of dist/ gzipped.
 */
export interface WebPosOptions {
  readonly productCount: number;
  readonly scans: number;
  readonly sales: number;
  readonly coldStarts: number;
  readonly log?: (message: string) => void;
}

export const WEB_POS_FULL: WebPosOptions = { productCount: 22_000, scans: 300, sales: 100, coldStarts: 3 };
export const WEB_POS_QUICK: WebPosOptions = { productCount: 300, scans: 40, sales: 15, coldStarts: 1 };

const LINES_PER_CART = 20;
const ACTIVATION_TIMEOUT_MS = 30 * 60_000;
const STOCK_LINES_PER_REQUEST = 1_000;

export type WebPosResults = {
  readonly skuCount: number;
  readonly seedSeconds: number;
  readonly activationSeconds: number;
  readonly searchIndexReadySeconds: number;
  readonly scanToLine: LatencySummary;
  readonly payToDurableCommit: LatencySummary;
  readonly coldStartOfflineMs: readonly number[];
  readonly coldStartOfflineMedianMs: number;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
};

interface ScanTarget {
  readonly sku: string;
  readonly barcode: string;
  readonly variantId: string;
}

export async function runWebPos(options: WebPosOptions): Promise<BenchmarkReport<WebPosResults>> {
  const log = options.log ?? (() => undefined);
  const home = await mkdtemp(join(tmpdir(), 'mostrador-web-bench-'));
  log('building the app');
  const dist = await buildWebApp(join(home, 'dist'));
  const bundle = bundleSize(dist);
  const server = await startListeningServer({ webAppDirectory: dist });
  let context: BrowserContext | undefined;
  try {
    log(`seeding ${options.productCount} products`);
    const seedStartedMs = performance.now();
    const tenant = await createTestTenant(server.database, options.productCount);
    const seedSeconds = (performance.now() - seedStartedMs) / 1000;
    const skuCount = await countVariants(server, tenant);
    const targets = await scanTargets(server, tenant, Math.max(options.scans, options.sales));
    await stockUp(server, tenant, targets, options.sales + 10);
    log(`${skuCount} SKUs seeded in ${seedSeconds.toFixed(1)} s`);

    const profile = join(home, 'profile');
    context = await launchProfile(profile);
    const errors: string[] = [];
    let page = await openApp(context, server.url, errors);
    log('activating (the first pull brings the whole catalog into IndexedDB)');
    const activationStartedMs = performance.now();
    // With BENCH_PROFILE_DIR: the page's main thread and this process (the server) while activating.
    await profileWindowFromEnvironment().around('web-pos-activation-server', () =>
      pageProfileWindow(page).around('web-pos-activation-page', () =>
        activateWithin(page, tenant, ACTIVATION_TIMEOUT_MS),
      ),
    );
    const activationSeconds = (performance.now() - activationStartedMs) / 1000;
    log(`activated in ${activationSeconds.toFixed(1)} s`);
    await pinLogin(page, TEST_PINS.MANAGER);
    log('signed in');
    const indexStartedMs = performance.now();
    await searchReady(page, errors);
    const searchIndexReadySeconds = (performance.now() - indexStartedMs) / 1000;
    log(`search index ready ${searchIndexReadySeconds.toFixed(1)} s after sign-in`);

    await context.setOffline(true);
    log('offline; waiting for the till to notice');
    await page.waitForSelector('[data-testid="connection-indicator"][data-online="false"]', {
      timeout: 120_000,
    });
    await installProbes(page);

    log(`${options.scans} scans`);
    const scanSamples: number[] = [];
    for (let index = 0; index < options.scans; index += 1) {
      if (index % LINES_PER_CART === 0 && index > 0) await page.keyboard.press('F4');
      scanSamples.push(await scanAndTime(page, targets[index % targets.length]!));
    }
    await page.keyboard.press('F4');

    log(`${options.sales} sales`);
    const paySamples: number[] = [];
    for (let index = 0; index < options.sales; index += 1) {
      const target = targets[index % targets.length]!;
      await scanAndTime(page, target);
      paySamples.push(await payAndTime(page));
    }
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);

    const coldStarts: number[] = [];
    for (let index = 0; index < options.coldStarts; index += 1) {
      await context.close();
      context = await launchProfile(profile, { offline: true });
      const startedMs = performance.now();
      page = await openApp(context, server.url, errors);
      await page.getByRole('button', { name: /^Cobrar/ }).waitFor({ timeout: 120_000 });
      coldStarts.push(roundTo(performance.now() - startedMs, 1));
      log(`cold start offline: ${coldStarts.at(-1)} ms`);
    }
    const sortedColdStarts = [...coldStarts].sort((left, right) => left - right);
    return {
      name: 'web-pos',
      date: new Date().toISOString(),
      machine: describeMachine(),
      database: server.database.kind,
      parameters: {
        productCount: options.productCount,
        scans: options.scans,
        sales: options.sales,
        coldStarts: options.coldStarts,
        browser: 'Debian Chromium, headless, 1024×768',
      },
      results: {
        skuCount,
        seedSeconds: roundTo(seedSeconds, 1),
        activationSeconds: roundTo(activationSeconds, 1),
        searchIndexReadySeconds: roundTo(searchIndexReadySeconds, 1),
        scanToLine: summarizeLatencies(scanSamples),
        payToDurableCommit: summarizeLatencies(paySamples),
        coldStartOfflineMs: coldStarts,
        coldStartOfflineMedianMs: sortedColdStarts[Math.floor(sortedColdStarts.length / 2)] ?? 0,
        bundleBytes: bundle.bytes,
        bundleGzipBytes: bundle.gzipBytes,
      },
    };
  } finally {
    await context?.close().catch(() => undefined);
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

export function webPosTable(report: BenchmarkReport<WebPosResults>): string {
  const { results } = report;
  const row = (label: string, summary: LatencySummary) => [
    label,
    summary.p50Ms.toFixed(1),
    summary.p95Ms.toFixed(1),
    summary.p99Ms.toFixed(1),
    summary.maxMs.toFixed(1),
  ];
  return [
    `web-pos: ${results.skuCount} SKUs in the browser, ${report.parameters.scans} scans, ${report.parameters.sales} sales, offline`,
    formatTable(
      ['what (ms)', 'p50', 'p95', 'p99', 'max'],
      [
        row('scan → line on screen', results.scanToLine),
        row('pay → durable commit', results.payToDurableCommit),
      ],
    ),
    `cold start to the till, offline: ${results.coldStartOfflineMs.join(', ')} ms (median ${results.coldStartOfflineMedianMs})`,
    `bundle: ${(results.bundleGzipBytes / 1024).toFixed(1)} KiB gzip (${(results.bundleBytes / 1024).toFixed(1)} KiB)`,
    `setup: seed ${results.seedSeconds} s, activation + first pull ${results.activationSeconds} s, search index ${results.searchIndexReadySeconds} s`,
  ].join('\n');
}

function bundleSize(directory: string): { bytes: number; gzipBytes: number } {
  let bytes = 0;
  let gzipBytes = 0;
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const content = readFileSync(path);
        bytes += content.length;
        gzipBytes += gzipSync(content, { level: 9 }).length;
      }
    }
  };
  walk(directory);
  return { bytes, gzipBytes };
}

async function countVariants(server: ListeningServer, tenant: TestTenant): Promise<number> {
  const row = await server.database.system
    .selectFrom('variants')
    .select((builder) => builder.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenant.tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Distinct variants sold by the unit with an MXN price and a barcode, spread over the catalog. */
async function scanTargets(
  server: ListeningServer,
  tenant: TestTenant,
  count: number,
): Promise<ScanTarget[]> {
  const rows = await barcodedUnitVariants(server.database, tenant.tenantId, 'MXN')
    .orderBy('barcodes.code')
    .execute();
  const seen = new Set<string>();
  const distinct = rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
  const step = Math.max(1, Math.floor(distinct.length / count));
  return distinct
    .filter((_, position) => position % step === 0)
    .slice(0, count)
    .map((row) => ({ sku: row.sku, barcode: row.code, variantId: row.id }));
}

async function stockUp(
  server: ListeningServer,
  tenant: TestTenant,
  targets: readonly ScanTarget[],
  onHand: number,
) {
  const token = await login(server.app, tenant, tenant.emails.admin);
  for (let start = 0; start < targets.length; start += STOCK_LINES_PER_REQUEST) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(token),
      payload: {
        warehouseId: tenant.warehouseIds.MX,
        reason: 'web-pos bench',
        lines: targets
          .slice(start, start + STOCK_LINES_PER_REQUEST)
          .map((target) => ({ variantId: target.variantId, countedQuantity: String(onHand) })),
      },
    });
    if (response.statusCode !== 201)
      throw new Error(`stock adjustment: ${response.statusCode} ${response.body}`);
  }
}

async function activateWithin(page: Page, tenant: TestTenant, timeoutMs: number): Promise<void> {
  await page.getByLabel('Empresa (identificador)').fill(tenant.slug);
  await page.getByLabel('Correo del gerente').fill(tenant.emails.managerMx);
  await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Continuar' }).click();
  const store = page.getByLabel('Tienda');
  const value = await store.locator('option', { hasText: '(MX ·' }).getAttribute('value');
  await store.selectOption({ value: value ?? '' });
  await page.getByRole('button', { name: 'Activar caja' }).click();
  await page.getByLabel('PIN', { exact: true }).waitFor({ timeout: timeoutMs });
}

async function searchReady(page: Page, errors: readonly string[]): Promise<void> {
  const deadlineMs = performance.now() + ACTIVATION_TIMEOUT_MS;
  while (await page.getByText('Preparando la búsqueda').isVisible()) {
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    if (performance.now() > deadlineMs) throw new Error('the search index never became ready');
    await page.waitForTimeout(250);
  }
}

type BenchWindow = Window & { mostradorBench?: { enterAtMs: number; clickAtMs: number } };

/** Event times of the scan's Enter and the pay click, in the page's own clock. */
async function installProbes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probes = { enterAtMs: 0, clickAtMs: 0 };
    (window as BenchWindow).mostradorBench = probes;
    window.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Enter') probes.enterAtMs = event.timeStamp;
      },
      true,
    );
    window.addEventListener(
      'click',
      (event) => {
        probes.clickAtMs = event.timeStamp;
      },
      true,
    );
  });
}

/** Resolves with the time from the probe's event to the frame after `selector` is in the DOM. */
function timeUntil(page: Page, selector: string, probe: 'enterAtMs' | 'clickAtMs'): Promise<number> {
  return page.evaluate(
    ({ selector: wanted, probe: which }) =>
      new Promise<number>((resolve) => {
        // No named functions in here: tsx (esbuild keepNames) would wrap them in a helper the page lacks.
        const observer = new MutationObserver(() => {
          if (document.querySelector(wanted) === null) return;
          observer.disconnect();
          requestAnimationFrame(() =>
            resolve(performance.now() - ((window as BenchWindow).mostradorBench?.[which] ?? 0)),
          );
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      }),
    { selector, probe },
  );
}

async function scanAndTime(page: Page, target: ScanTarget): Promise<number> {
  const selector = `[data-testid="cart-line"][data-sku="${target.sku}"]`;
  const waiting = timeUntil(page, selector, 'enterAtMs');
  await scan(page, target.barcode);
  return roundTo(await waiting, 3);
}

async function payAndTime(page: Page): Promise<number> {
  await page.keyboard.press('F2');
  const dialog = page.getByTestId('payment-dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Exacto' }).click();
  await dialog.getByTestId('change-due').waitFor();
  const waiting = timeUntil(page, '[data-testid="receipt-dialog"]', 'clickAtMs');
  await dialog.getByRole('button', { name: 'Confirmar cobro (Enter)' }).click();
  const elapsedMs = await waiting;
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt-dialog').waitFor({ state: 'detached' });
  return roundTo(elapsedMs, 3);
}
