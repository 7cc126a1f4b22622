import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCatalogIndex,
  type CatalogEntry,
  type CatalogMatch,
  normalizeSearchText,
  SEARCH_RESULTS_DEFAULT,
  SEARCH_RESULTS_MAX,
  searchWords,
} from './catalog-index';
import { editDistanceWithin, typosAllowed } from './edit-distance';

const entries: CatalogEntry[] = [
  { variantId: 'v1', sku: 'CAF-001', name: 'Café molido 500 g', barcodes: ['7501000000011'] },
  { variantId: 'v2', sku: 'CAF-002', name: 'Café en grano 1 kg', barcodes: ['7501000000028'] },
  { variantId: 'v3', sku: 'PIN-010', name: 'Jugo de piña 1 L', barcodes: [] },
  { variantId: 'v4', sku: 'TE-100', name: 'Té verde descafeinado', barcodes: ['7501000000035'] },
  { variantId: 'v5', sku: 'CHO-001', name: 'Chocolate en polvo 400 g', barcodes: ['7502000000017'] },
  { variantId: 'v6', sku: 'GAL-001', name: 'Galletas María 200 g', barcodes: ['7502000000024'] },
  { variantId: 'v7', sku: 'GAL-002', name: 'Galletas de chocolate rellenas', barcodes: [] },
  { variantId: 'v8', sku: 'SAL-001', name: 'Sal de mar 1 kg', barcodes: ['7503000000016', '2000000000015'] },
  { variantId: 'v9', sku: 'LIM-001', name: 'Limpiador aroma pino 1 L', barcodes: [] },
  { variantId: 'v10', sku: 'ESP-001', name: 'Espinaca baby 250 g', barcodes: [] },
  { variantId: 'v11', sku: 'CAF-010', name: 'Cafetera italiana 6 tazas', barcodes: [] },
  { variantId: 'v12', sku: 'DES-001', name: 'Desodorante en aerosol dry-fit 150 mL', barcodes: [] },
  {
    variantId: 'v13',
    sku: 'CAM-001',
    name: 'Camiseta deportiva manga corta de algodón para niño azul marino talla 8',
    barcodes: [],
  },
];

const ids = (matches: readonly CatalogMatch[]) => matches.map((match) => match.variantId);

