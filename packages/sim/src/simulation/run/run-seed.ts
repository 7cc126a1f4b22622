import type { Database } from '@mostrador/server';
import type { KyselyPlugin } from 'kysely';
import { Tally } from '../faults/fault-counters';
import { injectWorldFaults } from '../faults/fault-injector';
import type { FaultProfile } from '../faults/fault-profile';
import { checkConflicts } from '../invariants/conflict-accounting';
import { checkConvergence } from '../invariants/convergence';
import { checkExactlyOnce, checkNoForgedFacts } from '../invariants/exactly-once';
import { checkFinalFolios } from '../invariants/final-folios';
import { type InvariantFailure, InvariantReport } from '../invariants/invariant-report';
import { checkMoneyEquations } from '../invariants/money-equations';
import { loadServerRecords } from '../invariants/server-records';
import { checkStockEquations } from '../invariants/stock-equations';
import { checkTenantIsolation } from '../invariants/tenant-isolation';
import type { WriteTamper } from '../terminal/crashable-store';
import type { DeviceStorage } from '../terminal/device-storage';
import type { SimulatedTerminal } from '../terminal/simulated-terminal';
import { SIMULATION_EPOCH_MS } from '../time/simulated-clock';
import { formatTraceEntry, type TraceEntry } from '../trace/run-trace';
import { backOfficeStep } from '../workload/back-office-actions';
import { cashierStep, syncTill } from '../workload/cashier-actions';
import { activateTill, openShift } from '../workload/till-lifecycle';
import { SimulatedWorld } from '../world/world';

export interface SeedRunOptions {
  readonly seed: number;
  readonly storeCount: number;
  readonly terminalsPerStore: number;
  readonly serverInstanceCount: number;
  readonly steps: number;
  readonly itemCount: number;
  readonly hotItemCount: number;
  readonly profile: FaultProfile;
  readonly deviceStorage?: (label: string) => DeviceStorage;
  readonly serverPlugins?: readonly KyselyPlugin[];
  readonly terminalTamper?: (label: string) => WriteTamper | undefined;
  readonly traceTailEntries?: number;
  /** A tenant of an earlier run on the same database, for the cross-tenant write check. */
  readonly neighbourTenantId?: string;
}

export interface SeedRunResult {
  readonly seed: number;
  readonly tenantId: string;
  readonly passed: boolean;
  readonly failures: readonly InvariantFailure[];
  readonly failureCount: number;
  readonly factsCommitted: number;
  readonly factsAcknowledged: number;
  readonly faults: Tally;
  readonly conflicts: Tally;
  readonly checks: Tally;
  /** Digest of the whole trace: equal for two runs of one seed. */
  readonly traceFingerprint: string;
  readonly traceEntries: number;
  readonly traceTail: readonly TraceEntry[];
  readonly durationMs: number;
}

const STEP_GAP_MS_MIN = 5_000;
const STEP_GAP_MS_MAX = 150_000;
const HEALING_ROUNDS_MAX = 10;

