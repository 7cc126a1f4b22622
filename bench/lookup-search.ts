import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateProducts } from '@mostrador/server';
import { buildCatalogIndex, type CatalogEntry, type CatalogIndex, variantName } from '@mostrador/web';
import {
  type BenchmarkReport,
  describeMachine,
  formatTable,
  type LatencySummary,
  roundTo,
  summarizeLatencies,
} from './report';

/*
 * lookup-search: the cashier's catalog index (packages/web/src/catalog/catalog-index.ts) on the
 * catalog the server generates for large tenants, in this process, with no server, store or
 * browser: what the index itself costs.
 * - build: buildCatalogIndex over every SKU, named as the web app's loader names them;
 * - memory: heap and array buffers after a forced collection with the index held, minus before;
 * - barcode lookup: lookupCode for random known barcodes and for unknown valid-looking ones;
 * - text search: search(query, 20) for a shuffled mix of query kinds (fragments, whole words, two
 *   words, accents left out, upper case, one typo, SKU prefixes), each call timed alone;
 * - both in rounds: every lookup and query once per round, in the same order. The first round is
 *   the plain figure; the median of each call's rounds is what the index costs when the shared
 *   machine does not take the core away mid-call (a load average of 10 on 2 cores makes the
 *   first round's tail mostly waiting for the processor);
 * - typo recall: how often a query with one typo still lists the product it was made from in
 *   the top 20, against the same query spelled right.
 */
export interface LookupSearchOptions {
  /** Products generated; about 4.5 SKUs each, so 22,300 is about 100k SKUs. */
  readonly productCount: number;
  /** Known barcodes looked up; a tenth as many unknown ones are mixed in. */
  readonly lookups: number;
  /** Text queries of each kind. */
  readonly queriesPerKind: number;
  /** Seeds the catalog (7, as createTestTenant, so it is the catalog the other benchmarks load) and the queries. */
  readonly seed: number;
  readonly log?: (message: string) => void;
}

export const LOOKUP_SEARCH_FULL: LookupSearchOptions = {
  productCount: 22_300,
  lookups: 20_000,
  queriesPerKind: 400,
  seed: 7,
};
export const LOOKUP_SEARCH_QUICK: LookupSearchOptions = {
  productCount: 300,
  lookups: 2_000,
  queriesPerKind: 60,
  seed: 7,
};

/** Issue 6's budgets for 100k SKUs. */
export const LOOKUP_SEARCH_BUDGETS = { lookupP95Ms: 0.1, searchP95Ms: 5, indexMegabytes: 150 } as const;

export const QUERY_KINDS = [
  'fragment',
  'word',
  'twoWords',
  'accentFree',
  'upperCase',
  'typo',
  'skuPrefix',
] as const;
type QueryKind = (typeof QUERY_KINDS)[number];

const RESULTS_SHOWN = 20;
const ROUNDS = 3;
const WARMUP_QUERIES = 300;
const WARMUP_LOOKUPS = 2_000;
/** A kind whose source has no fitting word is retried on other entries this many times, then fails. */
const DRAW_ATTEMPTS_MAX = 10_000;

export type LookupSearchResults = {
  readonly productCount: number;
  readonly skuCount: number;
  readonly barcodeCount: number;
  readonly distinctNameWords: number;
  readonly buildMs: number;
  readonly indexMemory: {
    readonly heapBytes: number;
    readonly arrayBufferBytes: number;
    readonly totalBytes: number;
    readonly totalMegabytes: number;
  };
  /** In microseconds: a lookup takes less than the millisecond summaries' last digit. */
  readonly lookup: { readonly firstRound: LookupFigures; readonly medianOfRounds: LookupFigures };
  readonly search: { readonly firstRound: SearchFigures; readonly medianOfRounds: SearchFigures };
  /** Mean results per query of each kind (at most 20): a query that finds nothing is cheap. */
  readonly meanResults: { readonly [kind in QueryKind]: number };
  readonly typoRecall: {
    readonly queries: number;
    readonly foundInTop20: number;
    readonly foundRate: number;
    /** The same queries without the typo: the ceiling the typo queries can reach. */
    readonly spelledRightFoundInTop20: number;
    readonly spelledRightFoundRate: number;
  };
  readonly budgets: {
    readonly lookupP95Ms: number;
    readonly searchP95Ms: number;
    readonly indexMegabytes: number;
    /** Judged on the median of rounds; the first round's verdicts beside them. */
    readonly lookupHeld: boolean;
    readonly searchHeld: boolean;
    readonly memoryHeld: boolean;
    readonly lookupHeldFirstRound: boolean;
    readonly searchHeldFirstRound: boolean;
  };
  readonly loadAverage1m: { readonly start: number; readonly end: number };
};

