import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ListeningServer,
  startListeningServer,
  TEST_PASSWORD,
  TEST_PINS,
  type TestTenant,
} from '@mostrador/server/testing';
import { fetchTransport, type TerminalEngine, type Transport } from '@mostrador/terminal';
import { type FileStore, openFileStore, openNodeTerminal } from '@mostrador/terminal/node';
import { prepareBenchTenant } from './bench-tenant';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  ratio,
  roundTo,
  summarizeLatencies,
} from './report';
import { LINES_PER_SALE, saleRinger } from './sale-ringer';

/**
 * terminal-commit: how long the cashier waits for "sale complete" on a real terminal (file store,
 * fsync) with the link down, against the floor of one bare durable write of the same size.
 *
 * completeSale prices the cart, settles the tenders, runs the offline stock guard, numbers the
 * receipt, signs the fact and commits the fact, chain head, folio counter, local history, shift
 * cash and guard count in one fsynced transaction. The floor is one `openFileStore` write of a
 * value as large as one sale's fact, fsynced the same way; sales and floor writes alternate so
 * both see the same load on the shared machine.
 */
export interface TerminalCommitOptions {
  /** Measured sales. */
  readonly sales: number;
  /** Sales rung before measuring (caches, JIT), not counted. */
  readonly warmupSales: number;
  /** Products in the generated catalog (each has several variants). */
  readonly productCount: number;
  readonly log?: (message: string) => void;
}

export const TERMINAL_COMMIT_FULL: TerminalCommitOptions = {
  sales: 500,
  warmupSales: 20,
  productCount: 2_000,
};
export const TERMINAL_COMMIT_QUICK: TerminalCommitOptions = { sales: 60, warmupSales: 5, productCount: 300 };

/** Bounds what a mistyped flag can ask of a shared machine. */
const SALES_MAX = 100_000;
/** Stock left of every SKU after the run, above any safety buffer, so the offline guard never blocks. */
const STOCK_LEFT_MIN = 5;

/** The link between the terminal and the server, which the benchmark cuts before measuring. */
interface Link {
  online: boolean;
  readonly transport: Transport;
}

function createLink(url: string): Link {
  const inner = fetchTransport(url, { timeoutMs: 10_000 });
  const link: Link = {
    online: true,
    transport: async (request) => {
      if (!link.online) throw new TypeError('fetch failed: network is down (benchmark link offline)');
      return inner(request);
    },
  };
  return link;
}

export type TerminalCommitResults = {
  readonly completeSale: LatencySummary;
  readonly floorWrite: LatencySummary;
  /** completeSale p50 over the floor's p50, both from this run. */
  readonly ratioP50: number;
  readonly ratioP99: number;
  /** One sale's fact envelope as JSON, the size of each floor write. */
  readonly factBytes: number;
  /** What one sale's whole transaction adds to the store's log (fact, history, counters, guard). */
  readonly storeBytesPerSale: number;
  /** Building the cart (new cart and five look-ups), which is not in completeSale's figure. */
  readonly ringCartP50Ms: number;
  readonly salesPerSecondSequential: number;
};

