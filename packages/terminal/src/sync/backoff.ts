/**
 * How long to wait after consecutive failed sync attempts: exponential from `baseMs`, capped at
 * `capMs`, with "equal jitter" (half the step fixed, half random) so that a store full of tills
 * that lost the internet together do not all knock at the same instant when it comes back. It
 * retries forever; only the wait is bounded.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const BACKOFF_DEFAULT: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/** Doublings past this cannot matter for any sane cap and would overflow. */
const EXPONENT_MAX = 30;

/** `failures` counts consecutive failures, from 1; `random` returns a number in [0, 1). */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, EXPONENT_MAX);
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceilingMs / 2 + (jitter * ceilingMs) / 2);
}
