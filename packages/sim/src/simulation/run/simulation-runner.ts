import type { Database } from '@mostrador/server';
import { Tally } from '../faults/fault-counters';
import { describeFailure, runSeed, type SeedRunOptions, type SeedRunResult } from './run-seed';

export interface SimulationOptions extends Omit<SeedRunOptions, 'seed' | 'neighbourTenantId'> {
  readonly seedStart: number;
  readonly seedCount: number;
  /** Stop at the first failing seed. */
  readonly failFast?: boolean;
  readonly onSeedDone?: (result: SeedRunResult) => void;
}

export interface SimulationSummary {
  readonly profile: string;
  readonly seedStart: number;
  readonly runs: number;
  readonly passed: number;
  readonly failedSeeds: number[];
  readonly failureReports: string[];
  readonly factsCommitted: number;
  readonly factsAcknowledged: number;
  readonly faults: Record<string, number>;
  readonly conflicts: Record<string, number>;
  readonly checks: Record<string, number>;
  readonly checksTotal: number;
  readonly durationMs: number;
  readonly seedsPerSecond: number;
}

/** Runs seeds one after another on one database, each with its own fresh tenant. */
export async function runSimulation(
  database: Database,
  options: SimulationOptions,
): Promise<SimulationSummary> {
  const startedAt = performance.now();
  const faults = new Tally();
  const conflicts = new Tally();
  const checks = new Tally();
  const failedSeeds: number[] = [];
  const failureReports: string[] = [];
  let factsCommitted = 0;
  let factsAcknowledged = 0;
  let runs = 0;
  let neighbourTenantId: string | undefined;
  for (let offset = 0; offset < options.seedCount; offset += 1) {
    const result = await runSeed(database, {
      ...options,
      seed: options.seedStart + offset,
      ...(neighbourTenantId === undefined ? {} : { neighbourTenantId }),
    });
    neighbourTenantId = result.tenantId;
    runs += 1;
    faults.merge(result.faults);
    conflicts.merge(result.conflicts);
    checks.merge(result.checks);
    factsCommitted += result.factsCommitted;
    factsAcknowledged += result.factsAcknowledged;
    if (!result.passed) {
      failedSeeds.push(result.seed);
      failureReports.push(describeFailure(result));
    }
    options.onSeedDone?.(result);
    if (!result.passed && options.failFast === true) break;
  }
  const durationMs = performance.now() - startedAt;
  return {
    profile: options.profile.name,
    seedStart: options.seedStart,
    runs,
    passed: runs - failedSeeds.length,
    failedSeeds,
    failureReports,
    factsCommitted,
    factsAcknowledged,
    faults: faults.toJSON(),
    conflicts: conflicts.toJSON(),
    checks: checks.toJSON(),
    checksTotal: checks.total(),
    durationMs,
    seedsPerSecond: runs / (durationMs / 1000),
  };
}
