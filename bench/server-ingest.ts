import { PUSH_BATCH_FACTS_MAX } from '@mostrador/core';
import type { TestTenant } from '@mostrador/server/testing';
import { type ListeningServer, startListeningServer } from '@mostrador/server/testing';
import { sql } from 'kysely';
import { inBatches, prepareBenchTenant } from './bench-tenant';
import { type CpuReading, type CpuSnapshot, cpuBetween, isLocalDatabaseUrl, readCpu } from './cpu-meter';
import { activateTerminal, type PushBatch, pushApplied, pushBatch } from './device-http';
import { createIngestFloor, type FloorBatch, type IngestFloor } from './ingest-floor';
import { profileWindowFromEnvironment } from './profile-window';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  ratio,
  roundTo,
  summarizeLatencies,
} from './report';
import { newDeviceKeys, signSaleChain } from './signed-sale-chain';

/**
 * server-ingest: facts per second that POST /api/v1/sync/push applies over real HTTP, with several
 * terminals pushing their offline backlog at once in batches of 200, against the floor of copying
 * the rows push stored (COPY, no logic) at the same concurrency.
 *
 * Everything a terminal would have done already (signing, building bodies) happens before the
 * clock starts. Each terminal first pushes a small untimed warm-up batch; the floor does the same.
 * Push and floor alternate in segments so that both see the same load on the shared machine.
 */
export interface ServerIngestOptions {
  readonly terminals: number;
  readonly factsPerTerminal: number;
  readonly warmupFactsPerTerminal: number;
  readonly batchFacts: number;
  readonly productCount: number;
  readonly log?: (message: string) => void;
}

/** Issue 6: 50 terminals push a backlog of 100,000 sales at once. */
export const SERVER_INGEST_FULL: ServerIngestOptions = {
  terminals: 50,
  factsPerTerminal: 2_000,
  warmupFactsPerTerminal: 20,
  batchFacts: PUSH_BATCH_FACTS_MAX,
  productCount: 2_000,
};
export const SERVER_INGEST_QUICK: ServerIngestOptions = {
  ...SERVER_INGEST_FULL,
  terminals: 4,
  factsPerTerminal: 200,
  productCount: 300,
};

const LINES_PER_SALE = 5;
const TERMINALS_MAX = 64;
const FACTS_PER_TERMINAL_MAX = 1_000_000;
/** The tax rate of the test tenant's MX store (general class). */
const MX_TAX_BASIS_POINTS = 1600;

export type ThroughputResult = {
  readonly facts: number;
  readonly seconds: number;
  readonly factsPerSecond: number;
  /** One batch, request to answer (push) or transaction (floor). */
  readonly batchLatency: LatencySummary;
};

export type ServerIngestResults = {
  readonly push: ThroughputResult;
  /** Each terminal's facts over its own time to drain its batches, all starting together in each segment. */
  readonly pushFactsPerSecondByTerminal: readonly number[];
  readonly floor: ThroughputResult;
  /** How many times longer push takes than the floor for the same facts. */
  readonly ratio: number;
  readonly factBytesMean: number;
  /**
   * CPU milliseconds per fact on each side: this process (the server, and the benchmark's own
   * HTTP clients) and the local PostgreSQL server's processes (null on PGlite, which runs inside
   * this process, or when PostgreSQL is not on this machine).
   */
  readonly cpuPerFact: Record<'push' | 'floor', CpuReading>;
  /** Write-ahead log each side wrote per fact (the whole cluster's, so other databases' writes count too). */
  readonly walPerFact: Record<'push' | 'floor', WalPerFact>;
  /** Conflicts the pushed facts opened; 0 means the server took its normal path for every sale. */
  readonly conflictsOpened: number;
};

interface Backlog {
  readonly credential: string;
  readonly warmup: PushBatch;
  readonly measured: PushBatch[];
}

