import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { type FactSigner, PUSH_BATCH_FACTS_MAX } from '@mostrador/core';
import { type ListeningServer, startListeningServer } from '@mostrador/server/testing';
import { sql } from 'kysely';
import { inBatches, type PricedVariant, receiveStock } from './bench-tenant';
import {
  CHAIN_CURRENCY,
  CHAIN_TAX_BASIS_POINTS,
  type ChainStore,
  type ChainTenant,
  datePriceHistoryBack,
  prepareChainTenant,
} from './chain-tenant';
import {
  type ChainTraffic,
  type RequestKind,
  type RequestSample,
  startChainTraffic,
  type TrafficPolicy,
  type TrafficTerminal,
} from './chain-traffic';
import { type ActivityMeans, meanActivity, startActivitySampler } from './database-activity';
import { activateTerminal, type PushBatch, pullToEnd, pushApplied, pushBatch } from './device-http';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  roundTo,
  summarizeLatencies,
} from './report';
import { seededRandom } from './seeded-random';
import { type ChainContext, createSaleChain, newDeviceKeys, signSaleChain } from './signed-sale-chain';

/**
 * drain (issue 6, benchmark 5): a store's tills come back after a day offline while the rest of
 * the chain syncs normally. The measured time runs from the moment the returning tills reconnect
 * (all at once, each pushing its backlog in order, one batch at a time, as the terminal's push
 * client does) until the server has acknowledged every backlog fact as applied. Meanwhile the other
 * stores' tills run their sync loop (see chain-traffic.ts); their request latencies before and
 * during the drain show whether the other stores stall. Afterwards the database must hold every
 * backlog sale exactly once with a gapless, unique final folio, and no conflict.
 */
export interface DrainOptions {
  readonly storeCount: number;
  readonly returningTerminals: number;
  readonly offlineHours: number;
  readonly salesPerHour: number;
  readonly backgroundTerminals: number;
  readonly productCount: number;
  readonly batchFacts: number;
  readonly traffic: TrafficPolicy;
  /** The background runs this long before the baseline window, so its start-up is not measured. */
  readonly warmupSeconds: number;
  /** The window of background traffic measured before the returning tills reconnect. */
  readonly baselineSeconds: number;
  readonly budgetSeconds: number;
  readonly seed: number;
  readonly log?: (message: string) => void;
}

/**
 * The day as the tills live it, in real time: a round every 5 s, a sale every 60 s on average
 * per till (200 tills ring about 3.3 sales a second chain-wide), a health report a minute.
 */
const DAY_TRAFFIC: TrafficPolicy = {
  roundIntervalMs: 5_000,
  saleIntervalMsMean: 60_000,
  healthIntervalMs: 60_000,
  salesPerTerminalMax: 60,
  pullPageChangesMax: 1_000,
};

export const DRAIN_FULL: DrainOptions = {
  storeCount: 50,
  returningTerminals: 4,
  offlineHours: 8,
  salesPerHour: 60,
  backgroundTerminals: 200,
  productCount: 500,
  batchFacts: PUSH_BATCH_FACTS_MAX,
  traffic: DAY_TRAFFIC,
  warmupSeconds: 15,
  baselineSeconds: 60,
  budgetSeconds: 60,
  seed: 6,
};

/** CI-sized: fewer stores and tills, one offline hour, and the day compressed twelvefold. */
export const DRAIN_QUICK: DrainOptions = {
  ...DRAIN_FULL,
  storeCount: 6,
  offlineHours: 1,
  backgroundTerminals: 20,
  productCount: 100,
  traffic: { ...DAY_TRAFFIC, roundIntervalMs: 1_000, saleIntervalMsMean: 5_000, healthIntervalMs: 5_000 },
  warmupSeconds: 2,
  baselineSeconds: 6,
};

const LINES_PER_SALE = 5;
const TERMINALS_MAX = 2_000;
/** Distinct SKUs each background store sells from (its stock is received for the whole run). */
const BACKGROUND_VARIANTS_PER_STORE = 40;
const FEED_PAGES_MAX = 100_000;
const ACTIVITY_SAMPLE_INTERVAL_MS = 100;
const PROGRESS_INTERVAL_MS = 15_000;
/** How long a terminal waits for an answer before it counts the request as failed (its transport's default). */
const TERMINAL_REQUEST_TIMEOUT_MS = 20_000;
const EVENT_LOOP_RESOLUTION_MS = 10;
const LOCK_WAITS_SHOWN = 3;
/** How long before the returning store opened its catalog's prices were set. */
const PRICES_HOURS_BEFORE_OPENING = 24;

