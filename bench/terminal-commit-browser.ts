import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startListeningServer, TEST_PASSWORD, TEST_PINS } from '@mostrador/server/testing';
import { launchProfile } from '@mostrador/web/testing';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { prepareBenchTenant } from './bench-tenant';
import { emptySalesSamples } from './commit-samples';
import { pageProfileWindow } from './profile-window';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  ratio,
  roundTo,
  summarizeLatencies,
} from './report';
import type { CommitBenchHarness, CommitBenchWindow, SaleAnatomy } from './terminal-commit.browser-entry';

/**
 * terminal-commit-browser: terminal-commit in headless Chromium (Debian's, /usr/bin/chromium). The
 * real engine runs in a page on the IndexedDB store encrypted with AES-GCM, as the web POS opens
 * it; it activates against the real server over HTTP, pulls the catalog, signs the manager in by
 * PIN and loses the link (the stock guard runs; no request is in the measured path). Each sale:
 * five distinct SKUs, card for half, cash with change for the rest; the figure is `completeSale`
 * alone, timed in the page.
 *
 * Floor, in the same page and interleaved with the sales: one bare IndexedDB readwrite transaction
 * with durability 'strict' (as the store commits) writing one value as large as everything one
 * sale's transaction writes (keys and sealed values), in a database of its own. A second floor
 * writes the sale's values as they are, as many keys as the sale puts, to show what the key count
 * costs apart from the engine's work. A third takes the Web Lock, signs with Ed25519, seals the
 * sale's bytes with AES-GCM and writes them in one strict transaction: the guarantees every sale
 * carries, without the engine.
 */
export interface TerminalCommitBrowserOptions {
  readonly sales: number;
  /** Sales rung before measuring (caches, JIT, the device key), not counted; at least 3. */
  readonly warmupSales: number;
  readonly productCount: number;
  readonly log?: (message: string) => void;
}

/** The issue's full size: 22,300 products is about 100,000 SKUs, as in the bootstrap benchmark. */
export const TERMINAL_COMMIT_BROWSER_FULL: TerminalCommitBrowserOptions = {
  sales: 500,
  warmupSales: 20,
  productCount: 22_300,
};
export const TERMINAL_COMMIT_BROWSER_QUICK: TerminalCommitBrowserOptions = {
  sales: 60,
  warmupSales: 5,
  productCount: 300,
};

/** Issue 6's budget for a commit in the browser. */
export const TERMINAL_COMMIT_BROWSER_BUDGET = { p50Ms: 10, p99Ms: 30, floorRatioMax: 2 } as const;

const LINES_PER_SALE = 5;
const SALES_MAX = 100_000;
const STOCK_LEFT_MIN = 5;
/** Sales per call into the page, so progress shows and no single call runs for minutes. */
const SALES_PER_CHUNK = 50;
/** Warm-up sales before the one whose anatomy is taken: the first sale loads the device key. */
const SALES_BEFORE_ANATOMY = 2;
const PAGE_READY_TIMEOUT_MS = 30_000;
const ENTRY_PATH = fileURLToPath(new URL('./terminal-commit.browser-entry.ts', import.meta.url));