/** One seed, start to finish: build the world, run the workload under faults, heal, check. */
export async function runSeed(database: Database, options: SeedRunOptions): Promise<SeedRunResult> {
  const startedAt = performance.now();
  const world = await SimulatedWorld.create(database, options);
  const report = new InvariantReport();
  const conflicts = new Tally();
  try {
    try {
      await setUpTills(world);
      world.network.reliable = false;
      for (let step = 1; step <= options.steps; step += 1) {
        world.trace.setStep(step);
        world.clock.advance(world.decisions.integer(STEP_GAP_MS_MIN, STEP_GAP_MS_MAX));
        await injectWorldFaults(world, step);
        await backOfficeStep(world);
        await cashierStep(world, world.decisions.pick(world.terminals));
      }
      world.trace.setStep(options.steps + 1);
      await heal(world, report);
      const records = await loadServerRecords(database, world.tenant.tenantId);
      const restoresHappened = world.history.restores.length > 0;
      checkExactlyOnce(report, world.ledger, records);
      checkNoForgedFacts(report, world.ledger, records, world.network.forgeries());
      checkStockEquations(report, records);
      checkMoneyEquations(report, records);
      checkConflicts(report, records, { restoresHappened }, conflicts);
      checkFinalFolios(report, records, { restoresHappened });
      await checkTenantIsolation(report, database, world.tenant.tenantId, records, options.neighbourTenantId);
      await checkConvergence(report, world, records);
    } catch (error) {
      report.fail(
        'no-unexpected-error',
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    }
    const facts = world.ledger.facts();
    return {
      seed: options.seed,
      tenantId: world.tenant.tenantId,
      passed: report.failureCount() === 0,
      failures: report.failures,
      failureCount: report.failureCount(),
      factsCommitted: facts.length,
      factsAcknowledged: facts.filter((fact) => fact.acknowledgedToCashier).length,
      faults: world.faults,
      conflicts,
      checks: report.checks,
      traceFingerprint: world.trace.fingerprint(),
      traceEntries: world.trace.entryCount(),
      traceTail: world.trace.lastEntries(),
      durationMs: performance.now() - startedAt,
    };
  } finally {
    await world.dispose();
  }
}

async function setUpTills(world: SimulatedWorld): Promise<void> {
  world.trace.setStep(0);
  for (const terminal of world.terminals) {
    if (!(await activateTill(world, terminal)))
      throw new Error(`${terminal.label} did not activate on a reliable network`);
    await openShift(world, terminal);
  }
  for (const terminal of world.terminals) await syncTill(world, terminal);
}

/**
 * The outage ends: partitions heal, crashed server instances come back, held requests arrive,
 * forked tills are re-activated, and every till syncs until two rounds in a row find nothing to
 * push (the second pulls what the others pushed in the first).
 */
async function heal(world: SimulatedWorld, report: InvariantReport): Promise<void> {
  world.network.reliable = true;
  world.network.healPartitions();
  for (let instance = 0; instance < world.cluster.instanceCount; instance += 1) {
    if (!world.cluster.isUp(instance)) await world.cluster.restart(instance);
  }
  await world.network.deliverHeld(world.network.heldCount());
  world.trace.record('world', 'heal');
  let quietRounds = 0;
  for (let round = 1; round <= HEALING_ROUNDS_MAX && quietRounds < 2; round += 1) {
    let quiet = true;
    for (const terminal of world.terminals) {
      if (!(await syncQuietly(world, terminal))) quiet = false;
    }
    quietRounds = quiet ? quietRounds + 1 : 0;
  }
  report.check(
    'convergence',
    quietRounds >= 2,
    () => `the tills did not settle in ${HEALING_ROUNDS_MAX} rounds`,
  );
}

async function syncQuietly(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<boolean> {
  const engine = await terminal.running();
  const identity = await engine.identity();
  if (identity?.status === 'reactivation_required') {
    await activateTill(world, terminal);
    return false;
  }
  const call = await terminal.call(
    (running) => running.sync(),
    () => true,
  );
  if (call.crashed) return false;
  const result = call.value;
  if ('ok' in result) return false;
  world.trace.record(
    terminal.label,
    'heal.sync',
    result.outcome === 'ok' ? `ok pending=${result.pendingCount}` : `${result.outcome} ${result.code}`,
  );
  return result.outcome === 'ok' && result.pendingCount === 0 && result.pulledChanges === 0;
}

export function describeFailure(result: SeedRunResult): string {
  const lines = [
    `seed ${result.seed} FAILED (${result.failureCount} broken checks; tenant ${result.tenantId})`,
    ...result.failures.map((failure) => `  [${failure.invariant}] ${failure.detail}`),
    `  last ${result.traceTail.length} of ${result.traceEntries} trace entries:`,
    ...result.traceTail.map((entry) => `    ${formatTraceEntry(entry, SIMULATION_EPOCH_MS)}`),
    `  replay: npm run sim -- --seeds 1 --seed-start ${result.seed}`,
  ];
  return lines.join('\n');
}