/**
 * How late the server process's timers fire: the benchmark's tills and the server share one
 * event loop, so a long delay means Node's CPU, not the database, holds requests back.
 */
export type EventLoopDelay = { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };

function eventLoopDelayOf(histogram: IntervalHistogram): EventLoopDelay {
  // The histogram records whole intervals between ticks; what is late is the part past the resolution.
  const ms = (nanoseconds: number) => roundTo(Math.max(0, nanoseconds / 1e6 - EVENT_LOOP_RESOLUTION_MS), 1);
  return {
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
  };
}

export type WindowedLatency = {
  /** Requests sent and answered in the baseline window, before the returning tills reconnect. */
  readonly before: LatencySummary | null;
  /** Requests sent while the backlog was draining. */
  readonly during: LatencySummary | null;
};

export type DrainResults = {
  readonly drain: {
    readonly facts: number;
    readonly seconds: number;
    readonly factsPerSecond: number;
    readonly secondsByTerminal: readonly number[];
    readonly batchLatency: LatencySummary;
    readonly budgetSeconds: number;
    readonly withinBudget: boolean;
    /** Batches answered after a real terminal would have given up waiting (and retried later). */
    readonly batchesSlowerThanTerminalTimeout: number;
  };
  readonly background: {
    readonly terminals: number;
    readonly stores: number;
    readonly salesMade: number;
    readonly factsAcknowledged: number;
    readonly push: WindowedLatency;
    readonly pull: WindowedLatency;
    readonly health: WindowedLatency;
    readonly requestsPerSecondBefore: number;
    readonly requestsPerSecondDuring: number;
    /** Requests answered after a real terminal would have given up waiting. */
    readonly slowerThanTerminalTimeoutBefore: number;
    readonly slowerThanTerminalTimeoutDuring: number;
  };
  /** Seeding, stock, activations and signing, before the background starts. */
  readonly setupSeconds: number;
  /** Where the time went: the server process's event loop, and its database connections. */
  readonly diagnostics: {
    readonly eventLoopDelay: { readonly before: EventLoopDelay; readonly during: EventLoopDelay };
    /** Mean pooled connections per state (PostgreSQL only; PGlite has one connection). */
    readonly databaseConnections: {
      readonly before: ActivityMeans | null;
      readonly during: ActivityMeans | null;
    } | null;
  };
  readonly verification: {
    readonly backlogSalesStored: number;
    readonly finalFoliosDistinct: number;
    readonly folioNumberMin: number;
    readonly folioNumberMax: number;
    readonly conflictsOpened: number;
  };
};

interface ReturningTill {
  readonly terminalId: string;
  readonly deviceCredential: string;
  readonly batches: readonly PushBatch[];
}

