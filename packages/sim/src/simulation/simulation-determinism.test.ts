import { type Database, openDatabase } from '@mostrador/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from './faults/fault-profile';
import { SeededRandom } from './random/seeded-random';
import { runSeed, type SeedRunOptions } from './run/run-seed';

const WORLD: Omit<SeedRunOptions, 'seed'> = {
  storeCount: 2,
  terminalsPerStore: 2,
  serverInstanceCount: 2,
  steps: 70,
  itemCount: 12,
  hotItemCount: 2,
  profile: FAULT_PROFILES.chaos,
};

describe('the simulator is deterministic', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  });
  afterAll(async () => {
    await database.close();
  });

  it('one seed run twice writes the same trace, faults and outcomes; another seed does not', async () => {
    const first = await runSeed(database, { ...WORLD, seed: 4 });
    const again = await runSeed(database, { ...WORLD, seed: 4 });
    const other = await runSeed(database, { ...WORLD, seed: 5 });
    expect(first.passed, first.failures.map((failure) => failure.detail).join('\n')).toBe(true);
    expect(first.traceEntries).toBeGreaterThan(WORLD.steps);
    expect(again.traceFingerprint).toBe(first.traceFingerprint);
    expect(again.traceTail).toEqual(first.traceTail);
    expect(again.faults.toJSON()).toEqual(first.faults.toJSON());
    expect(again.conflicts.toJSON()).toEqual(first.conflicts.toJSON());
    expect([again.factsCommitted, again.factsAcknowledged]).toEqual([
      first.factsCommitted,
      first.factsAcknowledged,
    ]);
    expect(other.traceFingerprint).not.toBe(first.traceFingerprint);
  }, 240_000);

  it('draws the same numbers from the same seed, and independent streams from derived ones', () => {
    const draw = (random: SeededRandom) => Array.from({ length: 8 }, () => random.integer(0, 1_000_000));
    expect(draw(new SeededRandom(42))).toEqual(draw(new SeededRandom(42)));
    expect(draw(new SeededRandom(42).derive(1))).not.toEqual(draw(new SeededRandom(42).derive(2)));
    const weighted = new SeededRandom(7);
    const picks = Array.from({ length: 2_000 }, () => weighted.weighted({ never: 0, rare: 1, often: 9 }));
    expect(picks).not.toContain('never');
    const rare = picks.filter((pick) => pick === 'rare').length;
    expect(rare).toBeGreaterThan(100);
    expect(rare).toBeLessThan(320);
  });
});
