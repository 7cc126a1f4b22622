// The cashier's instant search over the local catalog: by barcode, SKU or name, fast enough on
// 100,000 SKUs to answer on every keystroke, and forgiving of accents, case and one slip of the
// finger. Built once from the pulled catalog:
// - codes: every SKU and barcode, normalised and sorted, for exact hits and prefix hits alike;
// - words: each distinct word of the names with the entries that hold it (postings), and each entry
//   with its words. Variants repeat their product's words, so 100k SKUs have only a few thousand
//   distinct words.
// A query word is compared with the distinct words, never with the entries: it equals or starts a
// word, is inside one, or is a typo of one. The entries are reached through the words that matched,
// best kind first, and the search stops as soon as nothing still unvisited could make the list.

import { createEditDistance, typosAllowed } from './edit-distance';

export type CatalogEntry = {
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  readonly barcodes: readonly string[];
};

export type CatalogMatch = CatalogEntry & {
  /**
   * 0 exact code, 1 code prefix, 2 every word starts a word of the name, 3 every word is in the
   * name, some inside a word, 4 some word is there only with a typo.
   */
  readonly rank: number;
};

export interface CatalogIndex {
  readonly size: number;
  /** The entry an exact barcode or SKU (any case) names, as a scanner or a typed code gives it. */
  lookupCode(code: string): CatalogEntry | undefined;
  search(query: string, limit?: number): CatalogMatch[];
}

export const SEARCH_RESULTS_DEFAULT = 20;
export const SEARCH_RESULTS_MAX = 200;
const QUERY_LENGTH_MAX = 100;
const QUERY_WORDS_MAX = 8;

const RANK_EXACT_CODE = 0;
const RANK_CODE_PREFIX = 1;
const RANK_WORD_STARTS = 2;
const RANK_INSIDE_WORD = 3;
const RANK_TYPO = 4;
const RANKS = 5;

// How a query word met a word of the catalog, best first; 0 is "not at all". Summed over the query's
// words they order the matches within a rank: a whole word before a prefix, one typo before two.
const MET_EQUALS = 1;
const MET_STARTS = 2;
const MET_INSIDE = 3;
const MET_ONE_TYPO = 4;
const MET_TWO_TYPOS = 5;
const SCORES = QUERY_WORDS_MAX * MET_TWO_TYPOS + 1;

type Pass = { readonly rank: number; readonly metMin: number; readonly metMax: number };

/** The entries are reached in passes, one per rank, each through the words the leading term met so. */
const PASSES: readonly Pass[] = [
  { rank: RANK_WORD_STARTS, metMin: MET_EQUALS, metMax: MET_STARTS },
  { rank: RANK_INSIDE_WORD, metMin: MET_INSIDE, metMax: MET_INSIDE },
  { rank: RANK_TYPO, metMin: MET_ONE_TYPO, metMax: MET_TWO_TYPOS },
];

// An entry's state during one search.
const UNSEEN = 0;
const PENDING = 1;
const DONE = 2;

/** Above this share of the catalog, pending entries are found by a scan in order, not a sort. */
const SCAN_INSTEAD_OF_SORT_FRACTION = 1 / 32;

const PRINTABLE_ASCII_WITHOUT_ACCENT_MARKS = /^[\x20-\x5d\x5f\x61-\x7e]*$/;
const WORD_CHARACTER = /^[\p{L}\p{N}\p{M}]$/u;

/** Lower case without accents, so "cafe" finds "Café" and "PIÑA" finds "pina". */
export function normalizeSearchText(text: string): string {
  // Plain ASCII (every SKU and barcode, many words) has nothing to decompose.
  if (PRINTABLE_ASCII_WITHOUT_ACCENT_MARKS.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/**
 * The normalised words of a text: runs of letters and digits, so "dry-fit" and "1/2" are two
 * words each. The same cut serves names and queries, so both always agree.
 */
export function searchWords(text: string): string[] {
  return writtenWords(text)
    .map(normalizeSearchText)
    .filter((word) => word !== '');
}

/** The runs of letters and digits of a text, as written. */
function writtenWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let offset = 0; offset <= text.length; offset += 1) {
    const inWord = offset < text.length && isWordCharacter(text, offset);
    if (inWord && start < 0) start = offset;
    if (inWord || start < 0) continue;
    words.push(text.slice(start, offset));
    start = -1;
  }
  return words;
}

