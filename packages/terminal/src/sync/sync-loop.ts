import { BACKOFF_DEFAULT, type BackoffPolicy, backoffDelayMs } from './backoff';
import type { SyncCycleResult } from './sync-cycle';

export interface SyncLoopPolicy {
  /** The wait between rounds while everything works. */
  readonly intervalMs: number;
  readonly backoff: BackoffPolicy;
}

export const SYNC_LOOP_POLICY_DEFAULT: SyncLoopPolicy = { intervalMs: 5_000, backoff: BACKOFF_DEFAULT };

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export interface SyncLoopDependencies {
  readonly runCycle: () => Promise<SyncCycleResult>;
  /** The health ping; true when the server answered. */
  readonly ping: () => Promise<boolean>;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly policy: SyncLoopPolicy;
  /** Told of every wait, for the simulator's logs and the tests. */
  readonly onWait?: (wait: { readonly ms: number; readonly failures: number }) => void;
}

export interface SyncLoop {
  /** Cuts the current wait short when the loop is healthy (e.g. right after a sale). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Synchronises forever: a round, then a pause. After a failure the pause grows with backoff and
 * jitter up to the cap, and the next round starts with a health ping, so an unreachable server
 * costs one small request per attempt rather than a batch of facts. No failure ends the loop.
 */
export function startSyncLoop(dependencies: SyncLoopDependencies): SyncLoop {
  const stopping = new AbortController();
  let pause = new AbortController();
  let failures = 0;

  const waitFor = async (ms: number) => {
    dependencies.onWait?.({ ms, failures });
    pause = new AbortController();
    const both = AbortSignal.any([stopping.signal, pause.signal]);
    await dependencies.sleep(ms, both);
  };

  const running = (async () => {
    while (!stopping.signal.aborted) {
      const healthy = failures === 0 || (await safePing(dependencies.ping));
      const result = healthy ? await safeCycle(dependencies.runCycle) : undefined;
      if (stopping.signal.aborted) break;
      if (result !== undefined && (result.outcome === 'ok' || result.outcome === 'skipped')) {
        failures = 0;
        await waitFor(dependencies.policy.intervalMs);
      } else {
        failures += 1;
        await waitFor(backoffDelayMs(failures, dependencies.policy.backoff, dependencies.random));
      }
    }
  })();

  return {
    wake() {
      if (failures === 0) pause.abort();
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

async function safePing(ping: () => Promise<boolean>): Promise<boolean> {
  try {
    return await ping();
  } catch {
    return false;
  }
}

/** A bug in one round (a thrown error) is a failed round, not the end of synchronisation. */
async function safeCycle(runCycle: () => Promise<SyncCycleResult>): Promise<SyncCycleResult> {
  try {
    return await runCycle();
  } catch (error) {
    return {
      outcome: 'unknown',
      code: 'SYNC_OUTCOME_UNKNOWN',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}