describe('catalog search', () => {
  const index = buildCatalogIndex(entries);

  it('finds by name without accents or case', () => {
    expect(ids(index.search('cafe'))).toEqual(['v1', 'v2', 'v11', 'v4']);
    expect(ids(index.search('PINA'))).toEqual(['v3', 'v10', 'v9']);
    expect(ids(index.search('maría'))).toEqual(['v6']);
    expect(ids(index.search('MARIA'))).toEqual(['v6']);
  });

  it('needs every word, in any order', () => {
    expect(ids(index.search('café grano'))).toEqual(['v2']);
    expect(ids(index.search('grano café'))).toEqual(['v2']);
    expect(index.search('café chocolate')).toEqual([]);
  });

  it('finds fragments: the start of any word, or inside one', () => {
    expect(index.search('moli')).toMatchObject([{ variantId: 'v1', rank: 2 }]);
    expect(index.search('lido')).toMatchObject([{ variantId: 'v1', rank: 3 }]);
    expect(index.search('gall choc')).toMatchObject([{ variantId: 'v7', rank: 2 }]);
    // "dry-fit" is two words, whichever way it is typed.
    expect(ids(index.search('dry fit'))).toEqual(['v12']);
    expect(ids(index.search('dry-fit'))).toEqual(['v12']);
  });

  it('forgives one slip in a word of four letters or more', () => {
    expect(index.search('chocolte')).toMatchObject([
      { variantId: 'v5', rank: 4 },
      { variantId: 'v7', rank: 4 },
    ]);
    expect(index.search('galetas maria')).toMatchObject([{ variantId: 'v6', rank: 4 }]);
    expect(ids(index.search('glaletas'))).toEqual(['v6', 'v7']);
    expect(ids(index.search('gallefas'))).toEqual(['v6', 'v7']);
    expect(ids(index.search('galletass'))).toEqual(['v6', 'v7']);
    expect(ids(index.search('cafetrea'))).toEqual(['v11']);
  });

  it('forgives two slips in long words, none in short ones, and never in numbers', () => {
    expect(ids(index.search('dezodorant'))).toEqual(['v12']);
    expect(index.search('galetaz')).toEqual([]);
    expect(index.search('sel')).toEqual([]);
    expect(ids(index.search('sal'))).toEqual(['v8']);
    expect(index.search('600')).toEqual([]);
    expect(ids(index.search('500'))).toEqual(['v1']);
  });

  it('ranks an exact code first, then code prefixes, then word starts, then the rest, then typos', () => {
    expect(index.search('7501000000028')[0]).toMatchObject({ variantId: 'v2', rank: 0 });
    expect(index.search('caf-00').map((match) => match.rank)).toEqual([1, 1]);
    expect(index.search('pina').map((match) => match.rank)).toEqual([2, 3, 4]);
    expect(index.search('cafe').map((match) => match.rank)).toEqual([2, 2, 2, 3]);
  });

  it('puts whole words before prefixes, and one typo before two', () => {
    const cafetera: CatalogEntry = { variantId: 'c1', sku: 'X-1', name: 'Cafetera de goteo', barcodes: [] };
    const cafe: CatalogEntry = { variantId: 'c2', sku: 'X-2', name: 'Café de olla', barcodes: [] };
    expect(ids(buildCatalogIndex([cafetera, cafe]).search('cafe'))).toEqual(['c2', 'c1']);
    const far: CatalogEntry = { variantId: 'd1', sku: 'Y-1', name: 'Desodorizante', barcodes: [] };
    const near: CatalogEntry = { variantId: 'd2', sku: 'Y-2', name: 'Desodoriante', barcodes: [] };
    // "desodorante" is one edit from the second name and two from the first.
    expect(buildCatalogIndex([far, near]).search('desodorante')).toMatchObject([
      { variantId: 'd2', rank: 4 },
      { variantId: 'd1', rank: 4 },
    ]);
  });

  it('keeps a typo from hiding exact matches', () => {
    // "galletas" is exact for both; "chocolate" only in the second, so it ranks alone.
    expect(index.search('galletas chocolate')).toMatchObject([{ variantId: 'v7', rank: 2 }]);
    expect(index.search('galletas chocolte')).toMatchObject([{ variantId: 'v7', rank: 4 }]);
  });

  it('finds barcodes and SKUs by prefix, in code order, and not inside', () => {
    expect(ids(index.search('75020000000'))).toEqual(['v5', 'v6']);
    expect(ids(index.search('2000000'))).toEqual(['v8']);
    expect(ids(index.search('gal-'))).toEqual(['v6', 'v7']);
    expect(index.search('0000000028')).toEqual([]);
  });

  it('looks up an exact barcode or SKU, any case, and nothing else', () => {
    expect(index.lookupCode('7501000000035')?.variantId).toBe('v4');
    expect(index.lookupCode('2000000000015')?.variantId).toBe('v8');
    expect(index.lookupCode(' cho-001 ')?.variantId).toBe('v5');
    expect(index.lookupCode('750100000003')).toBeUndefined();
    expect(index.lookupCode('chocolate')).toBeUndefined();
    expect(index.lookupCode('')).toBeUndefined();
  });

  it('answers nothing for an empty or punctuation-only query', () => {
    expect(index.search('')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search(' -- / ')).toEqual([]);
  });

  it('bounds the results, whatever limit is asked', () => {
    const many = buildCatalogIndex(
      Array.from({ length: 500 }, (_, position) => ({
        variantId: `m${position}`,
        sku: `M-${position}`,
        name: `Tornillo ${position}`,
        barcodes: [],
      })),
    );
    expect(index.search('a', 2)).toHaveLength(2);
    expect(many.search('tornillo')).toHaveLength(SEARCH_RESULTS_DEFAULT);
    expect(many.search('tornillo', 1_000)).toHaveLength(SEARCH_RESULTS_MAX);
    expect(many.search('tornillo', 0)).toHaveLength(1);
    expect(many.search('tornillo', -5)).toHaveLength(1);
    expect(many.search('tornillo', 2.9)).toHaveLength(2);
    expect(many.search('tornillo', Number.NaN)).toHaveLength(SEARCH_RESULTS_DEFAULT);
    // Catalog order within a rank and score.
    expect(ids(many.search('tornillo', 3))).toEqual(['m0', 'm1', 'm2']);
  });

  it('reads only the start of a huge query, and only its first eight words', () => {
    expect(index.search('x'.repeat(100_000))).toEqual([]);
    expect(ids(index.search(`café grano ${'z'.repeat(200)}`))).toEqual([]);
    const eightWords = 'camiseta deportiva manga corta algodón niño azul marino';
    expect(ids(index.search(eightWords))).toEqual(['v13']);
    expect(ids(index.search(`${eightWords} zzzz qqqq`))).toEqual(['v13']);
  });

  it('normalises like the index does', () => {
    expect(normalizeSearchText('Ñandú ÁRBOL')).toBe('nandu arbol');
    expect(normalizeSearchText('CAF-001')).toBe('caf-001');
    expect(normalizeSearchText('a^b`c')).toBe('abc');
    expect(searchWords('Camisa dry-fit 1/2 — Azul Rey')).toEqual([
      'camisa',
      'dry',
      'fit',
      '1',
      '2',
      'azul',
      'rey',
    ]);
  });

  it('agrees with a plain scan of every entry on rank, order of ranks and the limit', () => {
    const vocabulary = [...new Set(entries.flatMap((entry) => searchWords(entry.name)))];
    const codes = entries.flatMap((entry) => [entry.sku, ...entry.barcodes]);
    const typed = fc.oneof(
      fc.constantFrom(...vocabulary).chain((word) => slipped(word)),
      fc.constantFrom(...codes).chain((code) => fc.nat(code.length).map((cut) => code.slice(0, cut))),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.array(typed, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 8 }),
        (words, limit) => {
          const query = words.join(' ');
          const expected = scanRanks(entries, query);
          const found = index.search(query, limit);
          expect(found.length).toBe(Math.min(limit, expected.size));
          expect(new Set(ids(found)).size).toBe(found.length);
          for (const match of found) expect(match.rank).toBe(expected.get(match.variantId));
          const bestRanks = [...expected.values()].sort((left, right) => left - right).slice(0, limit);
          expect(found.map((match) => match.rank)).toEqual(bestRanks);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('answers a query over 100,000 SKUs in a few milliseconds', () => {
    const large: CatalogEntry[] = Array.from({ length: 100_000 }, (_, position) => ({
      variantId: `v${position}`,
      sku: `SKU-${String(position).padStart(6, '0')}`,
      name: `Producto ${position % 997} talla ${position % 7}`,
      barcodes: [String(7_500_000_000_000 + position)],
    }));
    const big = buildCatalogIndex(large);
    expect(big.size).toBe(100_000);
    expect(big.search('SKU-099999')[0]).toMatchObject({ variantId: 'v99999', rank: 0 });
    expect(big.search('7500000012345')[0]?.variantId).toBe('v12345');
    expect(big.lookupCode('7500000012345')?.variantId).toBe('v12345');
    const startedMs = performance.now();
    const found = big.search('producto 996 talla');
    const typo = big.search('prodcto 996 tala');
    const elapsedMs = performance.now() - startedMs;
    expect(found.length).toBe(20);
    expect(typo.length).toBe(20);
    expect(typo.every((match) => match.name.startsWith('Producto 996 talla'))).toBe(true);
    // Generous for a shared 2-core machine; the bench reports the real figure.
    expect(elapsedMs).toBeLessThan(250);
  });
});

/** A word as a hurried cashier types it: whole, cut short, or with one letter dropped or swapped. */
function slipped(word: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(word),
    fc.constant(word.toUpperCase()),
    fc.nat(word.length).map((cut) => word.slice(0, Math.max(1, cut))),
    fc.nat(Math.max(0, word.length - 1)).map((at) => word.slice(0, at) + word.slice(at + 1)),
    fc
      .nat(Math.max(0, word.length - 2))
      .map((at) => word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2)),
  );
}

/**
 * The ranks the index must give, by brute force: every code and every word of every name compared
 * with the query, with no postings, passes or early stops.
 */
function scanRanks(catalog: readonly CatalogEntry[], query: string): Map<string, number> {
  const ranks = new Map<string, number>();
  const normalized = normalizeSearchText(query).trim();
  if (normalized === '') return ranks;
  const terms = [...new Set(searchWords(query))].slice(0, 8);
  for (const entry of catalog) {
    const codes = [entry.sku, ...entry.barcodes].map(normalizeSearchText);
    if (codes.includes(normalized)) {
      ranks.set(entry.variantId, 0);
      continue;
    }
    if (codes.some((code) => code.startsWith(normalized))) {
      ranks.set(entry.variantId, 1);
      continue;
    }
    if (terms.length === 0) continue;
    const nameWords = searchWords(entry.name);
    const kinds = terms.map((term) => Math.min(...nameWords.map((word) => meetKind(term, word))));
    const worst = Math.max(...kinds);
    if (worst < Number.POSITIVE_INFINITY) ranks.set(entry.variantId, worst);
  }
  return ranks;
}

/** 2 starts the word, 3 inside it, 4 a typo of it, infinity not at all. */
function meetKind(term: string, word: string): number {
  if (word.startsWith(term)) return 2;
  if (word.includes(term)) return 3;
  const typos = /\d/.test(term) || /\d/.test(word) ? 0 : typosAllowed(term.length);
  return typos > 0 && editDistanceWithin(term, word, typos) <= typos ? 4 : Number.POSITIVE_INFINITY;
}
