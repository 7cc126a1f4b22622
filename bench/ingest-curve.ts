import { PUSH_BATCH_FACTS_MAX } from '@mostrador/core';
import { renderSvgToPng } from './chart-png';
import { lineChartSvg } from './line-chart';
import { type BenchmarkReport, describeMachine, formatTable, type ResultRecord, roundTo } from './report';
import { runServerIngest } from './server-ingest';

/**
 * ingest-curve: server-ingest (push over HTTP and its plain-INSERT floor, interleaved) at growing
 * backlog sizes, so a reader sees how the cost of applying facts grows with the work, and a PNG
 * chart of facts/s against backlog size for docs/performance.md. Each size is a fresh run of
 * server-ingest: a new tenant (and on PGlite a new database), its terminals activated, the backlog
 * signed before the clock starts.
 */
export interface IngestCurveOptions {
  /** Total facts pushed at each point, spread evenly over the terminals. */
  readonly backlogSizes: readonly number[];
  readonly terminals: number;
  readonly productCount: number;
  readonly warmupFactsPerTerminal: number;
  readonly batchFacts: number;
  /** Where to write the chart; null writes none. */
  readonly pngPath: string | null;
  readonly log?: (message: string) => void;
}

export const INGEST_CURVE_PNG_DEFAULT = 'docs/ingest-vs-backlog.png';

export const INGEST_CURVE_FULL: IngestCurveOptions = {
  backlogSizes: [500, 1_000, 2_000, 5_000, 10_000, 20_000],
  terminals: 4,
  productCount: 2_000,
  warmupFactsPerTerminal: 20,
  batchFacts: PUSH_BATCH_FACTS_MAX,
  pngPath: INGEST_CURVE_PNG_DEFAULT,
};

export const INGEST_CURVE_QUICK: IngestCurveOptions = {
  ...INGEST_CURVE_FULL,
  backlogSizes: [100, 200, 400],
  productCount: 300,
};

const CHART_SIZE = { widthPx: 1100, heightPx: 660 } as const;
const SIZES_MAX = 20;
const BACKLOG_FACTS_MAX = 1_000_000;

export type CurvePoint = {
  readonly backlogFacts: number;
  readonly pushFactsPerSecond: number;
  readonly floorFactsPerSecond: number;
  /** Push time over floor time for the same facts. */
  readonly ratio: number;
  readonly pushSeconds: number;
  readonly pushBatchP50Ms: number;
  readonly pushBatchP99Ms: number;
};

export type IngestCurveResults = {
  readonly points: readonly CurvePoint[];
  readonly pngPath: string | null;
};