type LookupFigures = {
  readonly known: MicrosecondSummary;
  readonly unknown: MicrosecondSummary;
  readonly all: MicrosecondSummary;
};

type SearchFigures = { readonly all: LatencySummary } & { readonly [kind in QueryKind]: LatencySummary };

export type MicrosecondSummary = {
  readonly count: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
};

type CatalogSource = {
  readonly entries: readonly CatalogEntry[];
  /** The product each entry was generated from, by position. */
  readonly productKeys: readonly string[];
  readonly productCount: number;
};

type Query = {
  readonly kind: QueryKind;
  readonly text: string;
  /** Typo queries: the product they were made from, and the query spelled right. */
  readonly productKey?: string;
  readonly spelledRight?: string;
};

export function runLookupSearch(options: LookupSearchOptions): BenchmarkReport<LookupSearchResults, 'none'> {
  const log = options.log ?? (() => undefined);
  const loadAtStart = loadavg()[0]!;
  const collectGarbage = garbageCollector();
  log(`generating ${options.productCount} products (seed ${options.seed})`);
  const catalog = generateCatalogEntries(options.productCount, options.seed);
  const barcodeCount = catalog.entries.reduce((total, entry) => total + entry.barcodes.length, 0);

  log(`building the index over ${catalog.entries.length} SKUs`);
  collectGarbage();
  const before = process.memoryUsage();
  const buildStartedMs = performance.now();
  const index = buildCatalogIndex(catalog.entries);
  const buildMs = performance.now() - buildStartedMs;
  collectGarbage();
  const after = process.memoryUsage();
  const heapBytes = after.heapUsed - before.heapUsed;
  // Large typed arrays live outside the heap; heapUsed alone would miss the postings.
  const arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  const totalBytes = heapBytes + arrayBufferBytes;

  const random = seededRandom(options.seed);
  const known = Array.from({ length: options.lookups }, () => {
    const position = randomInt(random, catalog.entries.length);
    const entry = catalog.entries[position]!;
    return { code: entry.barcodes[randomInt(random, entry.barcodes.length)]!, variantId: entry.variantId };
  });
  const unknown = unknownBarcodes(random, index, Math.ceil(options.lookups / 10));
  log(`looking up ${known.length} known and ${unknown.length} unknown barcodes`);
  for (const { code } of known.slice(0, WARMUP_LOOKUPS)) index.lookupCode(code);
  const lookup = timeLookups(index, known, unknown, random);

  const queries = shuffle(
    random,
    QUERY_KINDS.flatMap((kind) =>
      Array.from({ length: options.queriesPerKind }, () => drawQuery(random, catalog, kind)),
    ),
  );
  log(
    `searching ${queries.length} queries (${options.queriesPerKind} of each of ${QUERY_KINDS.length} kinds)`,
  );
  for (const query of queries.slice(0, WARMUP_QUERIES)) index.search(query.text, RESULTS_SHOWN);
  const search = timeSearches(index, queries);
  const typoRecall = measureTypoRecall(index, catalog, queries);

  const indexMegabytes = roundTo(totalBytes / 1_000_000, 1);
  const lookupHeld = (figures: LookupFigures) =>
    figures.all.p95Us < LOOKUP_SEARCH_BUDGETS.lookupP95Ms * 1_000;
  const searchHeld = (figures: SearchFigures) => figures.all.p95Ms < LOOKUP_SEARCH_BUDGETS.searchP95Ms;
  return {
    name: 'lookup-search',
    date: new Date().toISOString(),
    machine: describeMachine(),
    database: 'none',
    parameters: {
      productCount: options.productCount,
      knownLookups: known.length,
      unknownLookups: unknown.length,
      queriesPerKind: options.queriesPerKind,
      resultsShown: RESULTS_SHOWN,
      rounds: ROUNDS,
      seed: options.seed,
      warmupQueries: WARMUP_QUERIES,
      warmupLookups: WARMUP_LOOKUPS,
    },
    results: {
      productCount: catalog.productCount,
      skuCount: catalog.entries.length,
      barcodeCount,
      distinctNameWords: countDistinctWords(catalog.entries),
      buildMs: roundTo(buildMs, 1),
      indexMemory: { heapBytes, arrayBufferBytes, totalBytes, totalMegabytes: indexMegabytes },
      lookup,
      search: { firstRound: search.firstRound, medianOfRounds: search.medianOfRounds },
      meanResults: search.meanResults,
      typoRecall,
      budgets: {
        ...LOOKUP_SEARCH_BUDGETS,
        lookupHeld: lookupHeld(lookup.medianOfRounds),
        searchHeld: searchHeld(search.medianOfRounds),
        memoryHeld: indexMegabytes < LOOKUP_SEARCH_BUDGETS.indexMegabytes,
        lookupHeldFirstRound: lookupHeld(lookup.firstRound),
        searchHeldFirstRound: searchHeld(search.firstRound),
      },
      loadAverage1m: { start: roundTo(loadAtStart, 2), end: roundTo(loadavg()[0]!, 2) },
    },
  };
}

