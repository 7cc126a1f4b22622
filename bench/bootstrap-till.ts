import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchTransport, type Transport } from '@mostrador/terminal';
import { openNodeTerminal } from '@mostrador/terminal/node';

/**
 * The till's side of the bootstrap benchmark: a new Node till activates and syncs until its state
 * is loaded. It runs on a thread of its own (bootstrap-till.worker.ts), as a real till runs on a
 * machine of its own: on the server's thread, the till's work and the server's streaming of the
 * snapshot took turns on one event loop.
 */
export interface TillAssignment {
  readonly home: string;
  readonly serverUrl: string;
  readonly tenantSlug: string;
  readonly email: string;
  readonly password: string;
  readonly storeId: string;
  /** A SKU the loaded catalog must find. */
  readonly sku: string;
}

export interface TillOutcome {
  readonly activationMs: number;
  readonly pullMs: number;
  readonly syncRounds: number;
  readonly firstLookupMs: number;
  readonly snapshotChanges: number;
  /** Per path: requests and the time from each request until its answer was consumed. */
  readonly requests: { readonly [path: string]: { readonly count: number; readonly milliseconds: number } };
  readonly storeBytesOnDisk: number;
}

/** A request starting, or its answer consumed: the server's thread counts its bytes between them. */
export type RequestMark = { readonly path: string; readonly phase: 'start' | 'end' };

export const SNAPSHOT_PATH = '/api/v1/sync/snapshot';
/** A bootstrap that needs more rounds than this is stuck, not slow. */
const SYNC_ROUNDS_MAX = 1_000;

export async function runTill(
  assignment: TillAssignment,
  mark: (request: RequestMark) => void,
): Promise<TillOutcome> {
  const requests = new Map<string, { count: number; milliseconds: number }>();
  const snapshotLines = { changes: 0 };
  const http = fetchTransport(assignment.serverUrl, { timeoutMs: 300_000 });
  const timedTransport: Transport = async (request) => {
    const path = request.path.split('?')[0] ?? request.path;
    const startedMs = performance.now();
    mark({ path, phase: 'start' });
    const record = () => {
      const entry = requests.get(path) ?? { count: 0, milliseconds: 0 };
      entry.count += 1;
      entry.milliseconds += performance.now() - startedMs;
      requests.set(path, entry);
      mark({ path, phase: 'end' });
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
  const terminalHome = join(assignment.home, 'terminal');
  const opened = await openNodeTerminal({ home: terminalHome, transport: timedTransport });
  if (!opened.ok) throw new Error(`the terminal did not open: ${opened.code}`);
  try {
    const startedMs = performance.now();
    const activated = await opened.engine.activate({
      serverUrl: assignment.serverUrl,
      tenant: assignment.tenantSlug,
      email: assignment.email,
      password: assignment.password,
      storeId: assignment.storeId,
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
    const lookup = await opened.engine.lookupItem(assignment.sku);
    const firstLookupMs = performance.now() - readyMs;
    if (!lookup.ok)
      throw new Error(`the loaded catalog does not find ${assignment.sku}: ${JSON.stringify(lookup)}`);
    return {
      activationMs: activatedMs - startedMs,
      pullMs: readyMs - activatedMs,
      syncRounds: rounds + 1,
      firstLookupMs,
      snapshotChanges: snapshotLines.changes,
      requests: Object.fromEntries(requests),
      storeBytesOnDisk: await directoryBytes(terminalHome),
    };
  } finally {
    await opened.close();
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