export async function runDrain(options: DrainOptions): Promise<BenchmarkReport<DrainResults>> {
  assertCount('storeCount', options.storeCount, 2, 500);
  assertCount('returningTerminals', options.returningTerminals, 1, 64);
  assertCount('backgroundTerminals', options.backgroundTerminals, 1, TERMINALS_MAX);
  assertCount('batchFacts', options.batchFacts, 1, PUSH_BATCH_FACTS_MAX);
  const factsPerTill = Math.round(options.offlineHours * options.salesPerHour);
  assertCount('offlineHours × salesPerHour', factsPerTill, 1, 100_000);
  const log = options.log ?? (() => undefined);
  const runStartedMs = performance.now();
  const server = await startListeningServer();
  try {
    log(
      `seeding ${options.storeCount} stores with ${options.productCount} products on ${server.database.kind}`,
    );
    const chain = await prepareChainTenant(server, {
      storeCount: options.storeCount,
      productCount: options.productCount,
    });
    const [returningStore, ...otherStores] = chain.stores as [ChainStore, ...ChainStore[]];
    log(`activating ${options.returningTerminals} tills that were offline ${options.offlineHours} h`);
    const returning = await prepareReturningTills(server, chain, returningStore, {
      ...options,
      factsPerTill,
    });
    log(`activating ${options.backgroundTerminals} tills over ${otherStores.length} other stores`);
    const background = await prepareBackground(server, chain, otherStores, options);
    server.clock.now = new Date();
    const setupSeconds = (performance.now() - runStartedMs) / 1000;

    log(
      `background traffic: warm-up ${options.warmupSeconds} s, baseline ${options.baselineSeconds} s, then the drain`,
    );
    const run = await drainDuringTraffic(server, returning, background, options, log);
    const { drained, traffic } = run;
    log(`drained ${drained.facts} facts in ${drained.seconds.toFixed(1)} s; verifying the database`);
    const verification = await verifyDrain(server, chain, returningStore, returning, drained.folios);
    const backgroundFacts = await countFacts(server, chain.tenantId, {
      excluding: returning.map((till) => till.terminalId),
    });
    if (backgroundFacts !== traffic.factsAcknowledged())
      throw new Error(
        `the server holds ${backgroundFacts} background facts, tills were told ${traffic.factsAcknowledged()}`,
      );

    return {
      name: 'drain',
      date: new Date().toISOString(),
      machine: describeMachine(),
      database: server.database.kind,
      parameters: {
        stores: options.storeCount,
        returningTerminals: options.returningTerminals,
        offlineHours: options.offlineHours,
        salesPerHour: options.salesPerHour,
        factsPerReturningTerminal: factsPerTill,
        backgroundTerminals: options.backgroundTerminals,
        productCount: options.productCount,
        unitVariants: chain.variants.length,
        batchFacts: options.batchFacts,
        linesPerSale: LINES_PER_SALE,
        tenders: 'card + cash (with change)',
        roundIntervalMs: options.traffic.roundIntervalMs,
        saleIntervalMsMean: options.traffic.saleIntervalMsMean,
        healthIntervalMs: options.traffic.healthIntervalMs,
        warmupSeconds: options.warmupSeconds,
        baselineSeconds: options.baselineSeconds,
        seed: options.seed,
        folios: 'per store: the server assigns every final number',
        transport: 'HTTP/1.1 on 127.0.0.1, keep-alive; backlog bodies built before timing',
      },
      results: {
        drain: {
          facts: drained.facts,
          seconds: roundTo(drained.seconds, 3),
          factsPerSecond: roundTo(drained.facts / drained.seconds, 1),
          secondsByTerminal: drained.secondsByTerminal.map((seconds) => roundTo(seconds, 3)),
          batchLatency: summarizeLatencies(drained.batchMs),
          budgetSeconds: options.budgetSeconds,
          withinBudget: drained.seconds < options.budgetSeconds,
          batchesSlowerThanTerminalTimeout: drained.batchMs.filter((ms) => ms > TERMINAL_REQUEST_TIMEOUT_MS)
            .length,
        },
        background: {
          terminals: options.backgroundTerminals,
          stores: Math.min(otherStores.length, options.backgroundTerminals),
          salesMade: traffic.salesMade(),
          factsAcknowledged: traffic.factsAcknowledged(),
          ...windowedLatencies(traffic.samples, {
            beforeFromMs: run.baselineStartedMs,
            drainFromMs: drained.startedMs,
            drainUntilMs: drained.endedMs,
          }),
        },
        verification,
        setupSeconds: roundTo(setupSeconds, 1),
        diagnostics: {
          eventLoopDelay: run.eventLoopDelay,
          databaseConnections:
            run.activity === undefined
              ? null
              : {
                  before: meanActivity(run.activity, run.baselineStartedMs, drained.startedMs),
                  during: meanActivity(run.activity, drained.startedMs, drained.endedMs),
                },
        },
      },
    };
  } finally {
    await server.close();
  }
}

/**
 * The store that went offline: its stock received for everything its tills sold, its tills
 * activated as the store opened (so the last server time they heard is hours old), and each till's
 * backlog signed with sales spread evenly over the hours offline, cut into push bodies.
 */
