import { describe, expect, it } from 'vitest';
import { bootstrapTable, runBootstrap } from './bootstrap';
import type { BenchmarkReport, LatencySummary, ResultRecord } from './report';
import { runServerIngest, SERVER_INGEST_QUICK, serverIngestTable } from './server-ingest';
import { runTerminalCommit, TERMINAL_COMMIT_QUICK, terminalCommitTable } from './terminal-commit';

/**
 * Both benchmarks end to end at toy sizes: they must run, verify what they stored, and print a
 * report of the agreed shape. No figure is judged here; timing belongs to `npm run bench`.
 */
const BENCHMARK_TIMEOUT_MS = 120_000;

function expectReportShape(report: BenchmarkReport<ResultRecord>, name: string) {
  // What is printed is JSON; a report must survive the round trip unchanged.
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  expect(report.name).toBe(name);
  expect(new Date(report.date).toISOString()).toBe(report.date);
  expect(report.machine.cpuCount).toBeGreaterThan(0);
  expect(report.machine.node).toMatch(/^v\d+\./);
  expect(['pglite', 'postgres']).toContain(report.database);
}

function expectLatency(summary: LatencySummary, count: number) {
  expect(summary.count).toBe(count);
  for (const figure of [summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs, summary.meanMs])
    expect(figure).toBeGreaterThan(0);
  expect(summary.p50Ms).toBeLessThanOrEqual(summary.p95Ms);
  expect(summary.p95Ms).toBeLessThanOrEqual(summary.p99Ms);
  expect(summary.p99Ms).toBeLessThanOrEqual(summary.maxMs);
}

describe('benchmarks at toy sizes', () => {
  it(
    'terminal-commit reports completeSale and its fsync floor',
    async () => {
      const report = await runTerminalCommit({
        ...TERMINAL_COMMIT_QUICK,
        sales: 6,
        warmupSales: 2,
        productCount: 30,
      });
      expectReportShape(report, 'terminal-commit');
      expect(report.parameters).toMatchObject({ sales: 6, linesPerSale: 5 });
      expectLatency(report.results.completeSale, 6);
      expectLatency(report.results.floorWrite, 6);
      expect(report.results.ratioP50).toBeGreaterThan(0);
      expect(report.results.ratioP99).toBeGreaterThan(0);
      // A sale's transaction holds its fact and more, so the log grows by more than the fact.
      expect(report.results.factBytes).toBeGreaterThan(500);
      expect(report.results.storeBytesPerSale).toBeGreaterThan(report.results.factBytes);
      expect(report.results.salesPerSecondSequential).toBeGreaterThan(0);
      expect(terminalCommitTable(report)).toContain('completeSale');
    },
    BENCHMARK_TIMEOUT_MS,
  );

  it(
    'server-ingest reports push and floor throughput with no conflict opened',
    async () => {
      const report = await runServerIngest({
        ...SERVER_INGEST_QUICK,
        terminals: 2,
        factsPerTerminal: 12,
        warmupFactsPerTerminal: 2,
        batchFacts: 5,
        productCount: 30,
      });
      expectReportShape(report, 'server-ingest');
      expect(report.parameters).toMatchObject({ terminals: 2, factsPerTerminal: 12, batchFacts: 5 });
      for (const throughput of [report.results.push, report.results.floor]) {
        expect(throughput.facts).toBe(24);
        expect(throughput.seconds).toBeGreaterThan(0);
        expect(throughput.factsPerSecond).toBeGreaterThan(0);
        // 12 facts in batches of 5 is 3 batches per terminal.
        expectLatency(throughput.batchLatency, 6);
      }
      expect(report.results.pushFactsPerSecondByTerminal).toHaveLength(2);
      for (const perTerminal of report.results.pushFactsPerSecondByTerminal)
        expect(perTerminal).toBeGreaterThan(0);
      expect(report.results.ratio).toBeGreaterThan(0);
      expect(report.results.factBytesMean).toBeGreaterThan(500);
      for (const side of [report.results.cpuPerFact.push, report.results.cpuPerFact.floor]) {
        expect(side.nodeMs).toBeGreaterThan(0);
        // PGlite runs inside this process: there is no PostgreSQL process to count apart.
        if (report.database === 'pglite') expect(side.postgresMs).toBeNull();
        else expect(side.postgresMs).toBeGreaterThan(0);
      }
      expect(report.results.walPerFact.push.bytes).toBeGreaterThan(0);
      expect(report.results.conflictsOpened).toBe(0);
      expect(serverIngestTable(report)).toContain('push over HTTP');
    },
    BENCHMARK_TIMEOUT_MS,
  );

  it(
    'bootstrap loads a whole small catalog, counts the wire both ways and the store on disk',
    async () => {
      const report = await runBootstrap({ productCount: 20 });
      expectReportShape(report, 'bootstrap');
      const results = report.results;
      expect(results.variantCount).toBeGreaterThan(20);
      expect(results.secondsToReady).toBeGreaterThan(0);
      expect(results.secondsToReady).toBeGreaterThanOrEqual(results.activationSeconds);
      // The catalog came down the wire and was written to the store.
      expect(results.bytesFromServer).toBeGreaterThan(results.variantCount * 20);
      expect(results.bytesToServer).toBeGreaterThan(0);
      expect(results.storeBytesOnDisk).toBeGreaterThan(results.variantCount * 50);
      // The catalog came in the snapshot, whose bytes are part of the wire's.
      expect(results.snapshot?.changes).toBeGreaterThan(results.variantCount * 2);
      expect(results.snapshot?.bytesFromServer).toBeGreaterThan(0);
      expect(results.snapshot?.bytesFromServer).toBeLessThan(results.bytesFromServer);
      expect(bootstrapTable(report)).toContain('time to ready');
    },
    BENCHMARK_TIMEOUT_MS,
  );
});
