import { describe, expect, it } from 'vitest';
import { DRAIN_QUICK, drainTable, runDrain } from './drain';
import type { LatencySummary } from './report';

/**
 * The drain end to end at toy size: two tills come back with a few sales each while four tills
 * in two other stores sync. The run itself verifies the database (every backlog sale once, folios
 * 1..N, no conflict); this checks that it did and that the report has its agreed shape. No figure
 * is judged here; timing belongs to `npm run bench -- drain`.
 */
const BENCHMARK_TIMEOUT_MS = 120_000;

function expectOrderedLatency(summary: LatencySummary | null) {
  expect(summary).not.toBeNull();
  const figures = summary!;
  expect(figures.count).toBeGreaterThan(0);
  expect(figures.p50Ms).toBeGreaterThan(0);
  expect(figures.p50Ms).toBeLessThanOrEqual(figures.p95Ms);
  expect(figures.p95Ms).toBeLessThanOrEqual(figures.p99Ms);
  expect(figures.p99Ms).toBeLessThanOrEqual(figures.maxMs);
}

describe('drain at toy size', () => {
  it(
    'applies every backlog sale once with final folios while the other stores keep syncing',
    async () => {
      const report = await runDrain({
        ...DRAIN_QUICK,
        storeCount: 3,
        returningTerminals: 2,
        offlineHours: 1,
        salesPerHour: 7,
        backgroundTerminals: 4,
        productCount: 20,
        batchFacts: 3,
        traffic: {
          ...DRAIN_QUICK.traffic,
          roundIntervalMs: 200,
          saleIntervalMsMean: 250,
          healthIntervalMs: 500,
          salesPerTerminalMax: 12,
        },
        warmupSeconds: 0.3,
        baselineSeconds: 1.5,
      });
      // What is printed is JSON; a report must survive the round trip unchanged.
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      expect(report.name).toBe('drain');
      expect(['pglite', 'postgres']).toContain(report.database);
      expect(report.parameters).toMatchObject({
        stores: 3,
        returningTerminals: 2,
        factsPerReturningTerminal: 7,
        backgroundTerminals: 4,
      });

      const { drain, background, verification } = report.results;
      expect(drain.facts).toBe(14);
      expect(drain.seconds).toBeGreaterThan(0);
      // The report rounds seconds to the millisecond and the rate to 0.1 from the unrounded time, so
      // at a toy size's tens of milliseconds the two agree only within that rounding.
      const roundingSeconds = 0.0005;
      expect(drain.factsPerSecond).toBeGreaterThanOrEqual(
        drain.facts / (drain.seconds + roundingSeconds) - 0.05,
      );
      expect(drain.factsPerSecond).toBeLessThanOrEqual(
        drain.facts / (drain.seconds - roundingSeconds) + 0.05,
      );
      expect(drain.secondsByTerminal).toHaveLength(2);
      expect(Math.max(...drain.secondsByTerminal)).toBeCloseTo(drain.seconds, 1);
      // 7 facts in batches of 3 is 3 batches per till.
      expect(drain.batchLatency.count).toBe(6);
      expect(drain.withinBudget).toBe(drain.seconds < drain.budgetSeconds);

      expect(verification).toEqual({
        backlogSalesStored: 14,
        finalFoliosDistinct: 14,
        folioNumberMin: 1,
        folioNumberMax: 14,
        conflictsOpened: 0,
      });

      expect(background.stores).toBe(2);
      expect(background.salesMade).toBeGreaterThanOrEqual(background.factsAcknowledged);
      expect(background.factsAcknowledged).toBeGreaterThan(0);
      expectOrderedLatency(background.push.before);
      expectOrderedLatency(background.pull.before);
      expect(background.requestsPerSecondBefore).toBeGreaterThan(0);
      expect(drainTable(report)).toContain('push, during drain');
    },
    BENCHMARK_TIMEOUT_MS,
  );
});