async function prepareReturningTills(
  server: ListeningServer,
  chain: ChainTenant,
  store: ChainStore,
  options: DrainOptions & { readonly factsPerTill: number },
): Promise<ReturningTill[]> {
  const { factsPerTill } = options;
  const backlogLines = options.returningTerminals * factsPerTill * LINES_PER_SALE;
  await receiveStock(
    server,
    chain.adminToken,
    store.warehouseId,
    chain.variants,
    Math.ceil(backlogLines / chain.variants.length),
  );
  const reconnectPlannedMs = Date.now();
  const offlineMs = options.offlineHours * 3_600_000;
  // They last heard the server as the store opened, a minute before the link went down.
  server.clock.now = new Date(reconnectPlannedMs - offlineMs - 60_000);
  const tills: ReturningTill[] = [];
  for (let index = 0; index < options.returningTerminals; index += 1) {
    const keys = newDeviceKeys();
    const activated = await activateTerminal(server, chain.adminToken, {
      storeId: store.id,
      name: `Caja ${store.code}-${index + 1}`,
      publicKeyHex: keys.publicKeyHex,
    });
    const facts = await signSaleChain(chainContext(chain, store, activated, keys.sign), chain.variants, {
      count: factsPerTill,
      linesPerSale: LINES_PER_SALE,
      firstVariant: index * factsPerTill * LINES_PER_SALE,
      deviceTimeOf: (sale) =>
        new Date(reconnectPlannedMs - offlineMs + ((sale + 0.5) * offlineMs) / factsPerTill),
    });
    tills.push({
      terminalId: activated.terminalId,
      deviceCredential: activated.deviceCredential,
      batches: inBatches(facts, options.batchFacts).map(pushBatch),
    });
  }
  server.clock.now = new Date();
  // The catalog's prices were in force all day, not only since the seed ran a minute ago.
  await datePriceHistoryBack(server, chain.tenantId, options.offlineHours + PRICES_HOURS_BEFORE_OPENING);
  return tills;
}

/**
 * Starts the other stores' traffic, lets it settle, measures a baseline window, then lets the
 * returning tills reconnect and drain; the event loop and (on PostgreSQL) the pooled connections
 * are watched through both windows.
 */
async function drainDuringTraffic(
  server: ListeningServer,
  returning: readonly ReturningTill[],
  background: readonly TrafficTerminal[],
  options: DrainOptions,
  log: (message: string) => void,
) {
  const traffic = startChainTraffic(server, background, options.traffic, seededRandom(options.seed));
  const activity = startActivitySampler(server.database, ACTIVITY_SAMPLE_INTERVAL_MS);
  const progress = setInterval(reportProgress(traffic, log), PROGRESS_INTERVAL_MS);
  const loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  try {
    await sleep(options.warmupSeconds * 1000);
    const baselineStartedMs = performance.now();
    loopDelay.enable();
    await sleep(options.baselineSeconds * 1000);
    const loopDelayBefore = eventLoopDelayOf(loopDelay);
    loopDelay.reset();
    log(`the ${returning.length} tills reconnect`);
    const drained = await drainBacklogs(server, returning);
    const eventLoopDelay = { before: loopDelayBefore, during: eventLoopDelayOf(loopDelay) };
    return { drained, traffic, baselineStartedMs, eventLoopDelay, activity: activity?.samples };
  } finally {
    clearInterval(progress);
    loopDelay.disable();
    await activity?.stop();
    await traffic.stop();
  }
}

function chainContext(
  chain: ChainTenant,
  store: ChainStore,
  activated: { readonly terminalId: string; readonly serverTime: string },
  sign: FactSigner,
): ChainContext {
  return {
    tenantId: chain.tenantId,
    storeId: store.id,
    terminalId: activated.terminalId,
    warehouseId: store.warehouseId,
    cashierUserId: store.cashierUserId,
    currency: CHAIN_CURRENCY,
    taxRateBasisPoints: CHAIN_TAX_BASIS_POINTS,
    lastServerTime: activated.serverTime,
    sign,
  };
}

interface ActivatedTill {
  readonly store: ChainStore;
  readonly storeIndex: number;
  readonly tillIndex: number;
  readonly terminalId: string;
  readonly deviceCredential: string;
  readonly serverTime: string;
  readonly sign: FactSigner;
}

/**
 * The other stores' tills, spread evenly, each store stocked for the most its tills can sell, all
 * starting from a feed cursor that is caught up (they have been syncing all day).
 */
