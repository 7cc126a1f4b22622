import { setMaxListeners } from 'node:events';
import { type FactEnvelope, PUSH_BATCH_FACTS_MAX } from '@mostrador/core';
import type { ListeningServer } from '@mostrador/server/testing';
import { pullToEnd, pushApplied, pushBatch, reportHealth } from './device-http';
import { exponentialWaitMs, type RandomFraction } from './seeded-random';
import type { SaleChain } from './signed-sale-chain';

/**
 * The sync traffic of a chain's terminals during a normal day, as the server sees it: each till
 * runs the terminal's sync loop (a round every few seconds: push what is pending, then pull the
 * feed to its end; a sale wakes the loop at once; a health report about once a minute) and rings
 * sales at random moments around a mean interval. Every answer is checked; the first failure stops
 * the traffic and is thrown by `stop`.
 */
export interface TrafficPolicy {
  /** The pause between rounds while everything works (the terminal's SYNC_LOOP_POLICY_DEFAULT). */
  readonly roundIntervalMs: number;
  /** The mean time between two sales at one till (exponential, see exponentialWaitMs). */
  readonly saleIntervalMsMean: number;
  /** How often a till reports its health (the terminal's HEALTH_SAMPLE_INTERVAL_MS). */
  readonly healthIntervalMs: number;
  /** A till stops ringing sales after this many (its stock was received for that many). */
  readonly salesPerTerminalMax: number;
  readonly pullPageChangesMax: number;
}

export interface TrafficTerminal {
  readonly terminalId: string;
  readonly deviceCredential: string;
  readonly chain: SaleChain;
  /** Where this till's feed stands when the traffic starts. */
  readonly cursor: string;
}

export type RequestKind = 'push' | 'pull' | 'health';

export interface RequestSample {
  readonly kind: RequestKind;
  /** performance.now() when the request was sent, and how long until its answer was read. */
  readonly startedMs: number;
  readonly durationMs: number;
}

export interface ChainTraffic {
  /** Every request made so far, in the order they were answered. */
  readonly samples: readonly RequestSample[];
  salesMade(): number;
  factsAcknowledged(): number;
  /** Requests sent and not yet answered: a queue that grows means the server cannot keep up. */
  inFlight(): number;
  /** Ends every till's loop after its current round; throws the first failure, if any. */
  stop(): Promise<void>;
}

/** Pages one pull round may read before the loop gives the round up as broken. */
const PULL_PAGES_PER_ROUND_MAX = 1_000;

export function startChainTraffic(
  server: ListeningServer,
  terminals: readonly TrafficTerminal[],
  policy: TrafficPolicy,
  random: RandomFraction,
): ChainTraffic {
  const stopping = new AbortController();
  // Every till's pause listens to the one stop signal.
  setMaxListeners(terminals.length + 10, stopping.signal);
  const samples: RequestSample[] = [];
  const tally = { sales: 0, acknowledged: 0, inFlight: 0 };
  let failure: unknown;
  const startedMs = performance.now();

  const timed = async <T>(kind: RequestKind, request: () => Promise<T>): Promise<T> => {
    const sentMs = performance.now();
    tally.inFlight += 1;
    try {
      const result = await request();
      samples.push({ kind, startedMs: sentMs, durationMs: performance.now() - sentMs });
      return result;
    } finally {
      tally.inFlight -= 1;
    }
  };

  const runTill = async (terminal: TrafficTerminal, firstRoundMs: number, firstHealthMs: number) => {
    let cursor = terminal.cursor;
    let sales = 0;
    let nextSaleMs = startedMs + exponentialWaitMs(random, policy.saleIntervalMsMean);
    let nextHealthMs = firstHealthMs;
    const pending: FactEnvelope[] = [];
    await sleepUntil(firstRoundMs, stopping.signal);
    while (!stopping.signal.aborted) {
      // Sales rung while the last round was in flight are all in this round's push.
      while (sales < policy.salesPerTerminalMax && performance.now() >= nextSaleMs) {
        pending.push(await terminal.chain.next(new Date()));
        sales += 1;
        tally.sales += 1;
        nextSaleMs += exponentialWaitMs(random, policy.saleIntervalMsMean);
      }
      if (pending.length > 0) {
        const facts = pending.slice(0, PUSH_BATCH_FACTS_MAX);
        await timed('push', () => pushApplied(server, terminal.deviceCredential, pushBatch(facts)));
        pending.splice(0, facts.length);
        tally.acknowledged += facts.length;
      }
      const pulled = await timed('pull', () =>
        pullToEnd(server, terminal.deviceCredential, cursor, {
          pageChangesMax: policy.pullPageChangesMax,
          pagesMax: PULL_PAGES_PER_ROUND_MAX,
        }),
      );
      cursor = pulled.cursor;
      if (performance.now() >= nextHealthMs) {
        await timed('health', () => reportHealth(server, terminal.deviceCredential, healthReport(sales)));
        nextHealthMs += policy.healthIntervalMs;
      }
      const saleWakesAtMs = sales < policy.salesPerTerminalMax ? nextSaleMs : Number.POSITIVE_INFINITY;
      await sleepUntil(Math.min(performance.now() + policy.roundIntervalMs, saleWakesAtMs), stopping.signal);
    }
  };

  // Each till starts at its own moment within one round, as tills switched on through the morning.
  const running = terminals.map((terminal) =>
    runTill(
      terminal,
      startedMs + random() * policy.roundIntervalMs,
      startedMs + random() * policy.healthIntervalMs,
    ).catch((error: unknown) => {
      failure ??= error;
      stopping.abort();
    }),
  );

  return {
    samples,
    salesMade: () => tally.sales,
    factsAcknowledged: () => tally.acknowledged,
    inFlight: () => tally.inFlight,
    async stop() {
      stopping.abort();
      await Promise.all(running);
      if (failure !== undefined) throw failure;
    },
  };
}

/** What a healthy till that has just synced reports: nothing pending, online all along. */
function healthReport(sales: number) {
  const now = new Date().toISOString();
  return {
    health: {
      pendingCount: 0,
      oldestPendingAt: null,
      lastSuccessfulSyncAt: now,
      offlineSecondsTotal: 0,
      headSequence: sales,
      acknowledgedSequence: sales,
    },
    samples: [{ at: now, online: true, pendingCount: 0 }],
  };
}

function sleepUntil(atMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const waitMs = atMs - performance.now();
    if (signal.aborted || waitMs <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, waitMs);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
