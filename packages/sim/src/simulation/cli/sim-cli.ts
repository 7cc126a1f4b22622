import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@mostrador/server';
import { SingleBar } from 'cli-progress';
import { FAULT_PROFILES, faultProfile } from '../faults/fault-profile';
import { SIMULATION_DEFAULTS } from '../run/simulation-defaults';
import { runSimulation, type SimulationSummary } from '../run/simulation-runner';
import { fileDeviceStorage } from '../terminal/device-storage';

const USAGE = `npm run sim -- --seeds N [--seed-start K] [--stores S] [--terminals T] [--servers N]
                   [--steps N] [--faults ${Object.keys(FAULT_PROFILES).join('|')}] [--device-store memory|file]
                   [--fail-fast] [--json]

Runs N seeded simulations (seeds K … K+N−1) of S stores × T tills against N server instances on one
database (PGlite in memory, or the PostgreSQL server of DATABASE_URL), then prints a summary.
A failing seed prints its broken invariants, the last trace entries and the command to replay it.`;

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

function integerOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !POSITIVE_INTEGER.test(raw))
    throw new Error(`--${name} must be a positive integer`);
  return Number(raw);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      'seed-start': { type: 'string' },
      stores: { type: 'string' },
      terminals: { type: 'string' },
      servers: { type: 'string' },
      steps: { type: 'string' },
      faults: { type: 'string' },
      'device-store': { type: 'string' },
      'fail-fast': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true || values.seeds === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const seedCount = integerOption(values, 'seeds', 1);
  const deviceStoreKind = values['device-store'] ?? 'memory';
  if (deviceStoreKind !== 'memory' && deviceStoreKind !== 'file')
    throw new Error('--device-store is memory or file');
  const profile = faultProfile(values.faults ?? SIMULATION_DEFAULTS.profile.name);
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  const devicesHome =
    deviceStoreKind === 'file' ? await mkdtemp(join(tmpdir(), 'mostrador-sim-')) : undefined;
  const bar = new SingleBar({
    format: 'sim {bar} {value}/{total} seeds | {failed} failed | {facts} facts | {rate} seeds/s',
    stream: process.stderr,
    hideCursor: true,
    // In a CI log (no terminal) print a progress line every 30 s instead of redrawing.
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  });
  const json = values.json === true;
  bar.start(seedCount, 0, { failed: 0, facts: 0, rate: '0.00' });
  const startedAt = performance.now();
  let failed = 0;
  let facts = 0;
  let done = 0;
  try {
    const summary = await runSimulation(database, {
      ...SIMULATION_DEFAULTS,
      seedStart: integerOption(values, 'seed-start', 1),
      seedCount,
      storeCount: integerOption(values, 'stores', SIMULATION_DEFAULTS.storeCount),
      terminalsPerStore: integerOption(values, 'terminals', SIMULATION_DEFAULTS.terminalsPerStore),
      serverInstanceCount: integerOption(values, 'servers', SIMULATION_DEFAULTS.serverInstanceCount),
      steps: integerOption(values, 'steps', SIMULATION_DEFAULTS.steps),
      profile,
      failFast: values['fail-fast'] === true,
      ...(devicesHome === undefined
        ? {}
        : { deviceStorage: (label: string) => fileDeviceStorage(join(devicesHome, `${label}-${done}`)) }),
      onSeedDone: (result) => {
        done += 1;
        facts += result.factsCommitted;
        if (!result.passed) failed += 1;
        const rate = (done / ((performance.now() - startedAt) / 1000)).toFixed(2);
        bar.update(done, { failed, facts, rate });
      },
    });
    bar.stop();
    for (const report of summary.failureReports) process.stderr.write(`\n${report}\n`);
    process.stdout.write(
      json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : summaryTable(summary, { database: database.kind, deviceStoreKind }),
    );
    return summary.failedSeeds.length === 0 ? 0 : 1;
  } finally {
    bar.stop();
    await database.close();
    if (devicesHome !== undefined) await rm(devicesHome, { recursive: true, force: true });
  }
}

export function summaryTable(
  summary: SimulationSummary,
  context: { readonly database: string; readonly deviceStoreKind: string },
): string {
  const rows: [string, string][] = [
    ['profile', summary.profile],
    ['database / device store', `${context.database} / ${context.deviceStoreKind}`],
    ['seeds', `${summary.seedStart} … ${summary.seedStart + summary.runs - 1}`],
    ['runs', String(summary.runs)],
    ['passed', String(summary.passed)],
    [
      'failed',
      summary.failedSeeds.length === 0
        ? '0'
        : `${summary.failedSeeds.length} (seeds ${summary.failedSeeds.join(', ')})`,
    ],
    ['facts committed / acknowledged', `${summary.factsCommitted} / ${summary.factsAcknowledged}`],
    ['invariant checks', String(summary.checksTotal)],
    [
      'duration',
      `${(summary.durationMs / 1000).toFixed(1)} s (${summary.seedsPerSecond.toFixed(2)} seeds/s)`,
    ],
  ];
  const section = (title: string, tally: Record<string, number>) => [
    `\n${title}`,
    ...Object.entries(tally).map(([kind, count]) => `  ${kind.padEnd(38)} ${String(count).padStart(9)}`),
  ];
  return [
    ...rows.map(([name, value]) => `${name.padEnd(40)} ${value}`),
    ...section('faults injected', summary.faults),
    ...section('conflicts raised', summary.conflicts),
    ...section('invariant checks', summary.checks),
    '',
  ].join('\n');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
  },
);