async function prepareBackground(
  server: ListeningServer,
  chain: ChainTenant,
  stores: readonly ChainStore[],
  options: DrainOptions,
): Promise<TrafficTerminal[]> {
  const tillsInStore = (storeIndex: number) =>
    Math.floor(options.backgroundTerminals / stores.length) +
    (storeIndex < options.backgroundTerminals % stores.length ? 1 : 0);
  const storeVariants = (storeIndex: number): PricedVariant[] =>
    Array.from(
      { length: Math.min(BACKGROUND_VARIANTS_PER_STORE, chain.variants.length) },
      (_, offset) =>
        chain.variants[(storeIndex * BACKGROUND_VARIANTS_PER_STORE + offset) % chain.variants.length]!,
    );
  const activated: ActivatedTill[] = [];
  for (const [storeIndex, store] of stores.entries()) {
    const variants = storeVariants(storeIndex);
    // Each till walks the store's SKUs round robin, so it sells any one of them at most this often.
    const timesSoldPerTill = Math.ceil(
      (options.traffic.salesPerTerminalMax * LINES_PER_SALE) / variants.length,
    );
    if (tillsInStore(storeIndex) > 0)
      await receiveStock(
        server,
        chain.adminToken,
        store.warehouseId,
        variants,
        tillsInStore(storeIndex) * timesSoldPerTill,
      );
    for (let tillIndex = 0; tillIndex < tillsInStore(storeIndex); tillIndex += 1) {
      const keys = newDeviceKeys();
      const answer = await activateTerminal(server, chain.adminToken, {
        storeId: store.id,
        name: `Caja ${store.code}-${tillIndex + 1}`,
        publicKeyHex: keys.publicKeyHex,
      });
      activated.push({ store, storeIndex, tillIndex, ...answer, sign: keys.sign });
    }
  }
  // One till reads the feed from the start; the others begin where it ended, as caught-up tills.
  const first = activated[0]!;
  const caughtUp = await pullToEnd(server, first.deviceCredential, '0', {
    pageChangesMax: options.traffic.pullPageChangesMax,
    pagesMax: FEED_PAGES_MAX,
  });
  return activated.map((till) => ({
    terminalId: till.terminalId,
    deviceCredential: till.deviceCredential,
    cursor: caughtUp.cursor,
    chain: createSaleChain(chainContext(chain, till.store, till, till.sign), storeVariants(till.storeIndex), {
      linesPerSale: LINES_PER_SALE,
      firstVariant: till.tillIndex * LINES_PER_SALE,
    }),
  }));
}

/** All returning tills at once, each its batches in order, one request at a time. */
async function drainBacklogs(server: ListeningServer, tills: readonly ReturningTill[]) {
  const batchMs: number[] = [];
  const folios = new Map<string, string>();
  const startedMs = performance.now();
  const secondsByTerminal = await Promise.all(
    tills.map(async (till) => {
      for (const batch of till.batches) {
        const sentMs = performance.now();
        const answer = await pushApplied(server, till.deviceCredential, batch);
        batchMs.push(performance.now() - sentMs);
        for (const folio of answer.folios) folios.set(folio.eventId, folio.finalFolio);
      }
      return (performance.now() - startedMs) / 1000;
    }),
  );
  const endedMs = performance.now();
  const facts = tills.reduce(
    (total, till) => total + till.batches.reduce((sum, batch) => sum + batch.facts.length, 0),
    0,
  );
  return {
    facts,
    seconds: (endedMs - startedMs) / 1000,
    secondsByTerminal,
    batchMs,
    folios,
    startedMs,
    endedMs,
  };
}

/**
 * Every backlog sale is stored exactly once with the final folio its till was told; the store's
 * sale series numbers 1..N with no gap or repeat; nothing opened a conflict.
 */
