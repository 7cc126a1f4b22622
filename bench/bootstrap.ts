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
 * compression: the bootstrap snapshot, then the feed from the snapshot's cursor. Reported: time to
 * ready (activation through the last pulled page), bytes on the wire both ways (counted on the
 * server's sockets), the snapshot phase on its own (fetching and storing it: seconds, bytes,
 * changes), the time and bytes of each request path, and the terminal's store on disk.
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

type RequestFigures = {
  readonly count: number;
  readonly seconds: number;
  readonly bytesFromServer: number;
  readonly bytesToServer: number;
};

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
  /** The snapshot request from its start until its last line was stored (null: the server has none). */
  readonly snapshot: {
    readonly seconds: number;
    readonly changes: number;
    readonly bytesFromServer: number;
  } | null;
  /**
   * Per path: requests, time from the request until its answer was consumed (a streamed answer is
   * consumed as the terminal stores it), and the bytes the server's sockets moved meanwhile.
   */
  readonly requests: { readonly [path: string]: RequestFigures };
};

const SNAPSHOT_PATH = '/api/v1/sync/snapshot';

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
    const wire = () => ({
      fromServer: sockets.reduce((total, socket) => total + socket.bytesWritten, 0),
      toServer: sockets.reduce((total, socket) => total + socket.bytesRead, 0),
    });
    const requests = new Map<
      string,
      { count: number; milliseconds: number; fromServer: number; toServer: number }
    >();
    const snapshotLines = { changes: 0 };
    const http = fetchTransport(server.url, { timeoutMs: 300_000 });
    // The engine sends one request at a time, so the sockets' counters between a request's start
    // and the end of its answer are that request's bytes.
    const timedTransport: Transport = async (request) => {
      const path = request.path.split('?')[0] ?? request.path;
      const startedMs = performance.now();
      const before = wire();
      const record = () => {
        const after = wire();
        const entry = requests.get(path) ?? { count: 0, milliseconds: 0, fromServer: 0, toServer: 0 };
        entry.count += 1;
        entry.milliseconds += performance.now() - startedMs;
        entry.fromServer += after.fromServer - before.fromServer;
        entry.toServer += after.toServer - before.toServer;
        requests.set(path, entry);
      };
      let response: Awaited<ReturnType<Transport>>;
      try {
        response = await http(request);
      } catch (error) {
        record();
        throw error;
      }
      const lines = response.lines;
      if (lines === undefined) {
        record();
        return response;
      }
      return {
        ...response,
        lines: countedLines(lines, path === SNAPSHOT_PATH ? snapshotLines : null, record),
      };
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

      const { fromServer: bytesFromServer, toServer: bytesToServer } = wire();
      const snapshotRequests = requests.get(SNAPSHOT_PATH);
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
          snapshot:
            snapshotRequests === undefined || snapshotLines.changes === 0
              ? null
              : {
                  seconds: roundTo(snapshotRequests.milliseconds / 1000, 2),
                  changes: snapshotLines.changes,
                  bytesFromServer: snapshotRequests.fromServer,
                },
          requests: Object.fromEntries(
            [...requests].map(([path, entry]) => [
              path,
              {
                count: entry.count,
                seconds: roundTo(entry.milliseconds / 1000, 2),
                bytesFromServer: entry.fromServer,
                bytesToServer: entry.toServer,
              },
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

/**
 * Passes a streamed answer's lines through, counting the snapshot's changes, and
 * records the request once its last line was consumed (or the stream failed).
 */
async function* countedLines(
  lines: AsyncIterable<unknown>,
  counts: { changes: number } | null,
  record: () => void,
): AsyncGenerator<unknown> {
  try {
    for await (const line of lines) {
      if (counts !== null) {
        const changes = (line as { changes?: unknown[] }).changes;
        if (Array.isArray(changes)) counts.changes += changes.length;
      }
      yield line;
    }
  } finally {
    record();
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
    r.snapshot === null
      ? 'snapshot                   none (the feed was paged from cursor 0)'
      : `snapshot                   ${r.snapshot.seconds} s to fetch and store ${r.snapshot.changes} changes, ` +
        `${roundTo(r.snapshot.bytesFromServer / 1_000_000, 2)} MB down`,
    ...Object.entries(r.requests).map(
      ([path, entry]) =>
        `  ${path.padEnd(30)} ${entry.seconds} s in ${entry.count} requests, ` +
        `${roundTo(entry.bytesFromServer / 1_000_000, 2)} MB down`,
    ),
  ].join('\n');
}