/** The SKUs of a generated tenant, named as the web app's loader names them from the pulled catalog. */
function generateCatalogEntries(productCount: number, seed: number): CatalogSource {
  const entries: CatalogEntry[] = [];
  const productKeys: string[] = [];
  let products = 0;
  for (const product of generateProducts({ seed, productCount, storeCount: 1, currencies: ['MXN'] })) {
    products += 1;
    for (const variant of product.variants) {
      entries.push({
        variantId: `${product.key}/${variant.sku}`,
        sku: variant.sku,
        name: variantName(product.name, variant.name),
        barcodes: variant.barcodes,
      });
      productKeys.push(product.key);
    }
  }
  return { entries, productKeys, productCount: products };
}

/**
 * The collector, to measure what the index holds rather than what is waiting to be collected.
 * `npm run bench` starts Node without --expose-gc; the flag can still be set at run time, and a
 * fresh context then has `gc`.
 */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as (() => void) | undefined;
  if (typeof collect !== 'function') throw new Error('cannot reach the garbage collector to measure memory');
  // Twice: the first pass can leave objects that only a second one frees.
  return () => {
    collect();
    collect();
  };
}

function timeLookups(
  index: CatalogIndex,
  known: readonly { code: string; variantId: string }[],
  unknown: readonly string[],
  random: () => number,
): { firstRound: LookupFigures; medianOfRounds: LookupFigures } {
  const trials = shuffle(random, [
    ...known.map((item) => ({ code: item.code, variantId: item.variantId as string | undefined })),
    ...unknown.map((code) => ({ code, variantId: undefined })),
  ]);
  const roundsUs = inRounds(trials, (trial) => {
    const startedNs = process.hrtime.bigint();
    const entry = index.lookupCode(trial.code);
    const elapsedUs = Number(process.hrtime.bigint() - startedNs) / 1e3;
    if (entry?.variantId !== trial.variantId) {
      throw new Error(`lookupCode(${trial.code}) gave ${entry?.variantId}, expected ${trial.variantId}`);
    }
    return elapsedUs;
  });
  const figures = (perTrialUs: readonly number[]): LookupFigures => {
    const isKnown = (slot: number) => trials[slot]!.variantId !== undefined;
    return {
      known: summarizeMicroseconds(perTrialUs.filter((_, slot) => isKnown(slot))),
      unknown: summarizeMicroseconds(perTrialUs.filter((_, slot) => !isKnown(slot))),
      all: summarizeMicroseconds(perTrialUs),
    };
  };
  return { firstRound: figures(roundsUs[0]!), medianOfRounds: figures(mediansOfRounds(roundsUs)) };
}

