import { describe, expect, it } from 'vitest';
import type { SyncCycleResult } from './sync-cycle';
import { startSyncLoop } from './sync-loop';

describe('the sync loop', () => {
  it('backs off while the server is away, pings before retrying, and goes back to the interval', async () => {
    const waits: { ms: number; failures: number }[] = [];
    const calls: string[] = [];
    let serverUp = false;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const loop = startSyncLoop({
      runCycle: async (): Promise<SyncCycleResult> => {
        calls.push('cycle');
        return serverUp
          ? { outcome: 'ok', acknowledgedSequence: 1, pendingCount: 0, pulledChanges: 0, complete: true }
          : { outcome: 'unknown', code: 'SERVER_UNREACHABLE', detail: 'down' };
      },
      ping: async () => {
        calls.push('ping');
        return serverUp;
      },
      sleep: async () => {
        if (waits.length === 6) serverUp = true;
        if (waits.length >= 9) resolveDone();
      },
      random: () => 0.5,
      policy: { intervalMs: 5_000, backoff: { baseMs: 1_000, capMs: 4_000 } },
      onWait: (wait) => waits.push(wait),
    });
    await done;
    await loop.stop();
    expect(waits.slice(0, 9).map((wait) => wait.ms)).toEqual([
      750, 1_500, 3_000, 3_000, 3_000, 3_000, 5_000, 5_000, 5_000,
    ]);
    // One full round first; then only pings until the server answers; then rounds again.
    expect(calls.slice(0, 8)).toEqual(['cycle', 'ping', 'ping', 'ping', 'ping', 'ping', 'ping', 'cycle']);
  });

  it('survives a round that throws and keeps going', async () => {
    let rounds = 0;
    const waits: number[] = [];
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const loop = startSyncLoop({
      runCycle: async () => {
        rounds += 1;
        throw new Error('bug');
      },
      ping: async () => true,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) resolveDone();
      },
      random: () => 0,
      policy: { intervalMs: 5_000, backoff: { baseMs: 100, capMs: 1_000 } },
    });
    await done;
    await loop.stop();
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(waits.slice(0, 3)).toEqual([50, 100, 200]);
  });
});