async function verifyDrain(
  server: ListeningServer,
  chain: ChainTenant,
  store: ChainStore,
  tills: readonly ReturningTill[],
  foliosTold: ReadonlyMap<string, string>,
): Promise<DrainResults['verification']> {
  const system = server.database.system;
  const expectedEventIds = tills.flatMap((till) =>
    till.batches.flatMap((batch) => batch.facts.map((fact) => fact.eventId)),
  );
  const terminalIds = JSON.stringify(tills.map((till) => till.terminalId));
  const sales = await sql<{ event_id: string; final_folio: string | null }>`
    SELECT event_id, final_folio FROM sales
    WHERE tenant_id = ${chain.tenantId}
      AND terminal_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${terminalIds}::jsonb))
  `.execute(system);
  if (sales.rows.length !== expectedEventIds.length)
    throw new Error(
      `the server holds ${sales.rows.length} backlog sales, expected ${expectedEventIds.length}`,
    );
  const stored = new Map(sales.rows.map((row) => [row.event_id, row.final_folio]));
  for (const eventId of expectedEventIds) {
    const finalFolio = stored.get(eventId);
    if (finalFolio === undefined || finalFolio === null)
      throw new Error(`sale of fact ${eventId} has no final folio`);
    if (foliosTold.get(eventId) !== finalFolio)
      throw new Error(
        `fact ${eventId}: stored folio ${finalFolio}, its till was told ${foliosTold.get(eventId)}`,
      );
  }
  const finalFoliosDistinct = new Set(stored.values()).size;
  if (finalFoliosDistinct !== expectedEventIds.length)
    throw new Error('two backlog sales share a final folio');
  const numbers = await sql<{ count: string; distinct: string; min: string | null; max: string | null }>`
    SELECT count(*) AS count, count(DISTINCT number) AS distinct, min(number) AS min, max(number) AS max
    FROM folio_assignments
    WHERE tenant_id = ${chain.tenantId} AND store_id = ${store.id} AND document_type = 'sale'
  `.execute(system);
  const series = numbers.rows[0]!;
  // Only the returning tills sell in their store, so its series must be exactly 1..N.
  if (
    Number(series.count) !== expectedEventIds.length ||
    Number(series.distinct) !== expectedEventIds.length ||
    Number(series.min) !== 1 ||
    Number(series.max) !== expectedEventIds.length
  )
    throw new Error(
      `the store's sale folios are not 1..${expectedEventIds.length}: ${JSON.stringify(series)}`,
    );
  const conflicts = await sql<{ count: string }>`
    SELECT count(*) AS count FROM conflicts WHERE tenant_id = ${chain.tenantId}
  `.execute(system);
  const conflictsOpened = Number(conflicts.rows[0]!.count);
  if (conflictsOpened !== 0)
    throw new Error(`${conflictsOpened} conflicts opened; the run must take the normal path`);
  return {
    backlogSalesStored: sales.rows.length,
    finalFoliosDistinct,
    folioNumberMin: Number(series.min),
    folioNumberMax: Number(series.max),
    conflictsOpened,
  };
}

async function countFacts(
  server: ListeningServer,
  tenantId: string,
  filter: { readonly excluding: readonly string[] },
): Promise<number> {
  const result = await sql<{ count: string }>`
    SELECT count(*) AS count FROM facts
    WHERE tenant_id = ${tenantId}
      AND terminal_id NOT IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(filter.excluding)}::jsonb))
  `.execute(server.database.system);
  return Number(result.rows[0]!.count);
}

function windowedLatencies(
  samples: readonly RequestSample[],
  window: { readonly beforeFromMs: number; readonly drainFromMs: number; readonly drainUntilMs: number },
) {
  const before = samples.filter(
    (sample) =>
      sample.startedMs >= window.beforeFromMs && sample.startedMs + sample.durationMs < window.drainFromMs,
  );
  const during = samples.filter(
    (sample) => sample.startedMs >= window.drainFromMs && sample.startedMs < window.drainUntilMs,
  );
  const of = (samples: readonly RequestSample[], kind: RequestKind) => {
    const durations = samples.filter((sample) => sample.kind === kind).map((sample) => sample.durationMs);
    return durations.length === 0 ? null : summarizeLatencies(durations);
  };
  const perSecond = (count: number, ms: number) => roundTo(count / (ms / 1000), 1);
  return {
    push: { before: of(before, 'push'), during: of(during, 'push') },
    pull: { before: of(before, 'pull'), during: of(during, 'pull') },
    health: { before: of(before, 'health'), during: of(during, 'health') },
    requestsPerSecondBefore: perSecond(before.length, window.drainFromMs - window.beforeFromMs),
    requestsPerSecondDuring: perSecond(during.length, window.drainUntilMs - window.drainFromMs),
    slowerThanTerminalTimeoutBefore: before.filter(slowerThanTerminalTimeout).length,
    slowerThanTerminalTimeoutDuring: during.filter(slowerThanTerminalTimeout).length,
  };
}

const slowerThanTerminalTimeout = (sample: RequestSample) => sample.durationMs > TERMINAL_REQUEST_TIMEOUT_MS;

