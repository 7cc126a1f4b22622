import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '@mostrador/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tally } from './faults/fault-counters';
import { FAULT_PROFILES } from './faults/fault-profile';
import { describeFailure } from './run/run-seed';
import { SIMULATION_DEFAULTS } from './run/simulation-defaults';
import { runSimulation } from './run/simulation-runner';
import { fileDeviceStorage } from './terminal/device-storage';

/**
 * The CI leg: a fixed set of seeds, on PGlite and (with DATABASE_URL, as .ci/run does) on the
 * PostgreSQL server. A failure prints each failing seed's broken invariants and trace tail.
 */
const CHAOS_SEEDS = { seedStart: 1, seedCount: 6 } as const;
const CI_STEPS = 80;

describe('simulation: fixed seeds (CI leg)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  });
  afterAll(async () => {
    await database.close();
  });

  it(`chaos profile, seeds ${CHAOS_SEEDS.seedStart}…${CHAOS_SEEDS.seedStart + CHAOS_SEEDS.seedCount - 1}: every invariant holds`, async () => {
    const summary = await runSimulation(database, {
      ...SIMULATION_DEFAULTS,
      ...CHAOS_SEEDS,
      steps: CI_STEPS,
    });
    expect(summary.failureReports.join('\n\n')).toBe('');
    expect(summary.runs).toBe(CHAOS_SEEDS.seedCount);
    // The faults the leg is meant to exercise did happen.
    for (const kind of [
      'network.drop-answer',
      'network.drop-request',
      'partition.terminal',
      'terminal.crash.before-commit',
    ]) {
      expect(summary.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(summary.conflicts.oversell ?? 0).toBeGreaterThan(0);
    expect(summary.factsAcknowledged).toBeGreaterThan(CHAOS_SEEDS.seedCount * 20);
  }, 300_000);

  it('three tills in one store on the real Node file store (fsync, reopen after every crash)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mostrador-sim-ci-'));
    try {
      const summary = await runSimulation(database, {
        ...SIMULATION_DEFAULTS,
        seedStart: 101,
        seedCount: 2,
        storeCount: 1,
        terminalsPerStore: 3,
        steps: 60,
        profile: FAULT_PROFILES.network,
        deviceStorage: (label) => fileDeviceStorage(join(home, label)),
      });
      expect(summary.failureReports.join('\n\n')).toBe('');
      expect(summary.factsCommitted).toBeGreaterThan(0);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 240_000);

  it('prints a failing seed with its broken invariant, the trace tail and the replay command', () => {
    const text = describeFailure({
      seed: 77,
      tenantId: 'tenant',
      passed: false,
      failures: [{ invariant: 'exactly-once', detail: 's0t1 seq 4 SaleCompleted: 0 copies on the server' }],
      failureCount: 1,
      factsCommitted: 4,
      factsAcknowledged: 4,
      faults: new Tally(),
      conflicts: new Tally(),
      checks: new Tally(),
      traceFingerprint: '',
      traceEntries: 1,
      traceTail: [
        {
          step: 3,
          atMs: Date.parse('2031-03-03T12:01:00.000Z'),
          actor: 's0t1',
          event: 'net.drop-answer',
          detail: '/api/v1/sync/push',
        },
      ],
      durationMs: 1,
    });
    expect(text).toContain('seed 77 FAILED');
    expect(text).toContain('[exactly-once] s0t1 seq 4 SaleCompleted: 0 copies on the server');
    expect(text).toContain('s0t1     net.drop-answer /api/v1/sync/push');
    expect(text).toContain('npm run sim -- --seeds 1 --seed-start 77');
  });
});
