import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTenant, startListeningServer, TEST_PASSWORD } from '@mostrador/server/testing';
import { fetchTransport, type Transport } from '@mostrador/terminal';
import { openNodeTerminal } from '@mostrador/terminal/node';
import { sql } from 'kysely';
import { type BenchmarkReport, describeMachine, roundTo } from './report';

/**
 * bootstrap: a brand-new terminal activates against a tenant and loads everything it needs to sell
 * offline (catalog, barcodes, prices, taxes, users, stock), over real HTTP with the server's
 * compression. Reported: time to ready (activation through the last pulled page), bytes on the wire
 * both ways (counted on the server's sockets), pages pulled, and the terminal's store on disk.
 */
export interface BootstrapOptions {
  /** Products generated in the tenant; the generator makes about 4.5 SKUs each. */
  readonly productCount: number;
  readonly log?: (message: string) => void;
}

export const BOOTSTRAP_FULL: BootstrapOptions = { productCount: 22_300 };
export const BOOTSTRAP_QUICK: BootstrapOptions = { productCount: 300 };

/** A bootstrap that needs more rounds than this is stuck, not slow. */
const SYNC_ROUNDS_MAX = 1_000;

export type BootstrapResults = {
  readonly variantCount: number;
  readonly barcodeCount: number;
  readonly secondsToReady: number;
  readonly activationSeconds: number;
  readonly pullSeconds: number;
  readonly syncRounds: number;
  readonly bytesFromServer: number;
  readonly bytesToServer: number;
  readonly megabytesOverWire: number;
  readonly storeBytesOnDisk: number;
  readonly firstLookupMs: number;
  /** Time spent waiting on the server, by path: what of time to ready is the server's. */
  readonly requests: { readonly [path: string]: { readonly count: number; readonly seconds: number } };
};

export async function runBootstrap(options: BootstrapOptions): Promise<BenchmarkReport<BootstrapResults>> {
  const log = options.log ?? (() => undefined);
  const home = await mkdtemp(join(tmpdir(), 'mostrador-bench-bootstrap-'));
  const server = await startListeningServer();
  const sockets: Socket[] = [];
  try {
    log(`seeding a tenant with ${options.productCount} products on ${server.database.kind}`);
    const tenant = await createTestTenant(server.database, options.productCount);
    const counts = await sql<{ variants: string; barcodes: string; sku: string }>`
      SELECT (SELECT count(*) FROM variants WHERE tenant_id = ${tenant.tenantId}) AS variants,
             (SELECT count(*) FROM barcodes WHERE tenant_id = ${tenant.tenantId}) AS barcodes,
             (SELECT min(sku) FROM variants WHERE tenant_id = ${tenant.tenantId}) AS sku
    `.execute(server.database.system);
    const row = counts.rows[0]!;

    // Only the terminal's connections are counted: they open after this point.
    server.app.server.on('connection', (socket: Socket) => sockets.push(socket));
    const requests = new Map<string, { count: number; milliseconds: number }>();
    const http = fetchTransport(server.url, { timeoutMs: 300_000 });
    const timedTransport: Transport = async (request) => {
      const startedMs = performance.now();
      try {
        return await http(request);
      } finally {
        const path = request.path.split('?')[0] ?? request.path;
        const entry = requests.get(path) ?? { count: 0, milliseconds: 0 };
        entry.count += 1;
        entry.milliseconds += performance.now() - startedMs;
        requests.set(path, entry);
      }
    };
    const opened = await openNodeTerminal({ home: join(home, 'terminal'), transport: timedTransport });
    if (!opened.ok) throw new Error(`the terminal did not open: ${opened.code}`);
    try {
      log('activating a new terminal and pulling its bootstrap');
      const startedMs = performance.now();
      const activated = await opened.engine.activate({
        serverUrl: server.url,
        tenant: tenant.slug,
        email: tenant.emails.managerMx,
        password: TEST_PASSWORD,
        storeId: tenant.storeIds.MX,
        name: 'Caja nueva',
      });
      if (!activated.ok) throw new Error(`activation failed: ${JSON.stringify(activated)}`);
      const activatedMs = performance.now();
      let rounds = 0;
      for (; rounds < SYNC_ROUNDS_MAX; rounds += 1) {
        const synced = await opened.engine.sync();
        if (!('outcome' in synced) || synced.outcome !== 'ok')
          throw new Error(`a bootstrap round failed: ${JSON.stringify(synced)}`);
        if (synced.complete && (await opened.engine.status()).stateLoaded) break;
      }
      const readyMs = performance.now();
      const lookup = await opened.engine.lookupItem(row.sku);
      const firstLookupMs = performance.now() - readyMs;
      if (!lookup.ok)
        throw new Error(`the loaded catalog does not find ${row.sku}: ${JSON.stringify(lookup)}`);

      const bytesFromServer = sockets.reduce((total, socket) => total + socket.bytesWritten, 0);
      const bytesToServer = sockets.reduce((total, socket) => total + socket.bytesRead, 0);
      return {
        name: 'bootstrap',
        date: new Date().toISOString(),
        machine: describeMachine(),
        database: server.database.kind,
        parameters: {
          productCount: options.productCount,
          store: 'MX',
          transport: 'HTTP/1.1 on 127.0.0.1 with the server’s compression (fetch accepts gzip/br)',
          terminalStore: 'file store with fsync (Node)',
        },
        results: {
          variantCount: Number(row.variants),
          barcodeCount: Number(row.barcodes),
          secondsToReady: roundTo((readyMs - startedMs) / 1000, 2),
          activationSeconds: roundTo((activatedMs - startedMs) / 1000, 2),
          pullSeconds: roundTo((readyMs - activatedMs) / 1000, 2),
          syncRounds: rounds + 1,
          bytesFromServer,
          bytesToServer,
          megabytesOverWire: roundTo((bytesFromServer + bytesToServer) / 1_000_000, 2),
          storeBytesOnDisk: await directoryBytes(join(home, 'terminal')),
          firstLookupMs: roundTo(firstLookupMs, 3),
          requests: Object.fromEntries(
            [...requests].map(([path, entry]) => [
              path,
              { count: entry.count, seconds: roundTo(entry.milliseconds / 1000, 2) },
            ]),
          ),
        },
      };
    } finally {
      await opened.close();
    }
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

async function directoryBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export function bootstrapTable(report: BenchmarkReport<BootstrapResults>): string {
  const r = report.results;
  return [
    `bootstrap on ${report.database}: ${r.variantCount} SKUs, ${r.barcodeCount} barcodes`,
    'what                       value',
    '-------------------------  ----------',
    `time to ready              ${r.secondsToReady} s (activation ${r.activationSeconds} s, pull ${r.pullSeconds} s)`,
    `over the wire              ${r.megabytesOverWire} MB (${r.bytesFromServer} B down, ${r.bytesToServer} B up)`,
    `terminal store on disk     ${roundTo(r.storeBytesOnDisk / 1_000_000, 2)} MB`,
    `sync rounds                ${r.syncRounds}`,
    `first lookup after ready   ${r.firstLookupMs} ms`,
    ...Object.entries(r.requests).map(
      ([path, entry]) => `  waiting on ${path.padEnd(28)} ${entry.seconds} s in ${entry.count} requests`,
    ),
  ].join('\n');
}