export async function runServerIngest(
  options: ServerIngestOptions,
): Promise<BenchmarkReport<ServerIngestResults>> {
  assertCount('terminals', options.terminals, 1, TERMINALS_MAX);
  assertCount('factsPerTerminal', options.factsPerTerminal, 1, FACTS_PER_TERMINAL_MAX);
  assertCount('warmupFactsPerTerminal', options.warmupFactsPerTerminal, 1, PUSH_BATCH_FACTS_MAX);
  assertCount('batchFacts', options.batchFacts, 1, PUSH_BATCH_FACTS_MAX);
  const log = options.log ?? (() => undefined);
  const server = await startListeningServer();
  try {
    log(`seeding a tenant with ${options.productCount} products on ${server.database.kind}`);
    const factsPerTerminalTotal = options.factsPerTerminal + options.warmupFactsPerTerminal;
    const { tenant, managerToken, variants } = await prepareBenchTenant(server, {
      productCount: options.productCount,
      linesSold: options.terminals * factsPerTerminalTotal * LINES_PER_SALE,
      stockLeftMin: 0,
    });

    log(`activating ${options.terminals} terminals and signing ${factsPerTerminalTotal} sales each`);
    const backlogs: Backlog[] = [];
    for (let index = 0; index < options.terminals; index += 1) {
      const keys = newDeviceKeys();
      const activated = await activateTerminal(server, managerToken, {
        storeId: tenant.storeIds.MX,
        name: `Caja bench ${index + 1}`,
        publicKeyHex: keys.publicKeyHex,
      });
      const facts = await signSaleChain(
        {
          tenantId: tenant.tenantId,
          storeId: tenant.storeIds.MX,
          terminalId: activated.terminalId,
          warehouseId: tenant.warehouseIds.MX,
          cashierUserId: tenant.userIds.managerMx,
          currency: 'MXN',
          taxRateBasisPoints: MX_TAX_BASIS_POINTS,
          lastServerTime: activated.serverTime,
          sign: keys.sign,
        },
        variants,
        {
          count: factsPerTerminalTotal,
          linesPerSale: LINES_PER_SALE,
          firstVariant: index * factsPerTerminalTotal * LINES_PER_SALE,
        },
      );
      backlogs.push({
        credential: activated.deviceCredential,
        warmup: pushBatch(facts.slice(0, options.warmupFactsPerTerminal)),
        measured: inBatches(facts.slice(options.warmupFactsPerTerminal), options.batchFacts).map(pushBatch),
      });
    }
    // The test server's clock stands still; move it past the facts' device times, as a real one is.
    server.clock.now = new Date();
    const factBytesMean = meanFactBytes(backlogs);

    const floor = await createIngestFloor(server.database);
    let measured: Awaited<ReturnType<typeof measureInterleaved>>;
    try {
      log('warming up both sides, then alternating push and floor segments');
      await Promise.all(backlogs.map((backlog) => pushApplied(server, backlog.credential, backlog.warmup)));
      const warmups = await Promise.all(backlogs.map((backlog) => floor.prepare(backlog.warmup.facts)));
      await Promise.all(warmups.map((prepared) => floor.copyBatch(prepared)));
      measured = await measureInterleaved(backlogs, {
        push: async (backlog, batch) => {
          await pushApplied(server, backlog.credential, batch);
        },
        pushUpkeep: () => server.database.statistics.settle(),
        floor,
        wal: () => readWalPosition(server),
        cpu: () =>
          readCpu({
            postgres: server.database.kind === 'postgres' && isLocalDatabaseUrl(process.env.DATABASE_URL),
          }),
      });
      const floorFacts = await floor.countFacts();
      if (floorFacts !== options.terminals * factsPerTerminalTotal)
        throw new Error(`the floor stored ${floorFacts} facts`);
    } finally {
      await floor.drop();
    }
    await expectStoredFacts(server, tenant, options.terminals * factsPerTerminalTotal);
    const conflictsOpened = await countConflicts(server, tenant);

    return {
      name: 'server-ingest',
      date: new Date().toISOString(),
      machine: describeMachine(),
      database: server.database.kind,
      parameters: {
        terminals: options.terminals,
        factsPerTerminal: options.factsPerTerminal,
        warmupFactsPerTerminal: options.warmupFactsPerTerminal,
        batchFacts: options.batchFacts,
        productCount: options.productCount,
        variantsSold: variants.length,
        linesPerSale: LINES_PER_SALE,
        tenders: 'card + cash (with change)',
        store: 'MX (per-store folios: the server assigns every final number)',
        transport: 'HTTP/1.1 on 127.0.0.1, keep-alive, bodies built before timing',
        floor:
          'per batch, one transaction: COPY of the rows push stored (facts, sales, lines, tenders, stock movements, folio assignments) into copies of their tables',
        interleaving: `push and floor alternate in up to ${SEGMENTS_MAX} segments of whole rounds`,
      },
      results: {
        push: measured.push.overall,
        pushFactsPerSecondByTerminal: measured.push.byTerminal,
        floor: measured.floor.overall,
        ratio: ratio(measured.floor.overall.factsPerSecond, measured.push.overall.factsPerSecond),
        factBytesMean,
        cpuPerFact: { push: measured.push.cpu, floor: measured.floor.cpu },
        walPerFact: { push: measured.push.wal, floor: measured.floor.wal },
        conflictsOpened,
      },
    };
  } finally {
    await server.close();
  }
}

