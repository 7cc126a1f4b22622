import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pngDimensions } from './chart-png';
import { INGEST_CURVE_QUICK, ingestCurveTable, runIngestCurve } from './ingest-curve';

/**
 * The ingest curve at toy sizes: two server-ingest runs and the chart. It must write a real PNG of
 * the chart's size; the figures are not judged here (timing belongs to `npm run bench`).
 */
const BENCHMARK_TIMEOUT_MS = 180_000;

describe('ingest-curve at toy sizes', () => {
  it(
    'measures push and floor at each backlog size and writes the chart as a PNG',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'ingest-curve-'));
      try {
        const pngPath = join(directory, 'charts', 'ingest.png');
        const report = await runIngestCurve({
          ...INGEST_CURVE_QUICK,
          backlogSizes: [16, 8],
          terminals: 2,
          productCount: 30,
          warmupFactsPerTerminal: 2,
          batchFacts: 5,
          pngPath,
        });
        expect(JSON.parse(JSON.stringify(report))).toEqual(report);
        expect(report.name).toBe('ingest-curve');
        expect(['pglite', 'postgres']).toContain(report.database);
        // Sizes run from the smallest; each point measured every fact of its backlog.
        expect(report.results.points.map((point) => point.backlogFacts)).toEqual([8, 16]);
        for (const point of report.results.points) {
          expect(point.pushFactsPerSecond).toBeGreaterThan(0);
          expect(point.floorFactsPerSecond).toBeGreaterThan(0);
          expect(point.ratio).toBeGreaterThan(0);
          expect(point.pushBatchP50Ms).toBeLessThanOrEqual(point.pushBatchP99Ms);
        }
        expect(report.results.pngPath).toBe(pngPath);

        const png = await readFile(pngPath);
        expect(pngDimensions(png)).toEqual({ widthPx: 1100, heightPx: 660 });
        // A chart with lines, labels and text compresses to more than a blank page would.
        expect(png.byteLength).toBeGreaterThan(10_000);
        expect(ingestCurveTable(report)).toContain('floor facts/s');
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
    BENCHMARK_TIMEOUT_MS,
  );

  it('refuses a backlog smaller than one fact per terminal', async () => {
    await expect(
      runIngestCurve({ ...INGEST_CURVE_QUICK, backlogSizes: [1], terminals: 2, pngPath: null }),
    ).rejects.toThrow(/backlog size/);
  });
});
