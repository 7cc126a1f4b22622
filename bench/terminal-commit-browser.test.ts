import { describe, expect, it } from 'vitest';
import type { LatencySummary } from './report';
import {
  runTerminalCommitBrowser,
  TERMINAL_COMMIT_BROWSER_QUICK,
  terminalCommitBrowserTable,
} from './terminal-commit-browser';

/**
 * terminal-commit-browser end to end at a toy size in Debian's Chromium: it must run, check what the
 * terminal recorded, and print a report of the agreed shape. No figure is judged here; timing
 * belongs to `npm run bench`. A missing /usr/bin/chromium fails this test (.ci/install-chromium.sh).
 */
const BENCHMARK_TIMEOUT_MS = 180_000;

function expectLatency(summary: LatencySummary, count: number) {
  expect(summary.count).toBe(count);
  for (const figure of [summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs, summary.meanMs])
    expect(figure).toBeGreaterThan(0);
  expect(summary.p50Ms).toBeLessThanOrEqual(summary.p95Ms);
  expect(summary.p95Ms).toBeLessThanOrEqual(summary.p99Ms);
  expect(summary.p99Ms).toBeLessThanOrEqual(summary.maxMs);
}

describe('terminal-commit-browser at a toy size', () => {
  it(
    'reports completeSale in Chromium, its strict IndexedDB floor, the ratios and one sale’s anatomy',
    async () => {
      const report = await runTerminalCommitBrowser({
        ...TERMINAL_COMMIT_BROWSER_QUICK,
        sales: 6,
        warmupSales: 3,
        productCount: 30,
      });
      // What is printed is JSON; a report must survive the round trip unchanged.
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      expect(report.name).toBe('terminal-commit-browser');
      expect(new Date(report.date).toISOString()).toBe(report.date);
      expect(['pglite', 'postgres']).toContain(report.database);
      expect(report.parameters).toMatchObject({
        sales: 6,
        warmupSales: 3,
        productCount: 30,
        linesPerSale: 5,
      });

      const { results } = report;
      expect(results.skuCount).toBeGreaterThan(30);
      expectLatency(results.completeSale, 6);
      expectLatency(results.floorWrite, 6);
      expectLatency(results.floorSameKeys, 6);
      expectLatency(results.floorGuarantees, 6);
      for (const figure of [
        results.guaranteesRatioP50,
        results.guaranteesRatioP99,
        results.guaranteesOverBareP50,
        results.ratioP50,
        results.ratioP95,
        results.ratioP99,
        results.sameKeysRatioP50,
        results.sameKeysRatioP99,
      ])
        expect(figure).toBeGreaterThan(0);
      expect(Object.keys(results.withinBudget).sort()).toEqual(['floorRatio', 'p50', 'p99']);

      // One sale writes its fact and what it implies as one sealed journal record, and signs once.
      const anatomy = results.saleAnatomy;
      expect(anatomy.keysPut).toBe(1);
      expect(anatomy.encryptCalls).toBe(anatomy.keysPut);
      expect(anatomy.valueBytes).toHaveLength(anatomy.keysPut);
      expect(anatomy.valueBytes.reduce((total, bytes) => total + bytes, 0)).toBe(anatomy.bytesWritten);
      expect(Math.max(...anatomy.valueBytes)).toBeGreaterThan(1_000);
      expect(anatomy.encryptCalls).toBeGreaterThan(0);
      expect(anatomy.signCalls).toBe(1);
      expect(anatomy.readwriteTransactions).toBe(1);
      // The writer tab holds the database's sole-writer lease, and with it the store's Web Lock
      // between writes, and the scans read what the stock guard needs: the commit reads nothing
      // and asks for no lock.
      expect(anatomy.readRequests).toBe(0);
      expect(anatomy.readonlyTransactions).toBe(0);
      expect(anatomy.webLocks).toBe(0);
      expect(anatomy.timeline.map((call) => call.what)).toEqual([
        'sign',
        'encrypt',
        'readwrite transaction',
        'durable',
      ]);

      expect(results.ringCartP50Ms).toBeGreaterThan(0);
      expect(results.salesPerSecondSequential).toBeGreaterThan(0);
      expect(results.activationSeconds).toBeGreaterThan(0);
      expect(results.browser).toMatch(/^\d+\./);
      expect(terminalCommitBrowserTable(report)).toContain('completeSale');
    },
    BENCHMARK_TIMEOUT_MS,
  );
});
