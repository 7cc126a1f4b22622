import { describe, expect, it } from 'vitest';
import { buildCatalogIndex, type CatalogEntry, normalizeSearchText } from './catalog-index';

const entries: CatalogEntry[] = [
  { variantId: 'v1', sku: 'CAF-001', name: 'Café molido 500 g', barcodes: ['7501000000011'] },
  { variantId: 'v2', sku: 'CAF-002', name: 'Café en grano 1 kg', barcodes: ['7501000000028'] },
  { variantId: 'v3', sku: 'PIN-010', name: 'Jugo de piña 1 L', barcodes: [] },
  { variantId: 'v4', sku: 'TE-100', name: 'Té verde descafeinado', barcodes: ['7501000000035'] },
];

describe('catalog search', () => {
  const index = buildCatalogIndex(entries);

  it('finds by name without accents or case', () => {
    expect(index.search('cafe').map((match) => match.variantId)).toEqual(['v1', 'v2', 'v4']);
    expect(index.search('PINA').map((match) => match.variantId)).toEqual(['v3']);
  });

  it('needs every word', () => {
    expect(index.search('café grano').map((match) => match.variantId)).toEqual(['v2']);
  });

  it('ranks an exact code first, then code prefixes, then word starts, then the rest', () => {
    expect(index.search('7501000000028')[0]).toMatchObject({ variantId: 'v2', rank: 0 });
    expect(index.search('caf-00').map((match) => match.rank)).toEqual([1, 1]);
    const ranked = index.search('cafe');
    expect(ranked.map((match) => match.rank)).toEqual([2, 2, 3]);
  });

  it('answers nothing for an empty query and bounds the results', () => {
    expect(index.search('   ')).toEqual([]);
    expect(index.search('a', 2)).toHaveLength(2);
  });

  it('normalises like the index does', () => {
    expect(normalizeSearchText('Ñandú ÁRBOL')).toBe('nandu arbol');
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
    const startedMs = performance.now();
    const found = big.search('producto 996 talla');
    const elapsedMs = performance.now() - startedMs;
    expect(found.length).toBe(20);
    // Generous for a shared 2-core machine; the bench reports the real figure.
    expect(elapsedMs).toBeLessThan(250);
  });
});
