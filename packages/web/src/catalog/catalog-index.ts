// The cashier's instant search over the local catalog: by name, SKU or barcode, fast enough on
// 100,000 SKUs to answer on every keystroke. The index is plain arrays built once from the pulled
// catalog; a query is a linear scan of pre-normalised text (a few milliseconds at 100k), with
// exact SKU and barcode hits answered from maps first.

export type CatalogEntry = {
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  readonly barcodes: readonly string[];
};

export type CatalogMatch = CatalogEntry & {
  /** 0 exact code, 1 code prefix, 2 every word starts a word of the name, 3 contains every word. */
  readonly rank: number;
};

export interface CatalogIndex {
  readonly size: number;
  search(query: string, limit?: number): CatalogMatch[];
}

export const SEARCH_RESULTS_DEFAULT = 20;
export const SEARCH_RESULTS_MAX = 200;
const QUERY_LENGTH_MAX = 100;
const QUERY_WORDS_MAX = 8;
const RANKS = 4;

/** Lower case without accents, so "cafe" finds "Café" and "PIÑA" finds "pina". */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export function buildCatalogIndex(entries: readonly CatalogEntry[]): CatalogIndex {
  const haystacks: string[] = new Array(entries.length);
  const names: string[] = new Array(entries.length);
  const byCode = new Map<string, number>();
  for (const [position, entry] of entries.entries()) {
    const name = normalizeSearchText(entry.name);
    names[position] = ` ${name}`;
    haystacks[position] = `${name} ${normalizeSearchText(entry.sku)} ${entry.barcodes.join(' ')}`;
    byCode.set(normalizeSearchText(entry.sku), position);
    for (const barcode of entry.barcodes) byCode.set(barcode, position);
  }

  return {
    size: entries.length,
    search(query, limit = SEARCH_RESULTS_DEFAULT) {
      const resultsMax = Math.min(Math.max(1, Math.floor(limit)), SEARCH_RESULTS_MAX);
      const normalized = normalizeSearchText(query.slice(0, QUERY_LENGTH_MAX)).trim();
      if (normalized === '') return [];
      const words = normalized.split(/\s+/).slice(0, QUERY_WORDS_MAX);
      const buckets: number[][] = Array.from({ length: RANKS }, () => []);
      const exact = byCode.get(normalized);
      if (exact !== undefined) buckets[0]!.push(exact);
      for (let position = 0; position < haystacks.length; position += 1) {
        if (position === exact) continue;
        const haystack = haystacks[position]!;
        if (!words.every((word) => haystack.includes(word))) continue;
        const entry = entries[position]!;
        const rank =
          normalizeSearchText(entry.sku).startsWith(normalized) ||
          entry.barcodes.some((barcode) => barcode.startsWith(normalized))
            ? 1
            : words.every((word) => names[position]!.includes(` ${word}`))
              ? 2
              : 3;
        const bucket = buckets[rank]!;
        if (bucket.length < resultsMax) bucket.push(position);
        // Better buckets are full: nothing found later can make the list.
        if (rank === 1 && bucketsFilled(buckets, 2, resultsMax)) break;
      }
      const matches: CatalogMatch[] = [];
      for (const [rank, bucket] of buckets.entries()) {
        for (const position of bucket) {
          if (matches.length >= resultsMax) return matches;
          matches.push({ ...entries[position]!, rank });
        }
      }
      return matches;
    },
  };
}

function bucketsFilled(buckets: readonly number[][], upTo: number, resultsMax: number): boolean {
  let count = 0;
  for (let rank = 0; rank < upTo; rank += 1) count += buckets[rank]!.length;
  return count >= resultsMax;
}
