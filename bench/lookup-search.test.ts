import { describe, expect, it } from 'vitest';
import type { MicrosecondSummary } from './lookup-search';
import { LOOKUP_SEARCH_QUICK, lookupSearchTable, QUERY_KINDS, runLookupSearch } from './lookup-search';
import type { LatencySummary } from './report';

/**
 * lookup-search at a toy size: it must run, check every lookup it times, and print a report of the
 * agreed shape. No figure is judged here; timing belongs to `npm run bench -- lookup-search`.
 */
function expectLatency(summary: LatencySummary, count: number) {
  expect(summary.count).toBe(count);
  expect(summary.p50Ms).toBeGreaterThanOrEqual(0);
  expect(summary.p50Ms).toBeLessThanOrEqual(summary.p95Ms);
  expect(summary.p95Ms).toBeLessThanOrEqual(summary.p99Ms);
  expect(summary.p99Ms).toBeLessThanOrEqual(summary.maxMs);
}

function expectMicroseconds(summary: MicrosecondSummary, count: number) {
  expect(summary.count).toBe(count);
  expect(summary.p50Us).toBeGreaterThan(0);
  expect(summary.p50Us).toBeLessThanOrEqual(summary.p95Us);
  expect(summary.p95Us).toBeLessThanOrEqual(summary.p99Us);
  expect(summary.p99Us).toBeLessThanOrEqual(summary.maxUs);
}

describe('lookup-search at a toy size', () => {
  it('reports build, memory, lookups, searches by kind and typo recall', () => {
    const report = runLookupSearch({
      ...LOOKUP_SEARCH_QUICK,
      productCount: 40,
      lookups: 200,
      queriesPerKind: 12,
    });
    // What is printed is JSON; a report must survive the round trip unchanged.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.name).toBe('lookup-search');
    expect(new Date(report.date).toISOString()).toBe(report.date);
    expect(report.database).toBe('none');
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.parameters).toMatchObject({
      productCount: 40,
      knownLookups: 200,
      unknownLookups: 20,
      rounds: 3,
    });

    const results = report.results;
    expect(results.productCount).toBe(40);
    expect(results.skuCount).toBeGreaterThan(40);
    expect(results.barcodeCount).toBeGreaterThanOrEqual(results.skuCount);
    expect(results.distinctNameWords).toBeGreaterThan(10);
    expect(results.buildMs).toBeGreaterThan(0);
    expect(results.indexMemory.totalBytes).toBe(
      results.indexMemory.heapBytes + results.indexMemory.arrayBufferBytes,
    );

    for (const round of [results.lookup.firstRound, results.lookup.medianOfRounds]) {
      expectMicroseconds(round.known, 200);
      expectMicroseconds(round.unknown, 20);
      expectMicroseconds(round.all, 220);
    }
    for (const round of [results.search.firstRound, results.search.medianOfRounds]) {
      expectLatency(round.all, 12 * QUERY_KINDS.length);
      for (const kind of QUERY_KINDS) expectLatency(round[kind], 12);
    }
    for (const kind of QUERY_KINDS) expect(results.meanResults[kind]).toBeLessThanOrEqual(20);
    // Every kind but typos is cut from the catalog, so it finds something.
    for (const kind of QUERY_KINDS.filter((kind) => kind !== 'typo')) {
      expect(results.meanResults[kind]).toBeGreaterThan(0);
    }

    const recall = results.typoRecall;
    expect(recall.queries).toBe(12);
    expect(recall.foundInTop20).toBeLessThanOrEqual(recall.queries);
    expect(recall.spelledRightFoundInTop20).toBeLessThanOrEqual(recall.queries);
    expect(recall.foundRate).toBeCloseTo(recall.foundInTop20 / recall.queries, 3);
    // Spelled right, a query cut from a name finds its product in a catalog this small.
    expect(recall.spelledRightFoundInTop20).toBeGreaterThan(0);

    expect(results.budgets.searchHeld).toBe(
      results.search.medianOfRounds.all.p95Ms < results.budgets.searchP95Ms,
    );
    expect(results.budgets.searchHeldFirstRound).toBe(
      results.search.firstRound.all.p95Ms < results.budgets.searchP95Ms,
    );
    const table = lookupSearchTable(report);
    expect(table).toContain('barcode lookup');
    expect(table).toContain('typo queries');
  });
});