/** A line for the person watching: answers since the last line, and the queue of unanswered ones. */
function reportProgress(traffic: ChainTraffic, log: (message: string) => void): () => void {
  let seen = 0;
  return () => {
    const fresh = traffic.samples.slice(seen).map((sample) => sample.durationMs);
    seen = traffic.samples.length;
    const latency = fresh.length === 0 ? 'none answered' : describeLatency(summarizeLatencies(fresh));
    log(`background: ${fresh.length} answers (${latency}), ${traffic.inFlight()} in flight`);
  };
}

function describeLatency(summary: LatencySummary): string {
  return `p50 ${summary.p50Ms.toFixed(0)} ms, max ${summary.maxMs.toFixed(0)} ms`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function assertCount(name: string, value: number, minimum: number, maximum: number) {
  if (!Number.isInteger(value) || value < minimum || value > maximum)
    throw new Error(`${name} must be an integer from ${minimum} to ${maximum}; got ${value}`);
}

export function drainTable(report: BenchmarkReport<DrainResults>): string {
  const { results, parameters } = report;
  const { drain, background } = results;
  const latency = (summary: LatencySummary | null) =>
    summary === null
      ? ['-', '-', '-', '-', '0']
      : [summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs]
          .map((ms) => ms.toFixed(0))
          .concat(String(summary.count));
  return [
    `drain on ${report.database}: ${parameters.returningTerminals} tills × ${parameters.factsPerReturningTerminal} sales (${parameters.offlineHours} h offline) reconnect while ${background.terminals} tills in ${background.stores} stores sync`,
    `drained ${drain.facts} facts in ${drain.seconds.toFixed(1)} s = ${drain.factsPerSecond.toFixed(0)} facts/s (budget < ${drain.budgetSeconds} s: ${drain.withinBudget ? 'holds' : 'MISSED'}); per till ${drain.secondsByTerminal.map((seconds) => seconds.toFixed(1)).join(', ')} s; batch p50 ${drain.batchLatency.p50Ms.toFixed(0)} ms, p99 ${drain.batchLatency.p99Ms.toFixed(0)} ms`,
    formatTable(
      ['background requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'count'],
      [
        ['push, before', ...latency(background.push.before)],
        ['push, during drain', ...latency(background.push.during)],
        ['pull, before', ...latency(background.pull.before)],
        ['pull, during drain', ...latency(background.pull.during)],
        ['health, before', ...latency(background.health.before)],
        ['health, during drain', ...latency(background.health.during)],
      ],
    ),
    `background: ${background.requestsPerSecondBefore} requests/s before, ${background.requestsPerSecondDuring} during; ${background.salesMade} sales rung, ${background.factsAcknowledged} acknowledged; answers slower than a till's 20 s timeout: ${background.slowerThanTerminalTimeoutBefore} before, ${background.slowerThanTerminalTimeoutDuring} during (drain batches: ${drain.batchesSlowerThanTerminalTimeout})`,
    `setup (seed, stock, activations, signing): ${results.setupSeconds} s`,
    ...diagnosticLines(results.diagnostics),
    `verified: ${results.verification.backlogSalesStored} backlog sales stored once, final folios ${results.verification.folioNumberMin}..${results.verification.folioNumberMax} distinct, ${results.verification.conflictsOpened} conflicts`,
  ].join('\n');
}

function diagnosticLines(diagnostics: DrainResults['diagnostics']): string[] {
  const { before, during } = diagnostics.eventLoopDelay;
  const lines = [
    `server event loop delay: p50 ${before.p50Ms} → ${during.p50Ms} ms, p99 ${before.p99Ms} → ${during.p99Ms} ms, max ${before.maxMs} → ${during.maxMs} ms (before → during the drain)`,
  ];
  const connections = diagnostics.databaseConnections;
  if (connections?.before && connections.during) {
    const pair = (pick: (means: ActivityMeans) => number) =>
      `${pick(connections.before!)} → ${pick(connections.during!)}`;
    lines.push(
      `pooled connections (mean): waiting on a lock ${pair((means) => means.waitingOnLock)}, idle in transaction ${pair((means) => means.idleInTransaction)}, running ${pair((means) => means.running)}, free ${pair((means) => means.idle)}`,
    );
    const waits = Object.entries(connections.during.lockEvents)
      .sort(([, left], [, right]) => right - left)
      .slice(0, LOCK_WAITS_SHOWN)
      .map(([event, mean]) => `${mean} × ${event}`);
    if (waits.length > 0) lines.push(`lock waits during the drain (mean connections): ${waits.join('; ')}`);
  }
  return lines;
}