function isWordCharacter(text: string, offset: number): boolean {
  const code = text.charCodeAt(offset);
  if (code < 0x80)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return WORD_CHARACTER.test(text[offset]!);
}

type WordIndex = {
  /** The distinct words of every name, normalised. */
  readonly words: readonly string[];
  /** 1 where a word has a digit: numbers and sizes are never taken for typos. */
  readonly wordHasDigit: Uint8Array;
  /** The letters each word uses (letterMask), to skip most of the vocabulary before an edit distance. */
  readonly wordLetters: Int32Array;
  /** The entries holding word w, in catalog order: postings[postingStarts[w] .. postingStarts[w + 1]). */
  readonly postingStarts: Uint32Array;
  readonly postings: Uint32Array;
  /** The distinct words of entry e: entryWords[entryWordStarts[e] .. entryWordStarts[e + 1]). */
  readonly entryWordStarts: Uint32Array;
  readonly entryWords: Uint32Array;
};

type CodeIndex = {
  /** Every normalised SKU and barcode in code order (a code twice: catalog order), with its entry. */
  readonly sortedCodes: readonly string[];
  readonly sortedPositions: Uint32Array;
};

/** Working space reused by every search of one index, so a keystroke allocates little. */
type SearchScratch = {
  readonly state: Uint8Array;
  /** How the leading term met each pending entry (its best word). */
  readonly leaderMet: Uint8Array;
  readonly pending: Uint32Array;
};

export function buildCatalogIndex(entries: readonly CatalogEntry[]): CatalogIndex {
  const words = indexWords(entries);
  const codes = indexCodes(entries);
  const scratch: SearchScratch = {
    state: new Uint8Array(entries.length),
    leaderMet: new Uint8Array(entries.length),
    pending: new Uint32Array(entries.length),
  };
  return {
    size: entries.length,
    lookupCode(code) {
      const position = findExactCode(codes, normalizeSearchText(code.trim()));
      return position === undefined ? undefined : entries[position];
    },
    search(query, limit = SEARCH_RESULTS_DEFAULT) {
      const resultsMax = clampLimit(limit);
      const bounded = query.slice(0, QUERY_LENGTH_MAX);
      const normalized = normalizeSearchText(bounded).trim();
      if (normalized === '') return [];
      scratch.state.fill(UNSEEN);
      const found = new RankedPositions(resultsMax);
      findCodes(codes, normalized, scratch, found);
      if (found.countBetterThan(RANK_CODE_PREFIX + 1) < resultsMax) {
        const terms = [...new Set(searchWords(bounded))].slice(0, QUERY_WORDS_MAX);
        findWords(words, terms, scratch, found);
      }
      return found.take().map(({ position, rank }) => ({ ...entries[position]!, rank }));
    },
  };
}

function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return SEARCH_RESULTS_DEFAULT;
  return Math.min(Math.max(1, Math.floor(limit)), SEARCH_RESULTS_MAX);
}

