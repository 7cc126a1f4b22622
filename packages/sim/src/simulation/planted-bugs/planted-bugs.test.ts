import { type Database, openDatabase } from '@mostrador/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from '../faults/fault-profile';
import { SIMULATION_DEFAULTS } from '../run/simulation-defaults';
import { runSimulation } from '../run/simulation-runner';
import { dropFactUniqueness, ForgetfulHeadCache } from './forgetful-server';
import { deleteFactBeforeAcknowledgement } from './forgetful-terminal';

/**
 * The checker can fail: with a bug planted in the terminal or in the server, the simulator must
 * report a broken invariant within a bounded number of seeds (and say which seed).
 */
const SEEDS_TO_CATCH_MAX = 3;
const STEPS = 60;

describe('planted bugs are caught', () => {
  let database: Database;
  beforeAll(async () => {
    // Always a throwaway embedded database: the server bug drops the journal's uniqueness.
    database = await openDatabase({ databaseUrl: undefined });
  });
  afterAll(async () => {
    await database.close();
  });

  it('a terminal that deletes a fact before the server acknowledged it breaks exactly-once', async () => {
    const summary = await runSimulation(database, {
      ...SIMULATION_DEFAULTS,
      seedStart: 1,
      seedCount: SEEDS_TO_CATCH_MAX,
      steps: STEPS,
      profile: FAULT_PROFILES.network,
      failFast: true,
      terminalTamper: () => deleteFactBeforeAcknowledgement(4),
    });
    expect(summary.failedSeeds.length).toBe(1);
    expect(summary.failureReports[0]).toMatch(
      /\[exactly-once\] s\dt\d seq \d+ \w+ \(acknowledged to the cashier\): 0 copies on the server/,
    );
    expect(summary.failureReports[0]).toContain('replay: npm run sim -- --seeds 1 --seed-start');
  }, 240_000);

  it('a server that keeps chain heads in memory and lost its uniqueness constraints applies facts twice', async () => {
    await dropFactUniqueness(database);
    const summary = await runSimulation(database, {
      ...SIMULATION_DEFAULTS,
      seedStart: 1,
      seedCount: SEEDS_TO_CATCH_MAX,
      steps: STEPS,
      profile: FAULT_PROFILES.network,
      failFast: true,
      serverPlugins: [new ForgetfulHeadCache()],
    });
    expect(summary.failedSeeds.length).toBe(1);
    expect(summary.failureReports[0]).toMatch(
      /\[exactly-once\] .*: 2 copies on the server|\[exactly-once\] two journal rows/,
    );
  }, 240_000);
});