function timeSearches(
  index: CatalogIndex,
  queries: readonly Query[],
): {
  firstRound: SearchFigures;
  medianOfRounds: SearchFigures;
  meanResults: { [kind in QueryKind]: number };
} {
  const resultCounts = new Map<QueryKind, number>(QUERY_KINDS.map((kind) => [kind, 0]));
  const roundsMs = inRounds(queries, (query, round) => {
    const startedNs = process.hrtime.bigint();
    const found = index.search(query.text, RESULTS_SHOWN);
    const elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
    // Every kind but typos is cut from a name or a code, so it must find at least that.
    if (found.length === 0 && query.kind !== 'typo') {
      throw new Error(`the ${query.kind} query "${query.text}" found nothing`);
    }
    if (round === 0) resultCounts.set(query.kind, resultCounts.get(query.kind)! + found.length);
    return elapsedMs;
  });
  const figures = (perQueryMs: readonly number[]): SearchFigures => {
    const byKind = QUERY_KINDS.map((kind) => [
      kind,
      summarizeLatencies(perQueryMs.filter((_, slot) => queries[slot]!.kind === kind)),
    ]);
    return { all: summarizeLatencies(perQueryMs), ...Object.fromEntries(byKind) } as SearchFigures;
  };
  const meanResults = Object.fromEntries(
    QUERY_KINDS.map((kind) => {
      const count = queries.filter((query) => query.kind === kind).length;
      return [kind, roundTo(resultCounts.get(kind)! / count, 1)];
    }),
  ) as { [kind in QueryKind]: number };
  return {
    firstRound: figures(roundsMs[0]!),
    medianOfRounds: figures(mediansOfRounds(roundsMs)),
    meanResults,
  };
}

/** Every item once per round, in the same order; the figures by round, then by item. */
function inRounds<Item>(items: readonly Item[], measure: (item: Item, round: number) => number): number[][] {
  return Array.from({ length: ROUNDS }, (_, round) => items.map((item) => measure(item, round)));
}

function mediansOfRounds(rounds: readonly (readonly number[])[]): number[] {
  return rounds[0]!.map((_, slot) => {
    const figures = rounds.map((round) => round[slot]!).sort((left, right) => left - right);
    return figures[Math.floor(figures.length / 2)]!;
  });
}

/** The same nearest-rank figures as summarizeLatencies, which works in whatever unit it is given. */
function summarizeMicroseconds(samplesUs: readonly number[]): MicrosecondSummary {
  const summary = summarizeLatencies(samplesUs);
  return {
    count: summary.count,
    p50Us: summary.p50Ms,
    p95Us: summary.p95Ms,
    p99Us: summary.p99Ms,
    maxUs: summary.maxMs,
    meanUs: summary.meanMs,
  };
}

function measureTypoRecall(
  index: CatalogIndex,
  catalog: CatalogSource,
  queries: readonly Query[],
): LookupSearchResults['typoRecall'] {
  const productOf = new Map(
    catalog.entries.map((entry, position) => [entry.variantId, catalog.productKeys[position]!]),
  );
  const lists = (text: string, productKey: string) =>
    index.search(text, RESULTS_SHOWN).some((match) => productOf.get(match.variantId) === productKey);
  let found = 0;
  let spelledRightFound = 0;
  const typos = queries.filter((query) => query.kind === 'typo');
  for (const query of typos) {
    if (lists(query.text, query.productKey!)) found += 1;
    if (lists(query.spelledRight!, query.productKey!)) spelledRightFound += 1;
  }
  return {
    queries: typos.length,
    foundInTop20: found,
    foundRate: roundTo(found / typos.length, 3),
    spelledRightFoundInTop20: spelledRightFound,
    spelledRightFoundRate: roundTo(spelledRightFound / typos.length, 3),
  };
}

// ---------------------------------------------------------------------------------------------
// Queries, as a cashier types them