function indexWords(entries: readonly CatalogEntry[]): WordIndex {
  // Names repeat a few thousand spellings: each is normalised and given its word once.
  const idBySpelling = new Map<string, number>();
  const idByWord = new Map<string, number>();
  const words: string[] = [];
  const wordOf = (spelling: string): number => {
    const known = idBySpelling.get(spelling);
    if (known !== undefined) return known;
    const word = normalizeSearchText(spelling);
    let id = word === '' ? -1 : idByWord.get(word);
    if (id === undefined) {
      id = words.length;
      idByWord.set(word, id);
      words.push(word);
    }
    idBySpelling.set(spelling, id);
    return id;
  };
  // The last entry each word was counted for, so a word said twice in a name counts once.
  const lastEntryOfWord: number[] = [];
  const entryWordStarts = new Uint32Array(entries.length + 1);
  const entryWordList: number[] = [];
  for (let position = 0; position < entries.length; position += 1) {
    for (const spelling of writtenWords(entries[position]!.name)) {
      const id = wordOf(spelling);
      if (id < 0 || lastEntryOfWord[id] === position) continue;
      lastEntryOfWord[id] = position;
      entryWordList.push(id);
    }
    entryWordStarts[position + 1] = entryWordList.length;
  }
  const entryWords = Uint32Array.from(entryWordList);

  // Postings by counting: entries are visited in order, so every list comes out in catalog order.
  const postingStarts = new Uint32Array(words.length + 1);
  for (const id of entryWords) postingStarts[id + 1]! += 1;
  for (let id = 0; id < words.length; id += 1) postingStarts[id + 1]! += postingStarts[id]!;
  const postings = new Uint32Array(entryWords.length);
  const filled = postingStarts.slice(0, words.length);
  for (let position = 0; position < entries.length; position += 1) {
    for (let slot = entryWordStarts[position]!; slot < entryWordStarts[position + 1]!; slot += 1) {
      const id = entryWords[slot]!;
      postings[filled[id]!] = position;
      filled[id]! += 1;
    }
  }
  const wordHasDigit = Uint8Array.from(words, (word) => (/\p{N}/u.test(word) ? 1 : 0));
  const wordLetters = Int32Array.from(words, letterMask);
  return { words, wordHasDigit, wordLetters, postingStarts, postings, entryWordStarts, entryWords };
}

/** One sorted array answers both exact codes and prefixes; it builds faster than a map beside it. */
function indexCodes(entries: readonly CatalogEntry[]): CodeIndex {
  const codes: string[] = [];
  const positions: number[] = [];
  for (let position = 0; position < entries.length; position += 1) {
    const entry = entries[position]!;
    for (const code of [entry.sku, ...entry.barcodes]) {
      const normalized = normalizeSearchText(code.trim());
      if (normalized === '') continue;
      codes.push(normalized);
      positions.push(position);
    }
  }
  // Ties keep catalog order, so a code given twice names the first entry that has it.
  const order = Array.from(codes, (_, slot) => slot).sort((left, right) => {
    const leftCode = codes[left]!;
    const rightCode = codes[right]!;
    return leftCode < rightCode ? -1 : leftCode > rightCode ? 1 : left - right;
  });
  return {
    sortedCodes: order.map((slot) => codes[slot]!),
    sortedPositions: Uint32Array.from(order, (slot) => positions[slot]!),
  };
}

function findExactCode(codes: CodeIndex, normalized: string): number | undefined {
  const slot = lowerBound(codes.sortedCodes, normalized);
  return codes.sortedCodes[slot] === normalized ? codes.sortedPositions[slot] : undefined;
}

/** The exact code and the codes it starts (ranked after it), in code order. */
function findCodes(codes: CodeIndex, normalized: string, scratch: SearchScratch, found: RankedPositions) {
  const { sortedCodes, sortedPositions } = codes;
  for (let slot = lowerBound(sortedCodes, normalized); slot < sortedCodes.length; slot += 1) {
    const code = sortedCodes[slot]!;
    if (!code.startsWith(normalized)) return;
    const position = sortedPositions[slot]!;
    if (scratch.state[position] === DONE) continue;
    scratch.state[position] = DONE;
    found.add(position, code === normalized ? RANK_EXACT_CODE : RANK_CODE_PREFIX, 0);
    // Codes outrank every name match, and a prefix's hits come in code order: the rest cannot
    // make the list. (An exact code sorts before the codes it starts.)
    if (found.countBetterThan(RANK_CODE_PREFIX + 1) >= found.resultsMax) return;
  }
}

