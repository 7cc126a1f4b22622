import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createTestTenant, startListeningServer, TEST_PASSWORD } from '@mostrador/server/testing';
import { sql } from 'kysely';
import { type RequestMark, SNAPSHOT_PATH, type TillAssignment, type TillOutcome } from './bootstrap-till';
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
    const bytesByPath = new Map<string, { fromServer: number; toServer: number }>();
    const requestStarts = new Map<string, { fromServer: number; toServer: number }>();
    // The engine sends one request at a time, so the server's socket counters between a request's
    // start and the end of its answer are that request's bytes. The marks come from the till's
    // thread as messages, so a few bytes at a boundary may count toward the neighbouring request;
    // the totals are exact.
    const onRequest = ({ path, phase }: RequestMark) => {
      if (phase === 'start') {
        requestStarts.set(path, wire());
        return;
      }
      const before = requestStarts.get(path) ?? wire();
      const after = wire();
      const entry = bytesByPath.get(path) ?? { fromServer: 0, toServer: 0 };
      entry.fromServer += after.fromServer - before.fromServer;
      entry.toServer += after.toServer - before.toServer;
      bytesByPath.set(path, entry);
    };
    log('activating a new terminal (on its own thread) and pulling its bootstrap');
    const till = await runTillOnItsOwnThread(
      {
        home,
        serverUrl: server.url,
        tenantSlug: tenant.slug,
        email: tenant.emails.managerMx,
        password: TEST_PASSWORD,
        storeId: tenant.storeIds.MX,
        sku: row.sku,
      },
      onRequest,
    );
    const { fromServer: bytesFromServer, toServer: bytesToServer } = wire();
    const snapshotRequests = till.requests[SNAPSHOT_PATH];
    const snapshotBytes = bytesByPath.get(SNAPSHOT_PATH);
    return {
      name: 'bootstrap',
      date: new Date().toISOString(),
      machine: describeMachine(),
      database: server.database.kind,
      parameters: {
        productCount: options.productCount,
        store: 'MX',
        transport: 'HTTP/1.1 on 127.0.0.1 with the server’s compression (fetch accepts gzip/br)',
        terminalStore: 'file store with fsync (Node), on a worker thread of its own',
      },
      results: {
        variantCount: Number(row.variants),
        barcodeCount: Number(row.barcodes),
        secondsToReady: roundTo((till.activationMs + till.pullMs) / 1000, 2),
        activationSeconds: roundTo(till.activationMs / 1000, 2),
        pullSeconds: roundTo(till.pullMs / 1000, 2),
        syncRounds: till.syncRounds,
        bytesFromServer,
        bytesToServer,
        megabytesOverWire: roundTo((bytesFromServer + bytesToServer) / 1_000_000, 2),
        storeBytesOnDisk: till.storeBytesOnDisk,
        firstLookupMs: roundTo(till.firstLookupMs, 3),
        snapshot:
          snapshotRequests === undefined || till.snapshotChanges === 0
            ? null
            : {
                seconds: roundTo(snapshotRequests.milliseconds / 1000, 2),
                changes: till.snapshotChanges,
                bytesFromServer: snapshotBytes?.fromServer ?? 0,
              },
        requests: Object.fromEntries(
          Object.entries(till.requests).map(([path, entry]) => [
            path,
            {
              count: entry.count,
              seconds: roundTo(entry.milliseconds / 1000, 2),
              bytesFromServer: bytesByPath.get(path)?.fromServer ?? 0,
              bytesToServer: bytesByPath.get(path)?.toServer ?? 0,
            },
          ]),
        ),
      },
    };
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Runs the till on a worker thread and resolves with what it measured; `onRequest` hears each
 * request start and end, in order, on this (the server's) thread.
 */
function runTillOnItsOwnThread(
  assignment: TillAssignment,
  onRequest: (request: RequestMark) => void,
): Promise<TillOutcome> {
  const entry = new URL('./bootstrap-till.worker.ts', import.meta.url).href;
  // The worker's entry is TypeScript: register tsx's loader in it first.
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData: assignment },
  );
  return new Promise<TillOutcome>((resolve, reject) => {
    worker.on('message', (message: TillMessage) => {
      if ('request' in message) onRequest(message.request);
      else if ('outcome' in message) resolve(message.outcome);
      else reject(new Error(`the till failed: ${message.failure}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the till's thread exited (${code}) before reporting`)));
  }).finally(() => worker.terminate());
}

type TillMessage =
  | { readonly request: RequestMark }
  | { readonly outcome: TillOutcome }
  | { readonly failure: string };

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