export async function runTerminalCommit(
  options: TerminalCommitOptions,
): Promise<BenchmarkReport<TerminalCommitResults>> {
  assertCount('sales', options.sales, 1, SALES_MAX);
  assertCount('warmupSales', options.warmupSales, 1, SALES_MAX);
  const log = options.log ?? (() => undefined);
  const home = await mkdtemp(join(tmpdir(), 'mostrador-bench-terminal-'));
  const server = await startListeningServer();
  try {
    log(`seeding a tenant with ${options.productCount} products on ${server.database.kind}`);
    const { tenant, variants, variantCount } = await prepareBenchTenant(server, {
      productCount: options.productCount,
      linesSold: (options.sales + options.warmupSales) * LINES_PER_SALE,
      stockLeftMin: STOCK_LEFT_MIN,
    });
    const skus = variants.map((variant) => variant.sku);

    const link = createLink(server.url);
    const opened = await openNodeTerminal({ home: join(home, 'terminal'), transport: link.transport });
    if (!opened.ok) throw new Error(`the terminal did not open: ${opened.code}`);
    const floorStore = await openFileStore(join(home, 'floor'));
    try {
      log('activating the terminal and loading the catalog');
      await activateAndLoad(opened.engine, server, tenant);
      await goOffline(opened.engine, link);

      const ring = saleRinger(opened.engine);
      for (let index = 0; index < options.warmupSales; index += 1) await ring.timed(skus);
      const sampleFact = await lastFactEnvelope(opened.engine);
      const factBytes = Buffer.byteLength(JSON.stringify(sampleFact));
      const storeBytesBefore = (await opened.store.usage()).bytesUsed;

      log(`ringing ${options.sales} sales offline, each followed by one floor write`);
      const saleMs: number[] = [];
      const ringMs: number[] = [];
      const floorMs: number[] = [];
      for (let index = 0; index < options.sales; index += 1) {
        const timing = await ring.timed(skus);
        saleMs.push(timing.completeSaleMs);
        ringMs.push(timing.ringMs);
        floorMs.push(await timeFloorWrite(floorStore, index, sampleFact));
      }
      const storeBytesAfter = (await opened.store.usage()).bytesUsed;
      const status = await opened.engine.status();
      const expectedPending = options.sales + options.warmupSales;
      if (status.pendingCount !== expectedPending)
        throw new Error(`expected ${expectedPending} facts waiting to sync, found ${status.pendingCount}`);
      if (status.online) throw new Error('the terminal went back online during the measurement');

      const completeSale = summarizeLatencies(saleMs);
      const floor = summarizeLatencies(floorMs);
      return {
        name: 'terminal-commit',
        date: new Date().toISOString(),
        machine: describeMachine(),
        database: server.database.kind,
        parameters: {
          sales: options.sales,
          warmupSales: options.warmupSales,
          productCount: options.productCount,
          variantCount,
          linesPerSale: LINES_PER_SALE,
          tenders: 'card + cash (with change)',
          store: 'MX (per-store folios)',
          link: 'offline (the stock guard runs; no request in the measured path)',
          durability: 'file store, fsync per write',
          floor: 'openFileStore write of one value of the fact size, fsync',
        },
        results: {
          completeSale,
          floorWrite: floor,
          ratioP50: ratio(completeSale.p50Ms, floor.p50Ms),
          ratioP99: ratio(completeSale.p99Ms, floor.p99Ms),
          factBytes,
          storeBytesPerSale: Math.round((storeBytesAfter - storeBytesBefore) / options.sales),
          ringCartP50Ms: summarizeLatencies(ringMs).p50Ms,
          salesPerSecondSequential: roundTo(1000 / completeSale.meanMs, 1),
        },
      };
    } finally {
      await floorStore.close();
      await opened.close();
    }
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

async function activateAndLoad(engine: TerminalEngine, server: ListeningServer, tenant: TestTenant) {
  const activated = await engine.activate({
    serverUrl: server.url,
    tenant: tenant.slug,
    email: tenant.emails.managerMx,
    password: TEST_PASSWORD,
    storeId: tenant.storeIds.MX,
    name: 'Caja benchmark',
  });
  if (!activated.ok) throw new Error(`activation failed: ${JSON.stringify(activated)}`);
  const synced = await engine.sync();
  if (!('outcome' in synced) || synced.outcome !== 'ok')
    throw new Error(`the first sync failed: ${JSON.stringify(synced)}`);
  const loggedIn = await engine.login({ pin: TEST_PINS.MANAGER });
  if (!loggedIn.ok) throw new Error(`PIN login failed: ${JSON.stringify(loggedIn)}`);
}

/** Cuts the link and lets the terminal learn it the way it always does: a request fails. */
async function goOffline(engine: TerminalEngine, link: Link) {
  link.online = false;
  const attempt = await engine.sync();
  if (!('outcome' in attempt) || attempt.outcome !== 'unknown')
    throw new Error(`a sync with the link down should end unknown: ${JSON.stringify(attempt)}`);
  if ((await engine.status()).online) throw new Error('the terminal still believes it is online');
}

async function lastFactEnvelope(engine: TerminalEngine) {
  let last: unknown;
  for await (const stored of engine.exportFacts()) last = stored.envelope;
  if (last === undefined) throw new Error('the terminal recorded no fact');
  return last as Record<string, unknown>;
}

/** One durable write of a fact-sized value, with its own key so the log grows as the outbox does. */
async function timeFloorWrite(store: FileStore, index: number, fact: Record<string, unknown>) {
  const value = JSON.parse(JSON.stringify({ ...fact, sequence: index + 1 }));
  const started = performance.now();
  await store.write((transaction) => transaction.put(`floor/${String(index).padStart(8, '0')}`, value));
  return performance.now() - started;
}

function assertCount(name: string, value: number, minimum: number, maximum: number) {
  if (!Number.isInteger(value) || value < minimum || value > maximum)
    throw new Error(`${name} must be an integer from ${minimum} to ${maximum}; got ${value}`);
}

export function terminalCommitTable(report: BenchmarkReport<TerminalCommitResults>): string {
  const { results } = report;
  const row = (label: string, summary: LatencySummary) => [
    label,
    summary.p50Ms.toFixed(2),
    summary.p95Ms.toFixed(2),
    summary.p99Ms.toFixed(2),
    summary.maxMs.toFixed(2),
  ];
  return [
    `terminal-commit: ${report.parameters.sales} sales × ${LINES_PER_SALE} lines, ${report.parameters.productCount} products, link offline`,
    formatTable(
      ['what (ms)', 'p50', 'p95', 'p99', 'max'],
      [
        row('completeSale', results.completeSale),
        row(`floor: fsynced write of ${results.factBytes} B`, results.floorWrite),
        ['ratio', `${results.ratioP50}×`, '', `${results.ratioP99}×`, ''],
      ],
    ),
    `store log growth per sale: ${results.storeBytesPerSale} B (fact alone: ${results.factBytes} B)`,
  ].join('\n');
}
