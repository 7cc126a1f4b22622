import { describe, expect, it } from 'vitest';
import { runWebPos, webPosTable } from './web-pos';

/**
 * The web-pos benchmark end to end at a toy size, in Debian's Chromium: it must run and print a
 * report of the agreed shape. No figure is judged here; timing belongs to `npm run bench`.
 */
describe('web-pos benchmark at a toy size', () => {
  it('reports scan, pay and cold-start figures for a till run offline in the browser', async () => {
    const report = await runWebPos({ productCount: 40, scans: 4, sales: 3, coldStarts: 1 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.name).toBe('web-pos');
    expect(report.results.skuCount).toBeGreaterThan(40);
    expect(report.results.scanToLine.count).toBe(4);
    expect(report.results.payToDurableCommit.count).toBe(3);
    expect(report.results.coldStartOfflineMs).toHaveLength(1);
    expect(report.results.coldStartOfflineMedianMs).toBeGreaterThan(0);
    // The bundle is the built app: compressed, it must be smaller than raw and not empty.
    expect(report.results.bundleGzipBytes).toBeGreaterThan(10_000);
    expect(report.results.bundleGzipBytes).toBeLessThan(report.results.bundleBytes);
    expect(webPosTable(report)).toContain('scan');
  }, 300_000);
});