const PAGE_HTML = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Mostrador: terminal-commit-browser</title>
<link rel="icon" href="data:,">
<script type="module" src="/bench.js"></script>
</head>
<body></body>
</html>
`;

export type TerminalCommitBrowserResults = {
  readonly skuCount: number;
  readonly completeSale: LatencySummary;
  readonly floorWrite: LatencySummary;
  /** completeSale over the floor at the same percentile, both from this run. */
  readonly ratioP50: number;
  readonly ratioP95: number;
  readonly ratioP99: number;
  /**
   * A second floor: the same transaction putting as many values of the same sizes as the sale
   * does, so the cost of the sale's key count shows apart from the engine's own work.
   */
  readonly floorSameKeys: LatencySummary;
  readonly sameKeysRatioP50: number;
  readonly sameKeysRatioP99: number;
  /**
   * A third floor: the guarantees every sale carries and nothing else (the Web Lock, one Ed25519
   * signature, the sale's bytes sealed with AES-GCM, one strict write), so the engine's own work
   * shows apart from what a signed, encrypted, single-writer sale cannot skip.
   */
  readonly floorGuarantees: LatencySummary;
  readonly guaranteesRatioP50: number;
  readonly guaranteesRatioP99: number;
  /** The guarantees floor over the bare floor: how much of the 2× budget they use up by themselves. */
  readonly guaranteesOverBareP50: number;
  readonly withinBudget: { readonly p50: boolean; readonly p99: boolean; readonly floorRatio: boolean };
  /** One sale's transaction: keys, bytes to IndexedDB, and the platform calls completeSale makes. */
  readonly saleAnatomy: SaleAnatomy;
  readonly ringCartP50Ms: number;
  readonly salesPerSecondSequential: number;
  /** Activation including the engine's first pull of the whole catalog into IndexedDB. */
  readonly activationSeconds: number;
  readonly seedSeconds: number;
  readonly browser: string;
};

export async function runTerminalCommitBrowser(
  options: TerminalCommitBrowserOptions,
): Promise<BenchmarkReport<TerminalCommitBrowserResults>> {
  assertCount('sales', options.sales, 1, SALES_MAX);
  assertCount('warmupSales', options.warmupSales, SALES_BEFORE_ANATOMY + 1, SALES_MAX);
  const log = options.log ?? (() => undefined);
  const home = await mkdtemp(join(tmpdir(), 'mostrador-bench-commit-browser-'));
  let context: BrowserContext | undefined;
  try {
    const appDirectory = await writeBenchPage(join(home, 'app'));
    const server = await startListeningServer({ webAppDirectory: appDirectory });
    try {
      log(`seeding a tenant with ${options.productCount} products on ${server.database.kind}`);
      const seedStarted = performance.now();
      const { tenant, variants, variantCount } = await prepareBenchTenant(server, {
        productCount: options.productCount,
        linesSold: (options.sales + options.warmupSales) * LINES_PER_SALE,
        stockLeftMin: STOCK_LEFT_MIN,
      });
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      const skus = variants.map((variant) => variant.sku);

      context = await launchProfile(join(home, 'profile'));
      const browser = context.browser()?.version() ?? 'unknown';
      const errors: string[] = [];
      const page = await openBenchPage(context, server.url, errors);
      await call(page, 'open');
      log(`${variantCount} SKUs seeded in ${seedSeconds.toFixed(1)} s; activating in Chromium ${browser}`);
      const activation = await pageProfileWindow(page).around('browser-activation', () =>
        call(page, 'activate', {
          tenant: tenant.slug,
          email: tenant.emails.managerMx,
          password: TEST_PASSWORD,
          storeId: tenant.storeIds.MX,
          pin: TEST_PINS.MANAGER,
        }),
      );
      log(`activated and pulled the catalog in ${(activation.activationMs / 1000).toFixed(1)} s`);
      await call(page, 'goOffline');
      const requestsOffline = (await call(page, 'status')).requestsSent;

      await call(page, 'runSales', {
        skus,
        count: SALES_BEFORE_ANATOMY,
        valueBytes: [],
      });
      const saleAnatomy = await call(page, 'anatomyOfOneSale', skus);
      const { valueBytes } = saleAnatomy;
      const warmupLeft = options.warmupSales - SALES_BEFORE_ANATOMY - 1;
      await call(page, 'runSales', { skus, count: warmupLeft, valueBytes });

      log(
        `ringing ${options.sales} sales offline, each followed by the floor writes (${saleAnatomy.bytesWritten} B)`,
      );
      const samples = emptySalesSamples();
      const profile = pageProfileWindow(page);
      for (let done = 0; done < options.sales; done += SALES_PER_CHUNK) {
        const count = Math.min(SALES_PER_CHUNK, options.sales - done);
        const chunk = await profile.around(`browser-sales-${done}`, () =>
          call(page, 'runSales', { skus, count, valueBytes }),
        );
        samples.ringMs.push(...chunk.ringMs);
        samples.completeSaleMs.push(...chunk.completeSaleMs);
        samples.floorMs.push(...chunk.floorMs);
        samples.floorSameKeysMs.push(...chunk.floorSameKeysMs);
        samples.floorGuaranteesMs.push(...chunk.floorGuaranteesMs);
        log(`${done + count} sales`);
      }

      const status = await call(page, 'status');
      const expectedPending = options.sales + options.warmupSales;
      if (status.pendingCount !== expectedPending)
        throw new Error(`expected ${expectedPending} facts waiting to sync, found ${status.pendingCount}`);
      if (status.online) throw new Error('the terminal went back online during the measurement');
      if (status.requestsSent !== requestsOffline)
        throw new Error(`${status.requestsSent - requestsOffline} requests were sent while offline`);
      if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);

      const completeSale = summarizeLatencies(samples.completeSaleMs);
      const floor = summarizeLatencies(samples.floorMs);
      const floorSameKeys = summarizeLatencies(samples.floorSameKeysMs);
      const floorGuarantees = summarizeLatencies(samples.floorGuaranteesMs);
      const ratioP50 = ratio(completeSale.p50Ms, floor.p50Ms);
      const ratioP99 = ratio(completeSale.p99Ms, floor.p99Ms);
      const budget = TERMINAL_COMMIT_BROWSER_BUDGET;
      return {
        name: 'terminal-commit-browser',
        date: new Date().toISOString(),
        machine: describeMachine(),
        database: server.database.kind,
        parameters: {
          sales: options.sales,
          warmupSales: options.warmupSales,
          productCount: options.productCount,
          linesPerSale: LINES_PER_SALE,
          tenders: 'card + cash (with change)',
          store: 'MX (per-store folios)',
          link: 'offline (the stock guard runs; no request in the measured path)',
          durability: "IndexedDB, values sealed with AES-GCM, readwrite transaction durability 'strict'",
          floor:
            "one bare IndexedDB readwrite transaction, durability 'strict', one value of the sale's bytes, own database",
          budget: { ...budget },
        },
        results: {
          skuCount: variantCount,
          completeSale,
          floorWrite: floor,
          ratioP50,
          ratioP95: ratio(completeSale.p95Ms, floor.p95Ms),
          ratioP99,
          floorSameKeys,
          sameKeysRatioP50: ratio(completeSale.p50Ms, floorSameKeys.p50Ms),
          sameKeysRatioP99: ratio(completeSale.p99Ms, floorSameKeys.p99Ms),
          floorGuarantees,
          guaranteesRatioP50: ratio(completeSale.p50Ms, floorGuarantees.p50Ms),
          guaranteesRatioP99: ratio(completeSale.p99Ms, floorGuarantees.p99Ms),
          guaranteesOverBareP50: ratio(floorGuarantees.p50Ms, floor.p50Ms),
          withinBudget: {
            p50: completeSale.p50Ms < budget.p50Ms,
            p99: completeSale.p99Ms < budget.p99Ms,
            floorRatio: ratioP50 <= budget.floorRatioMax && ratioP99 <= budget.floorRatioMax,
          },
          saleAnatomy,
          ringCartP50Ms: summarizeLatencies(samples.ringMs).p50Ms,
          salesPerSecondSequential: roundTo(1000 / completeSale.meanMs, 1),
          activationSeconds: roundTo(activation.activationMs / 1000, 1),
          seedSeconds: roundTo(seedSeconds, 1),
          browser,
        },
      };
    } finally {
      await context?.close().catch(() => undefined);
      await server.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Bundles the page's script and writes it with its page where the server serves the web app. */
async function writeBenchPage(directory: string): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY_PATH],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const [script] = result.outputFiles;
  if (script === undefined) throw new Error('esbuild produced no bundle for the benchmark page');
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'index.html'), PAGE_HTML);
  await writeFile(join(directory, 'bench.js'), script.text);
  return directory;
}

async function openBenchPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  await page.goto(`${url}/`);
  await page.waitForFunction(() => 'mostradorCommitBench' in window, undefined, {
    timeout: PAGE_READY_TIMEOUT_MS,
  });
  return page;
}

type HarnessMethod = keyof CommitBenchHarness;

/** Calls one method of the page's harness with JSON arguments and returns what it resolves to. */
function call<Name extends HarnessMethod>(
  page: Page,
  name: Name,
  ...args: Parameters<CommitBenchHarness[Name]>
): Promise<Awaited<ReturnType<CommitBenchHarness[Name]>>> {
  return page.evaluate(
    ({ method, values }) => {
      const harness = (window as unknown as CommitBenchWindow).mostradorCommitBench;
      return (harness[method] as (...parameters: unknown[]) => Promise<unknown>)(...values);
    },
    { method: name, values: args as unknown[] },
  ) as Promise<Awaited<ReturnType<CommitBenchHarness[Name]>>>;
}

function assertCount(name: string, value: number, minimum: number, maximum: number) {
  if (!Number.isInteger(value) || value < minimum || value > maximum)
    throw new Error(`${name} must be an integer from ${minimum} to ${maximum}; got ${value}`);
}

export function terminalCommitBrowserTable(report: BenchmarkReport<TerminalCommitBrowserResults>): string {
  const { results } = report;
  const anatomy = results.saleAnatomy;
  const row = (label: string, summary: LatencySummary) => [
    label,
    summary.p50Ms.toFixed(2),
    summary.p95Ms.toFixed(2),
    summary.p99Ms.toFixed(2),
    summary.maxMs.toFixed(2),
  ];
  return [
    `terminal-commit-browser: ${report.parameters.sales} sales × ${LINES_PER_SALE} lines, ${results.skuCount} SKUs in IndexedDB (Chromium ${results.browser}), link offline`,
    formatTable(
      ['what (ms)', 'p50', 'p95', 'p99', 'max'],
      [
        row('completeSale', results.completeSale),
        row(`floor: strict IDB write of ${anatomy.bytesWritten} B`, results.floorWrite),
        ['ratio', `${results.ratioP50}×`, `${results.ratioP95}×`, `${results.ratioP99}×`, ''],
        row(`floor with the sale's ${anatomy.keysPut} values`, results.floorSameKeys),
        ['ratio to it', `${results.sameKeysRatioP50}×`, '', `${results.sameKeysRatioP99}×`, ''],
        row('floor: lock + sign + seal + one strict write', results.floorGuarantees),
        ['ratio to it', `${results.guaranteesRatioP50}×`, '', `${results.guaranteesRatioP99}×`, ''],
      ],
    ),
    `the guarantees alone cost ${results.guaranteesOverBareP50}× the bare floor at p50`,
    `budget p50 < 10 ms: ${results.withinBudget.p50 ? 'yes' : 'NO'}; p99 < 30 ms: ${results.withinBudget.p99 ? 'yes' : 'NO'}; ≤ 2× floor: ${results.withinBudget.floorRatio ? 'yes' : 'NO'}`,
    `one sale: ${anatomy.keysPut} keys put, ${anatomy.keysDeleted} deleted, ${anatomy.bytesWritten} B; ${anatomy.readRequests} IDB read requests in ${anatomy.readonlyTransactions} readonly + ${anatomy.readwriteTransactions} readwrite transactions; ${anatomy.webLocks} Web Lock; ${anatomy.encryptCalls} encrypt, ${anatomy.decryptCalls} decrypt, ${anatomy.signCalls} sign`,
    `its timeline (ms): ${anatomy.timeline.map((call) => `${call.atMs.toFixed(1)} ${call.what}`).join('; ')}`,
    `ring the cart p50 ${results.ringCartP50Ms.toFixed(2)} ms; sequentially ${results.salesPerSecondSequential} sales/s`,
    `setup: seed ${results.seedSeconds} s, activation + first pull ${results.activationSeconds} s`,
  ].join('\n');
}