/** The words of a name as written: letters and digits, accents kept. */
function writtenWords(name: string): string[] {
  return name.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

const isLetters = (word: string) => /^\p{L}+$/u.test(word);
const hasAccent = (word: string) => word.normalize('NFD') !== word;
const withoutAccents = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '');

function drawQuery(random: () => number, catalog: CatalogSource, kind: QueryKind): Query {
  for (let attempt = 0; attempt < DRAW_ATTEMPTS_MAX; attempt += 1) {
    const position = randomInt(random, catalog.entries.length);
    const entry = catalog.entries[position]!;
    const words = writtenWords(entry.name).filter((word) => word.length >= 3 && isLetters(word));
    const query = queryOfKind(random, kind, entry, words, catalog.productKeys[position]!);
    if (query !== undefined) return query;
  }
  throw new Error(`no entry of the catalog gives a ${kind} query`);
}

function queryOfKind(
  random: () => number,
  kind: QueryKind,
  entry: CatalogEntry,
  words: readonly string[],
  productKey: string,
): Query | undefined {
  if (kind === 'skuPrefix') {
    const prefix = entry.sku.slice(0, 3 + randomInt(random, Math.max(1, entry.sku.length - 3)));
    return { kind, text: random() < 0.5 ? prefix.toLowerCase() : prefix };
  }
  if (words.length === 0) return undefined;
  const word = pick(random, words);
  if (kind === 'fragment') return { kind, text: word.slice(0, 2 + randomInt(random, 2)).toLowerCase() };
  if (kind === 'word') return { kind, text: word.toLowerCase() };
  if (kind === 'upperCase')
    return {
      kind,
      text: inNameOrder(words, pickDistinct(random, words, 2))
        .join(' ')
        .toUpperCase(),
    };
  if (kind === 'twoWords') {
    if (words.length < 2) return undefined;
    return {
      kind,
      text: inNameOrder(words, pickDistinct(random, words, 2))
        .join(' ')
        .toLowerCase(),
    };
  }
  if (kind === 'accentFree') {
    const accented = words.filter(hasAccent);
    if (accented.length === 0) return undefined;
    const chosen = pickDistinct(
      random,
      words.filter((other) => !hasAccent(other)),
      random() < 0.5 ? 1 : 0,
    );
    const text = inNameOrder(words, [pick(random, accented), ...chosen]).join(' ');
    return { kind, text: withoutAccents(text).toLowerCase() };
  }
  return typoQuery(random, words, productKey);
}

/** Up to three words of the name, one of five letters or more typed with one slip. */
function typoQuery(random: () => number, words: readonly string[], productKey: string): Query | undefined {
  const chosen = inNameOrder(words, pickDistinct(random, words, 3));
  const slippable = chosen.filter((word) => word.length >= 5);
  if (slippable.length === 0) return undefined;
  const target = pick(random, slippable);
  const slipped = slip(random, target.toLowerCase());
  if (withoutAccents(slipped) === withoutAccents(target.toLowerCase())) return undefined;
  const spelledRight = chosen.join(' ').toLowerCase();
  const text = chosen.map((word) => (word === target ? slipped : word.toLowerCase())).join(' ');
  return { kind: 'typo', text, productKey, spelledRight };
}