type PushSide = (backlog: Backlog, batch: PushBatch) => Promise<void>;

/** Segments the measured batches are cut into; each side runs one segment, then the other. */
const SEGMENTS_MAX = 5;

/**
 * Times push and floor over the same batches in alternating segments: push a few rounds of
 * batches (every terminal at once, each its own batches in order), then the floor copies the rows
 * those rounds stored (read back untimed in between), and so on. On a shared machine the load
 * changes from second to second; alternating gives both sides the same share of it, so their
 * ratio holds even when absolute figures move.
 */
async function measureInterleaved(
  backlogs: readonly Backlog[],
  sides: {
    readonly push: PushSide;
    /**
     * Resolves when the upkeep pushes started (the automatic VACUUM ANALYZE) has finished: it is
     * push's cost, and left running it would slow the floor's segment instead.
     */
    readonly pushUpkeep: () => Promise<void>;
    readonly floor: IngestFloor;
    readonly wal: () => Promise<number>;
    readonly cpu: () => CpuSnapshot;
  },
): Promise<Record<'push' | 'floor', ReturnType<typeof throughputOf>>> {
  const rounds = Math.max(...backlogs.map((backlog) => backlog.measured.length));
  const roundsPerSegment = Math.ceil(rounds / Math.min(rounds, SEGMENTS_MAX));
  const tallies = { push: newTally(backlogs.length), floor: newTally(backlogs.length) };
  const profile = profileWindowFromEnvironment();
  for (let first = 0; first < rounds; first += roundsPerSegment) {
    const segment = backlogs.map((backlog) => backlog.measured.slice(first, first + roundsPerSegment));
    await profile.around('push', () =>
      timeSegment(
        tallies.push,
        segment,
        sides,
        (terminal, batch) => sides.push(backlogs[terminal]!, batch),
        sides.pushUpkeep,
      ),
    );
    const copies = new Map<PushBatch, FloorBatch>();
    for (const batch of segment.flat()) copies.set(batch, await sides.floor.prepare(batch.facts));
    await timeSegment(tallies.floor, segment, sides, (_, batch) => sides.floor.copyBatch(copies.get(batch)!));
  }
  return { push: throughputOf(tallies.push), floor: throughputOf(tallies.floor) };
}

/** Every terminal at once, each its own batches in order; adds the times to the tally. */
async function timeSegment(
  tally: Tally,
  segment: readonly (readonly PushBatch[])[],
  meters: { readonly wal: () => Promise<number>; readonly cpu: () => CpuSnapshot },
  store: (terminal: number, batch: PushBatch) => Promise<void>,
  /** Work the segment leaves running that is still its own, awaited inside its time. */
  settle: () => Promise<void> = async () => undefined,
): Promise<void> {
  const walBefore = await meters.wal();
  const cpuBefore = meters.cpu();
  const started = performance.now();
  await Promise.all(
    segment.map(async (batches, terminal) => {
      for (const batch of batches) {
        const batchStarted = performance.now();
        await store(terminal, batch);
        tally.batchMs.push(performance.now() - batchStarted);
        tally.factsByTerminal[terminal]! += batch.facts.length;
      }
      tally.secondsByTerminal[terminal]! += (performance.now() - started) / 1000;
    }),
  );
  await settle();
  tally.seconds += (performance.now() - started) / 1000;
  const cpu = cpuBetween(cpuBefore, meters.cpu());
  tally.nodeCpuMs += cpu.nodeMs;
  tally.postgresCpuMs = cpu.postgresMs === null ? null : (tally.postgresCpuMs ?? 0) + cpu.postgresMs;
  tally.walBytes += (await meters.wal()) - walBefore;
}

interface Tally {
  seconds: number;
  walBytes: number;
  nodeCpuMs: number;
  postgresCpuMs: number | null;
  readonly batchMs: number[];
  readonly factsByTerminal: number[];
  readonly secondsByTerminal: number[];
}