function lowerBound(sorted: readonly string[], target: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Every term must meet some word of the name. The most selective term leads: the entries holding
 * the words it meets are checked against the other terms through their own words, pass by pass
 * (starts, inside, typo), and the search ends once no entry still unvisited could make the list.
 */
function findWords(
  index: WordIndex,
  terms: readonly string[],
  scratch: SearchScratch,
  found: RankedPositions,
) {
  if (terms.length === 0) return;
  const metByTerm = terms.map((term) => meetWords(index, term));
  const reach = metByTerm.map((met) => postingsMet(index, met));
  if (reach.some((count) => count === 0)) return;
  const leader = reach.indexOf(Math.min(...reach));
  const others = metByTerm.filter((_, term) => term !== leader);
  // However an entry meets the other terms, it cannot do better than their best words.
  const othersBest = others.map((met) => bestMetOverall(met));
  const othersScoreMin = othersBest.reduce((total, best) => total + best, 0);
  const othersWorstBest = Math.max(0, ...othersBest);
  for (const pass of PASSES) {
    const pending = collectPending(index, metByTerm[leader]!, pass, scratch);
    if (pending.count > 0) {
      const floor = {
        rank: rankOf(Math.max(pending.leaderBest, othersWorstBest)),
        score: pending.leaderBest + othersScoreMin,
      };
      if (visitPending(index, others, scratch, pending.count, floor, found)) return;
    }
    // Later passes only find worse ranks.
    if (found.countBetterThan(pass.rank + 1) >= found.resultsMax) return;
  }
}

function rankOf(worstMet: number): number {
  if (worstMet <= MET_STARTS) return RANK_WORD_STARTS;
  return worstMet === MET_INSIDE ? RANK_INSIDE_WORD : RANK_TYPO;
}

/** How a term meets each distinct word of the catalog (MET_*, 0 where it does not). */
function meetWords(index: WordIndex, term: string): Uint8Array {
  const { words, wordHasDigit, wordLetters } = index;
  const met = new Uint8Array(words.length);
  const typos = /\p{N}/u.test(term) ? 0 : typosAllowed(term.length);
  const termLetters = letterMask(term);
  const editDistanceWithin = createEditDistance();
  for (let id = 0; id < words.length; id += 1) {
    const word = words[id]!;
    if (word === term) met[id] = MET_EQUALS;
    else if (word.startsWith(term)) met[id] = MET_STARTS;
    else if (word.includes(term)) met[id] = MET_INSIDE;
    else if (
      typos > 0 &&
      wordHasDigit[id] === 0 &&
      Math.abs(word.length - term.length) <= typos &&
      lettersWithinReach(termLetters, wordLetters[id]!, typos)
    ) {
      const distance = editDistanceWithin(term, word, typos);
      if (distance <= typos) met[id] = distance === 1 ? MET_ONE_TYPO : MET_TWO_TYPOS;
    }
  }
  return met;
}

/** One bit per letter a to z a word uses; every other character shares the last bit. */
function letterMask(word: string): number {
  let mask = 0;
  for (let offset = 0; offset < word.length; offset += 1) {
    const letter = word.charCodeAt(offset) - 97;
    mask |= 1 << (letter >= 0 && letter < 26 ? letter : 26);
  }
  return mask;
}

/**
 * Each edit brings at most one letter the other word lacks and takes away at most one, so two
 * words `typos` edits apart differ by at most `typos` letters each way.
 */
function lettersWithinReach(typedLetters: number, knownLetters: number, typos: number): boolean {
  return bitCount(knownLetters & ~typedLetters) <= typos && bitCount(typedLetters & ~knownLetters) <= typos;
}

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}

/** How many entries the met words reach, an entry once per word: the term's selectivity. */
function postingsMet(index: WordIndex, met: Uint8Array): number {
  let count = 0;
  for (let id = 0; id < met.length; id += 1) {
    if (met[id] !== 0) count += index.postingStarts[id + 1]! - index.postingStarts[id]!;
  }
  return count;
}

function bestMetOverall(met: Uint8Array): number {
  let best = 0;
  for (const value of met) if (value !== 0 && (best === 0 || value < best)) best = value;
  return best;
}