export async function runIngestCurve(
  options: IngestCurveOptions,
): Promise<BenchmarkReport<IngestCurveResults>> {
  if (options.backlogSizes.length === 0 || options.backlogSizes.length > SIZES_MAX)
    throw new Error(`give from 1 to ${SIZES_MAX} backlog sizes`);
  for (const size of options.backlogSizes)
    if (!Number.isInteger(size) || size < options.terminals || size > BACKLOG_FACTS_MAX)
      throw new Error(
        `a backlog size must be an integer from ${options.terminals} to ${BACKLOG_FACTS_MAX}; got ${size}`,
      );
  const log = options.log ?? (() => undefined);
  const points: CurvePoint[] = [];
  let database: 'pglite' | 'postgres' = 'pglite';
  let parameters: ResultRecord = {};
  for (const size of [...options.backlogSizes].sort((left, right) => left - right)) {
    const factsPerTerminal = Math.ceil(size / options.terminals);
    log(
      `backlog of ${factsPerTerminal * options.terminals} facts (${options.terminals} × ${factsPerTerminal})`,
    );
    const report = await runServerIngest({
      terminals: options.terminals,
      factsPerTerminal,
      warmupFactsPerTerminal: options.warmupFactsPerTerminal,
      batchFacts: options.batchFacts,
      productCount: options.productCount,
    });
    database = report.database;
    parameters = report.parameters;
    const { push, floor } = report.results;
    points.push({
      backlogFacts: push.facts,
      pushFactsPerSecond: push.factsPerSecond,
      floorFactsPerSecond: floor.factsPerSecond,
      ratio: report.results.ratio,
      pushSeconds: push.seconds,
      pushBatchP50Ms: roundTo(push.batchLatency.p50Ms, 1),
      pushBatchP99Ms: roundTo(push.batchLatency.p99Ms, 1),
    });
    log(`  push ${push.factsPerSecond} facts/s, floor ${floor.factsPerSecond} facts/s`);
  }
  const date = new Date().toISOString();
  const machine = describeMachine();
  if (options.pngPath !== null) {
    const svg = lineChartSvg(
      curveChart(points, {
        database,
        date,
        terminals: options.terminals,
        batchFacts: options.batchFacts,
        productCount: options.productCount,
        machine: `${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}`,
        floor: String(parameters.floor ?? 'see server-ingest'),
      }),
    );
    await renderSvgToPng(svg, CHART_SIZE, options.pngPath);
    log(`chart written to ${options.pngPath}`);
  }
  return {
    name: 'ingest-curve',
    date,
    machine,
    database,
    parameters: {
      backlogSizes: [...options.backlogSizes],
      terminals: options.terminals,
      productCount: options.productCount,
      warmupFactsPerTerminal: options.warmupFactsPerTerminal,
      batchFacts: options.batchFacts,
      eachPoint: 'a fresh server-ingest run: new tenant, push and floor interleaved',
      floor: parameters.floor ?? null,
      store: parameters.store ?? null,
    },
    results: { points, pngPath: options.pngPath },
  };
}

function curveChart(
  points: readonly CurvePoint[],
  context: {
    readonly database: string;
    readonly date: string;
    readonly terminals: number;
    readonly batchFacts: number;
    readonly productCount: number;
    readonly machine: string;
    readonly floor: string;
  },
) {
  return {
    title: 'Server ingest rate against backlog size',
    xLabel: 'backlog pushed (facts, log scale)',
    yLabel: 'facts applied per second (log scale)',
    series: [
      {
        name: 'push: POST /api/v1/sync/push over HTTP',
        color: '#c0392b',
        points: points.map((point) => ({ x: point.backlogFacts, y: point.pushFactsPerSecond })),
      },
      {
        name: 'floor: the same facts stored with no logic',
        color: '#2471a3',
        points: points.map((point) => ({ x: point.backlogFacts, y: point.floorFactsPerSecond })),
      },
    ],
    caption: [
      `${context.database === 'postgres' ? 'PostgreSQL server' : 'PGlite in memory'} · ${context.date.slice(0, 10)} · ${context.machine}`,
      `${context.terminals} terminals push at once, batches of ${context.batchFacts} signed SaleCompleted facts (5 lines, card + cash), ${context.productCount} products; each point a fresh server-ingest run, push and floor interleaved.`,
      `Floor: ${context.floor}.`,
      'npm run bench -- ingest-curve (bench/ingest-curve.ts); figures in docs/performance.md',
    ],
    widthPx: CHART_SIZE.widthPx,
    heightPx: CHART_SIZE.heightPx,
  };
}

export function ingestCurveTable(report: BenchmarkReport<IngestCurveResults>): string {
  const { results, parameters } = report;
  return [
    `ingest-curve on ${report.database}: ${parameters.terminals} terminals, batches of ${parameters.batchFacts}, ${parameters.productCount} products`,
    formatTable(
      ['backlog facts', 'push facts/s', 'floor facts/s', 'ratio', 'push s', 'batch p50 ms', 'batch p99 ms'],
      results.points.map((point) => [
        String(point.backlogFacts),
        point.pushFactsPerSecond.toFixed(0),
        point.floorFactsPerSecond.toFixed(0),
        `${point.ratio}×`,
        point.pushSeconds.toFixed(1),
        point.pushBatchP50Ms.toFixed(0),
        point.pushBatchP99Ms.toFixed(0),
      ]),
    ),
    results.pngPath === null ? 'no chart written' : `chart: ${results.pngPath}`,
  ].join('\n');
}