/** One slip, never on the first letter: a letter missed, a wrong one, or two neighbours swapped. */
function slip(random: () => number, word: string): string {
  const at = 1 + randomInt(random, word.length - 1);
  const slipKind = randomInt(random, 3);
  if (slipKind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (slipKind === 1) {
    const letters = 'abcdefghijklmnopqrstuvwxyz'.replace(word[at]!, '');
    return word.slice(0, at) + letters[randomInt(random, letters.length)] + word.slice(at + 1);
  }
  const swapAt = Math.min(at, word.length - 2);
  return word.slice(0, swapAt) + word[swapAt + 1] + word[swapAt] + word.slice(swapAt + 2);
}

function inNameOrder(words: readonly string[], chosen: readonly string[]): string[] {
  return [...chosen].sort((left, right) => words.indexOf(left) - words.indexOf(right));
}

function unknownBarcodes(random: () => number, index: CatalogIndex, count: number): string[] {
  const codes: string[] = [];
  while (codes.length < count) {
    // Same length and leading digits as the generator's store-internal codes, but not issued.
    const code = `2${String(randomInt(random, 1e12)).padStart(12, '0')}`;
    if (index.lookupCode(code) === undefined) codes.push(code);
  }
  return codes;
}

function countDistinctWords(entries: readonly CatalogEntry[]): number {
  const words = new Set<string>();
  for (const entry of entries)
    for (const word of writtenWords(withoutAccents(entry.name).toLowerCase())) words.add(word);
  return words.size;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness, so a run's queries can be replayed

/** mulberry32: small, fast, and plenty for picking queries. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomInt(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[randomInt(random, items.length)]!;
}

function pickDistinct<T>(random: () => number, items: readonly T[], count: number): T[] {
  return shuffle(random, [...new Set(items)]).slice(0, count);
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let position = items.length - 1; position > 0; position -= 1) {
    const other = randomInt(random, position + 1);
    [items[position], items[other]] = [items[other]!, items[position]!];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// The table for a person

export function lookupSearchTable(report: BenchmarkReport<LookupSearchResults, 'none'>): string {
  const r = report.results;
  const row = (what: string, summary: LatencySummary, budget = '') => [
    what,
    String(summary.count),
    summary.p50Ms.toFixed(3),
    summary.p95Ms.toFixed(3),
    summary.p99Ms.toFixed(3),
    summary.maxMs.toFixed(3),
    budget,
  ];
  const lookupRow = (what: string, summary: MicrosecondSummary, budget = '') => [
    what,
    String(summary.count),
    ...[summary.p50Us, summary.p95Us, summary.p99Us, summary.maxUs].map((figure) =>
      (figure / 1_000).toFixed(4),
    ),
    budget,
  ];
  const held = (ok: boolean) => (ok ? 'held' : 'MISSED');
  const median = r.lookup.medianOfRounds;
  const search = r.search.medianOfRounds;
  const latencies = formatTable(
    ['median of rounds', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'budget (p95)'],
    [
      lookupRow(
        'barcode lookup, all',
        median.all,
        `< ${r.budgets.lookupP95Ms} ms: ${held(r.budgets.lookupHeld)}`,
      ),
      lookupRow('  known', median.known),
      lookupRow('  unknown', median.unknown),
      lookupRow('  first round, all', r.lookup.firstRound.all, held(r.budgets.lookupHeldFirstRound)),
      row('text search, all', search.all, `< ${r.budgets.searchP95Ms} ms: ${held(r.budgets.searchHeld)}`),
      ...QUERY_KINDS.map((kind) => row(`  ${kind} (${r.meanResults[kind]} found)`, search[kind])),
      row('  first round, all', r.search.firstRound.all, held(r.budgets.searchHeldFirstRound)),
    ],
  );
  const recall = r.typoRecall;
  return [
    `lookup-search: ${r.skuCount} SKUs (${r.productCount} products), ${r.barcodeCount} barcodes, ` +
      `${r.distinctNameWords} distinct name words`,
    `index built in ${r.buildMs} ms; holds ${r.indexMemory.totalMegabytes} MB ` +
      `(heap ${roundTo(r.indexMemory.heapBytes / 1e6, 1)} MB, array buffers ` +
      `${roundTo(r.indexMemory.arrayBufferBytes / 1e6, 1)} MB; budget < ${r.budgets.indexMegabytes} MB: ` +
      `${held(r.budgets.memoryHeld)})`,
    latencies,
    `typo queries listing their product in the top 20: ${recall.foundInTop20} of ${recall.queries} ` +
      `(${roundTo(recall.foundRate * 100, 1)} %); spelled right: ${recall.spelledRightFoundInTop20} ` +
      `(${roundTo(recall.spelledRightFoundRate * 100, 1)} %)`,
    `load average (1 min): ${r.loadAverage1m.start} at start, ${r.loadAverage1m.end} at end`,
  ].join('\n');
}