/** Marks the entries not yet visited that hold a word the leading term meets in this pass. */
function collectPending(
  index: WordIndex,
  leaderMet: Uint8Array,
  pass: Pass,
  scratch: SearchScratch,
): { count: number; leaderBest: number } {
  const { state, pending } = scratch;
  let count = 0;
  let leaderBest = 0;
  for (let id = 0; id < leaderMet.length; id += 1) {
    const met = leaderMet[id]!;
    if (met < pass.metMin || met > pass.metMax) continue;
    if (leaderBest === 0 || met < leaderBest) leaderBest = met;
    for (let slot = index.postingStarts[id]!; slot < index.postingStarts[id + 1]!; slot += 1) {
      const position = index.postings[slot]!;
      if (state[position] === UNSEEN) {
        state[position] = PENDING;
        scratch.leaderMet[position] = met;
        pending[count] = position;
        count += 1;
      } else if (state[position] === PENDING && met < scratch.leaderMet[position]!) {
        scratch.leaderMet[position] = met;
      }
    }
  }
  return { count, leaderBest };
}

/**
 * Checks the pending entries in catalog order against the other terms and ranks those that pass.
 * True once the list is settled: it is full up to `floor`, the best rank and score any entry of
 * this pass can have, so nothing visited later, in this pass or after, can take a place.
 */
function visitPending(
  index: WordIndex,
  others: readonly Uint8Array[],
  scratch: SearchScratch,
  pendingCount: number,
  floor: { readonly rank: number; readonly score: number },
  found: RankedPositions,
): boolean {
  const { state, leaderMet } = scratch;
  const visit = (position: number): boolean => {
    state[position] = DONE;
    let worst = leaderMet[position]!;
    let score = worst;
    for (const met of others) {
      const best = bestMet(index, met, position);
      if (best === 0) return false;
      if (best > worst) worst = best;
      score += best;
    }
    found.add(position, rankOf(worst), score);
    return found.countUpTo(floor.rank, floor.score) >= found.resultsMax;
  };
  if (pendingCount > state.length * SCAN_INSTEAD_OF_SORT_FRACTION) {
    for (let position = 0; position < state.length; position += 1) {
      if (state[position] === PENDING && visit(position)) return true;
    }
    return false;
  }
  for (const position of scratch.pending.subarray(0, pendingCount).sort()) {
    if (visit(position)) return true;
  }
  return false;
}

function bestMet(index: WordIndex, met: Uint8Array, position: number): number {
  let best = 0;
  for (let slot = index.entryWordStarts[position]!; slot < index.entryWordStarts[position + 1]!; slot += 1) {
    const value = met[index.entryWords[slot]!]!;
    if (value !== 0 && (best === 0 || value < best)) best = value;
  }
  return best;
}

/**
 * The best `resultsMax` positions by rank, then score (lower is better), then the order they came
 * in. Each (rank, score) bucket keeps at most `resultsMax`; counts per rank are kept whole, since
 * they decide when a search may stop.
 */
class RankedPositions {
  readonly resultsMax: number;
  private readonly buckets: (number[] | undefined)[] = new Array(RANKS * SCORES);
  private readonly countByRank = new Array<number>(RANKS).fill(0);

  constructor(resultsMax: number) {
    this.resultsMax = resultsMax;
  }

  add(position: number, rank: number, score: number) {
    this.countByRank[rank]! += 1;
    const key = rank * SCORES + score;
    const bucket = this.buckets[key];
    if (bucket === undefined) this.buckets[key] = [position];
    else if (bucket.length < this.resultsMax) bucket.push(position);
  }

  countBetterThan(rank: number): number {
    let count = 0;
    for (let better = 0; better < rank; better += 1) count += this.countByRank[better]!;
    return count;
  }

  /** How many have a better rank, or this rank and a score up to this one. */
  countUpTo(rank: number, score: number): number {
    let count = this.countBetterThan(rank);
    for (let better = 0; better <= score; better += 1)
      count += this.buckets[rank * SCORES + better]?.length ?? 0;
    return count;
  }

  take(): { position: number; rank: number }[] {
    const taken: { position: number; rank: number }[] = [];
    for (const [key, bucket] of this.buckets.entries()) {
      for (const position of bucket ?? []) {
        if (taken.length >= this.resultsMax) return taken;
        taken.push({ position, rank: Math.floor(key / SCORES) });
      }
    }
    return taken;
  }
}