function newTally(terminals: number): Tally {
  return {
    seconds: 0,
    walBytes: 0,
    nodeCpuMs: 0,
    postgresCpuMs: null,
    batchMs: [],
    factsByTerminal: Array.from({ length: terminals }, () => 0),
    secondsByTerminal: Array.from({ length: terminals }, () => 0),
  };
}

function throughputOf(tally: Tally): {
  overall: ThroughputResult;
  byTerminal: number[];
  wal: WalPerFact;
  cpu: CpuReading;
} {
  const facts = tally.factsByTerminal.reduce((total, count) => total + count, 0);
  return {
    wal: { bytes: Math.round(tally.walBytes / facts) },
    cpu: {
      nodeMs: roundTo(tally.nodeCpuMs / facts, 3),
      postgresMs: tally.postgresCpuMs === null ? null : roundTo(tally.postgresCpuMs / facts, 3),
    },
    overall: {
      facts,
      seconds: roundTo(tally.seconds, 3),
      factsPerSecond: roundTo(facts / tally.seconds, 1),
      batchLatency: summarizeLatencies(tally.batchMs),
    },
    byTerminal: tally.factsByTerminal.map((count, terminal) =>
      roundTo(count / tally.secondsByTerminal[terminal]!, 1),
    ),
  };
}

export type WalPerFact = { readonly bytes: number };

/** Where the write-ahead log stands, in bytes since its start. */
async function readWalPosition(server: ListeningServer): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`
    SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes
  `.execute(server.database.system);
  return Number(rows[0]!.bytes);
}

async function expectStoredFacts(server: ListeningServer, tenant: TestTenant, expected: number) {
  const row = await server.database.system
    .selectFrom('facts')
    .select((builder) => builder.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenant.tenantId)
    .executeTakeFirstOrThrow();
  if (Number(row.count) !== expected) throw new Error(`the server stored ${row.count} of ${expected} facts`);
}

async function countConflicts(server: ListeningServer, tenant: TestTenant): Promise<number> {
  const row = await server.database.system
    .selectFrom('conflicts')
    .select((builder) => builder.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenant.tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function meanFactBytes(backlogs: readonly Backlog[]): number {
  const facts = backlogs.flatMap((backlog) => backlog.measured.flatMap((batch) => batch.facts));
  const bytes = facts.reduce((total, fact) => total + Buffer.byteLength(JSON.stringify(fact)), 0);
  return Math.round(bytes / facts.length);
}

function assertCount(name: string, value: number, minimum: number, maximum: number) {
  if (!Number.isInteger(value) || value < minimum || value > maximum)
    throw new Error(`${name} must be an integer from ${minimum} to ${maximum}; got ${value}`);
}

export function serverIngestTable(report: BenchmarkReport<ServerIngestResults>): string {
  const { results, parameters } = report;
  const row = (label: string, result: ThroughputResult) => [
    label,
    result.factsPerSecond.toFixed(0),
    result.seconds.toFixed(2),
    result.batchLatency.p50Ms.toFixed(0),
    result.batchLatency.p99Ms.toFixed(0),
  ];
  return [
    `server-ingest on ${report.database}: ${parameters.terminals} terminals × ${parameters.factsPerTerminal} sales (${LINES_PER_SALE} lines, 2 tenders), batches of ${parameters.batchFacts}`,
    formatTable(
      ['what', 'facts/s', 'seconds', 'batch p50 ms', 'batch p99 ms'],
      [
        row('push over HTTP', results.push),
        row('floor: COPY of the same rows', results.floor),
        ['ratio (push time / floor time)', `${results.ratio}×`, '', '', ''],
      ],
    ),
    `CPU per fact: push ${cpuText(results.cpuPerFact.push)}, floor ${cpuText(results.cpuPerFact.floor)}`,
    `WAL per fact: push ${results.walPerFact.push.bytes} B, floor ${results.walPerFact.floor.bytes} B`,
    `per terminal (facts/s): ${results.pushFactsPerSecondByTerminal.join(', ')}; conflicts opened: ${results.conflictsOpened}; mean fact ${results.factBytesMean} B`,
  ].join('\n');
}

function cpuText(cpu: CpuReading): string {
  const postgres = cpu.postgresMs === null ? '' : ` + PostgreSQL ${cpu.postgresMs.toFixed(3)} ms`;
  return `Node ${cpu.nodeMs.toFixed(3)} ms${postgres}`;
}
