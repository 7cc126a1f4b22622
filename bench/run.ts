import { parseArgs } from 'node:util';
import { BOOTSTRAP_FULL, BOOTSTRAP_QUICK, bootstrapTable, runBootstrap } from './bootstrap';
import { DRAIN_FULL, DRAIN_QUICK, type DrainOptions, drainTable, runDrain } from './drain';
import {
  INGEST_CURVE_FULL,
  INGEST_CURVE_QUICK,
  type IngestCurveOptions,
  ingestCurveTable,
  runIngestCurve,
} from './ingest-curve';
import { LOOKUP_SEARCH_FULL, LOOKUP_SEARCH_QUICK, lookupSearchTable, runLookupSearch } from './lookup-search';
import type { BenchmarkReport, ResultRecord } from './report';
import {
  runServerIngest,
  SERVER_INGEST_FULL,
  SERVER_INGEST_QUICK,
  type ServerIngestOptions,
  serverIngestTable,
} from './server-ingest';
import {
  runTerminalCommit,
  TERMINAL_COMMIT_FULL,
  TERMINAL_COMMIT_QUICK,
  type TerminalCommitOptions,
  terminalCommitTable,
} from './terminal-commit';
import {
  runTerminalCommitBrowser,
  TERMINAL_COMMIT_BROWSER_FULL,
  TERMINAL_COMMIT_BROWSER_QUICK,
  type TerminalCommitBrowserOptions,
  terminalCommitBrowserTable,
} from './terminal-commit-browser';
import { runWebPos, WEB_POS_FULL, WEB_POS_QUICK, type WebPosOptions, webPosTable } from './web-pos';

/*
 * `npm run bench -- NAME [--quick] [options]`. The report goes to stdout as one line of JSON, so
 * `npm run --silent bench -- NAME > result.json` keeps it clean; progress and the table for a
 * person go to stderr. DATABASE_URL selects the PostgreSQL server, else PGlite in memory.
 */
const USAGE = `usage: npm run bench -- NAME [--quick] [options]

  terminal-commit   completeSale latency on the file-store terminal, offline, vs one fsynced write
      --sales N       measured sales (full 500, quick 60)
      --products N    products in the catalog (full 2000, quick 300)
  terminal-commit-browser
                    the same in headless Chromium (encrypted IndexedDB) vs one strict IDB write
      --sales N       measured sales (full 500, quick 60)
      --products N    products pulled into the browser (full 22300 ≈ 100k SKUs, quick 300)
  server-ingest     facts/s through POST /api/v1/sync/push vs COPY of the rows it stored
      --terminals N   terminals pushing at once (full 50, quick 4)
      --facts N       facts per terminal (full 2000, quick 200)
      --products N    products in the catalog (full 2000, quick 300)

  bootstrap         a new terminal activates and loads a tenant: time to ready, bytes, disk
      --products N    products in the tenant (full 22300 ≈ 100k SKUs, quick 300)
  lookup-search     the till's catalog index alone: build, memory, barcode lookup, text search
      --products N    products in the catalog (full 22300 ≈ 100k SKUs, quick 300)
  drain             a store's tills come back after a day offline while the chain syncs:
                    time until their backlog is applied, other stores' latency before/during
      --stores N      stores in the chain (full 50, quick 6); the returning tills share one
      --background N  tills syncing normally in the other stores (full 200, quick 20)
      --hours N       hours offline at 60 sales an hour per till (full 8, quick 1)
      --products N    products in the catalog (full 500, quick 100)
  ingest-curve      server-ingest at growing backlogs; writes a PNG of facts/s against size
      --sizes A,B,…   total facts per point (full 500,1000,2000,5000,10000,20000; quick 100,200,400)
      --terminals N   terminals pushing at once (default 4)
      --products N    products in the catalog (full 2000, quick 300)
      --png PATH      where to write the chart (default docs/ingest-vs-backlog.png)

  --quick           a CI-sized run (under a minute each)
  DATABASE_URL=...  run the server on PostgreSQL instead of PGlite`;

const log = (message: string) => process.stderr.write(`· ${message}\n`);

function integerFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      sales: { type: 'string' },
      products: { type: 'string' },
      terminals: { type: 'string' },
      facts: { type: 'string' },
      scans: { type: 'string' },
      stores: { type: 'string' },
      background: { type: 'string' },
      hours: { type: 'string' },
      sizes: { type: 'string' },
      png: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [name] = positionals;
  if (values.help || name === undefined || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const products = integerFlag(values.products, 'products');
  let report: BenchmarkReport<ResultRecord, string>;
  let table: string;
  if (name === 'terminal-commit') {
    const base = values.quick ? TERMINAL_COMMIT_QUICK : TERMINAL_COMMIT_FULL;
    const options: TerminalCommitOptions = {
      ...base,
      sales: integerFlag(values.sales, 'sales') ?? base.sales,
      productCount: products ?? base.productCount,
      log,
    };
    const result = await runTerminalCommit(options);
    report = result;
    table = terminalCommitTable(result);
  } else if (name === 'terminal-commit-browser') {
    const base = values.quick ? TERMINAL_COMMIT_BROWSER_QUICK : TERMINAL_COMMIT_BROWSER_FULL;
    const options: TerminalCommitBrowserOptions = {
      ...base,
      sales: integerFlag(values.sales, 'sales') ?? base.sales,
      productCount: products ?? base.productCount,
      log,
    };
    const result = await runTerminalCommitBrowser(options);
    report = result;
    table = terminalCommitBrowserTable(result);
  } else if (name === 'server-ingest') {
    const base = values.quick ? SERVER_INGEST_QUICK : SERVER_INGEST_FULL;
    const options: ServerIngestOptions = {
      ...base,
      terminals: integerFlag(values.terminals, 'terminals') ?? base.terminals,
      factsPerTerminal: integerFlag(values.facts, 'facts') ?? base.factsPerTerminal,
      productCount: products ?? base.productCount,
      log,
    };
    const result = await runServerIngest(options);
    report = result;
    table = serverIngestTable(result);
  } else if (name === 'bootstrap') {
    const base = values.quick ? BOOTSTRAP_QUICK : BOOTSTRAP_FULL;
    const result = await runBootstrap({ productCount: products ?? base.productCount, log });
    report = result;
    table = bootstrapTable(result);
  } else if (name === 'web-pos') {
    const base = values.quick ? WEB_POS_QUICK : WEB_POS_FULL;
    const options: WebPosOptions = {
      ...base,
      productCount: products ?? base.productCount,
      scans: integerFlag(values.scans, 'scans') ?? base.scans,
      sales: integerFlag(values.sales, 'sales') ?? base.sales,
      log,
    };
    const result = await runWebPos(options);
    report = result;
    table = webPosTable(result);
  } else if (name === 'lookup-search') {
    const base = values.quick ? LOOKUP_SEARCH_QUICK : LOOKUP_SEARCH_FULL;
    const result = runLookupSearch({ ...base, productCount: products ?? base.productCount, log });
    report = result;
    table = lookupSearchTable(result);
  } else if (name === 'drain') {
    const base = values.quick ? DRAIN_QUICK : DRAIN_FULL;
    const options: DrainOptions = {
      ...base,
      storeCount: integerFlag(values.stores, 'stores') ?? base.storeCount,
      backgroundTerminals: integerFlag(values.background, 'background') ?? base.backgroundTerminals,
      offlineHours: integerFlag(values.hours, 'hours') ?? base.offlineHours,
      productCount: products ?? base.productCount,
      log,
    };
    const result = await runDrain(options);
    report = result;
    table = drainTable(result);
  } else if (name === 'ingest-curve') {
    const base = values.quick ? INGEST_CURVE_QUICK : INGEST_CURVE_FULL;
    const options: IngestCurveOptions = {
      ...base,
      backlogSizes:
        values.sizes === undefined
          ? base.backlogSizes
          : values.sizes.split(',').map((size) => integerFlag(size.trim(), 'sizes')!),
      terminals: integerFlag(values.terminals, 'terminals') ?? base.terminals,
      productCount: products ?? base.productCount,
      pngPath: values.png ?? base.pngPath,
      log,
    };
    const result = await runIngestCurve(options);
    report = result;
    table = ingestCurveTable(result);
  } else {
    process.stderr.write(`unknown benchmark ${name}\n${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.stderr.write(`\n${table}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
