/**
 * Logical time. The scheduler moves it forward; the server instances read it as their injected
 * clock, and each terminal reads it plus its own skew. No real timer decides anything.
 */
export class SimulatedClock {
  private nowMs: number;

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  epochMs(): number {
    return this.nowMs;
  }

  advance(milliseconds: number): void {
    if (!Number.isSafeInteger(milliseconds) || milliseconds < 0) {
      throw new Error(`time only moves forward by whole milliseconds, not ${milliseconds}`);
    }
    this.nowMs += milliseconds;
  }
}

/**
 * Where simulated time starts. It lies ahead of the wall clock on purpose: the database stamps
 * price history with its own clock_timestamp(), so a simulated time in the future makes every
 * stored price change "already in force" and the stale-price rule deterministic (see
 * docs/reliability.md, "Two clocks").
 */
export const SIMULATION_EPOCH_MS = Date.parse('2031-03-03T12:00:00.000Z');
