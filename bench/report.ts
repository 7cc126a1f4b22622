import { cpus, platform, release, totalmem } from 'node:os';

/**
 * What every benchmark prints: one JSON object, so runs can be compared by a script, and a short
 * table for a person. Absolute figures move with the shared machine's load; the ratios to the
 * floor measured in the same run are what the project compares.
 */
export type ResultValue =
  | number
  | string
  | boolean
  | null
  | readonly ResultValue[]
  | { readonly [key: string]: ResultValue };

export type ResultRecord = { readonly [key: string]: ResultValue };

export interface BenchmarkReport<
  Results extends ResultRecord = ResultRecord,
  Database extends string = 'pglite' | 'postgres',
> {
  readonly name: string;
  readonly date: string;
  readonly machine: MachineDescription;
  /** Where the server ran; a benchmark without one (lookup-search) says 'none'. */
  readonly database: Database;
  readonly parameters: ResultRecord;
  readonly results: Results;
}

export type MachineDescription = {
  readonly os: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
};

export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    os: `${platform()} ${release()}`,
    cpuCount: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export type LatencySummary = {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
};

/** Nearest-rank percentiles: each figure is a latency that was actually observed. */
export function summarizeLatencies(samplesMs: readonly number[]): LatencySummary {
  if (samplesMs.length === 0) throw new Error('no latency samples to summarize');
  const sorted = [...samplesMs].sort((left, right) => left - right);
  const rank = (fraction: number) => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
  const totalMs = sorted.reduce((total, sample) => total + sample, 0);
  return {
    count: sorted.length,
    p50Ms: roundTo(rank(0.5), 3),
    p95Ms: roundTo(rank(0.95), 3),
    p99Ms: roundTo(rank(0.99), 3),
    maxMs: roundTo(sorted.at(-1)!, 3),
    meanMs: roundTo(totalMs / sorted.length, 3),
  };
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  const rounded = Math.round(value * scale) / scale;
  // -0 prints as 0, so a report would not read back as written: a small negative memory delta
  // (the collector ran during a toy-size build) rounds to -0.
  return rounded === 0 ? 0 : rounded;
}

/** A ratio to a floor; a floor of zero means the measurement is broken, not infinitely fast. */
export function ratio(measured: number, floor: number): number {
  if (!(floor > 0)) throw new Error(`the floor measured ${floor}; cannot compute a ratio`);
  return roundTo(measured / floor, 2);
}

/** A small fixed-width table: a header row, then one row per entry. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
