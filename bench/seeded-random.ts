/**
 * A small seeded generator (mulberry32) for the load a benchmark plays: when each terminal starts,
 * rings a sale or reports its health. The same seed gives the same schedule, so two runs differ by
 * the machine and the server, not by the dice. Its state lives in the closure, never in the module.
 */
export type RandomFraction = () => number;

export function seededRandom(seed: number): RandomFraction {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A wait with the given mean drawn from an exponential distribution (arrivals that do not
 * coordinate, like customers at different stores), cut to [mean / 10, mean × 4] so one draw can
 * neither flood a till nor silence it for the whole run.
 */
export function exponentialWaitMs(random: RandomFraction, meanMs: number): number {
  const drawn = -Math.log(1 - random()) * meanMs;
  return Math.min(Math.max(drawn, meanMs / 10), meanMs * 4);
}
