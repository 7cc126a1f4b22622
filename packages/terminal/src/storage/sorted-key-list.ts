import { assertStoreInvariant } from './terminal-store-error';

/** A chunk that grows past this many keys splits in two. */
export const SORTED_KEY_CHUNK_KEYS_MAX = 1024;
/** Chunks built in bulk (a merge, a sort) hold this many keys, leaving room to insert into. */
const CHUNK_KEYS_BUILT = SORTED_KEY_CHUNK_KEYS_MAX / 2;

/** A place between two keys: before the key at `offset` of chunk `chunk`, or the end (chunks.length, 0). */
export interface KeyPosition {
  readonly chunk: number;
  readonly offset: number;
}

/**
 * A set of distinct keys in UTF-16 code unit order, kept as a list of sorted chunks of at most
 * SORTED_KEY_CHUNK_KEYS_MAX keys. Inserting or deleting one key moves at most a chunk's worth of
 * keys (plus, when a chunk splits or empties, the chunk list), so a sale's commit costs the same
 * in a store of a hundred keys as in one of a million; a flat sorted array moved half the store
 * each time. Large batches are merged in one pass instead.
 *
 * No chunk is ever empty, so every position other than the end names an existing key.
 */
export class SortedKeyList {
  private chunks: string[][] = [];
  private keyCount = 0;

  constructor(private readonly chunkKeysMax: number = SORTED_KEY_CHUNK_KEYS_MAX) {
    assertStoreInvariant(chunkKeysMax >= 2, 'a chunk must hold at least two keys to split');
  }

  /** Builds the list from keys already sorted and distinct. */
  static fromSorted(
    keys: readonly string[],
    chunkKeysMax: number = SORTED_KEY_CHUNK_KEYS_MAX,
  ): SortedKeyList {
    const list = new SortedKeyList(chunkKeysMax);
    list.chunks = chunked(keys, list.builtChunkKeys());
    list.keyCount = keys.length;
    return list;
  }

  get size(): number {
    return this.keyCount;
  }

  /** Inserts a key that is not in the list yet. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.keyCount = 1;
      return;
    }
    // A key past every chunk's last key goes to the end of the last chunk.
    const chunkIndex = Math.min(this.chunkAtOrAfter(key, false), this.chunks.length - 1);
    const chunk = this.chunks[chunkIndex] as string[];
    const offset = lowerBound(chunk, key);
    assertStoreInvariant(chunk[offset] !== key, `the sorted keys already hold ${JSON.stringify(key)}`);
    chunk.splice(offset, 0, key);
    this.keyCount += 1;
    if (chunk.length > this.chunkKeysMax) {
      const half = chunk.length >>> 1;
      this.chunks.splice(chunkIndex + 1, 0, chunk.splice(half));
    }
  }

  /** Removes a key that is in the list. */
  remove(key: string): void {
    const position = this.lowerBound(key);
    const chunk = this.chunks[position.chunk];
    assertStoreInvariant(chunk?.[position.offset] === key, `sorted keys lost ${JSON.stringify(key)}`);
    chunk.splice(position.offset, 1);
    this.keyCount -= 1;
    if (chunk.length === 0) {
      this.chunks.splice(position.chunk, 1);
    } else if (chunk.length < this.chunkKeysMax >>> 2) {
      this.joinWithNeighbour(position.chunk);
    }
  }

  /**
   * Joins a chunk that deletes left small with a neighbour when both fit in one, so chunks stay
   * about a quarter full or more and a store that deleted most of its keys has few chunks to search.
   */
  private joinWithNeighbour(chunkIndex: number): void {
    const chunk = this.chunks[chunkIndex] as string[];
    const next = this.chunks[chunkIndex + 1];
    if (next !== undefined && chunk.length + next.length <= this.chunkKeysMax) {
      this.chunks.splice(chunkIndex, 2, chunk.concat(next));
      return;
    }
    const previous = this.chunks[chunkIndex - 1];
    if (previous !== undefined && previous.length + chunk.length <= this.chunkKeysMax) {
      this.chunks.splice(chunkIndex - 1, 2, previous.concat(chunk));
    }
  }

  /**
   * Merges keys that are sorted, distinct and not in the list yet, in one pass over the list: each
   * chunk is merged with the new keys that sort before its end, and a chunk none land in is kept.
   */
  insertSorted(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const merged: string[][] = [];
    let next = 0;
    for (let chunkIndex = 0; chunkIndex < this.chunks.length; chunkIndex += 1) {
      const chunk = this.chunks[chunkIndex] as string[];
      // The new keys up to this chunk's last key belong in it; the last chunk takes all the rest.
      let stop = keys.length;
      if (chunkIndex < this.chunks.length - 1) {
        const last = chunk[chunk.length - 1] as string;
        stop = next;
        while (stop < keys.length && (keys[stop] as string) < last) stop += 1;
      }
      if (stop === next) {
        merged.push(chunk);
      } else {
        this.pushSplit(merged, mergeSorted(chunk, keys, next, stop));
        next = stop;
      }
    }
    if (this.chunks.length === 0) this.pushSplit(merged, keys.slice());
    this.chunks = merged;
    this.keyCount += keys.length;
  }

  /** Keeps only the keys `keep` says yes to, in one pass. */
  retain(keep: (key: string) => boolean): void {
    const kept: string[][] = [];
    let keyCount = 0;
    for (const chunk of this.chunks) {
      const survivors = chunk.filter(keep);
      if (survivors.length > 0) kept.push(survivors);
      keyCount += survivors.length;
    }
    this.chunks = kept;
    this.keyCount = keyCount;
  }

  /** The position of the first key not less than `key`. */
  lowerBound(key: string): KeyPosition {
    return this.position(key, false);
  }

  /** The position of the first key greater than `key`. */
  upperBound(key: string): KeyPosition {
    return this.position(key, true);
  }

  end(): KeyPosition {
    return { chunk: this.chunks.length, offset: 0 };
  }

  /** Keys from `start` (inclusive) to `end` (exclusive). */
  countBetween(start: KeyPosition, end: KeyPosition): number {
    if (comparePositions(start, end) >= 0) return 0;
    if (start.chunk === end.chunk) return end.offset - start.offset;
    let count = (this.chunks[start.chunk] as string[]).length - start.offset + end.offset;
    for (let chunk = start.chunk + 1; chunk < end.chunk; chunk += 1) {
      count += (this.chunks[chunk] as string[]).length;
    }
    return count;
  }

  /** Up to `limit` keys between `start` and `end`, from `start` up or (reverse) from `end` down. */
  keysBetween(start: KeyPosition, end: KeyPosition, limit: number, reverse: boolean): string[] {
    const keys: string[] = [];
    if (comparePositions(start, end) >= 0 || limit <= 0) return keys;
    if (!reverse) {
      let chunk = start.chunk;
      let offset = start.offset;
      while (keys.length < limit && (chunk < end.chunk || (chunk === end.chunk && offset < end.offset))) {
        const keysOfChunk = this.chunks[chunk] as string[];
        keys.push(keysOfChunk[offset] as string);
        offset += 1;
        if (offset === keysOfChunk.length) {
          chunk += 1;
          offset = 0;
        }
      }
      return keys;
    }
    let chunk = end.chunk;
    let offset = end.offset;
    while (keys.length < limit && (chunk > start.chunk || (chunk === start.chunk && offset > start.offset))) {
      if (offset === 0) {
        chunk -= 1;
        offset = (this.chunks[chunk] as string[]).length;
      }
      offset -= 1;
      keys.push((this.chunks[chunk] as string[])[offset] as string);
    }
    return keys;
  }

  *[Symbol.iterator](): Generator<string> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** Checks the structure itself: every chunk non-empty and bounded, every key after the one before. */
  assertSorted(): void {
    let previous: string | null = null;
    let count = 0;
    for (const chunk of this.chunks) {
      assertStoreInvariant(
        chunk.length > 0 && chunk.length <= this.chunkKeysMax,
        'a chunk is empty or too large',
      );
      for (const key of chunk) {
        assertStoreInvariant(previous === null || previous < key, 'sorted keys are out of order');
        previous = key;
      }
      count += chunk.length;
    }
    assertStoreInvariant(count === this.keyCount, 'sorted keys miscounted');
  }

  private position(key: string, after: boolean): KeyPosition {
    const chunk = this.chunkAtOrAfter(key, after);
    if (chunk === this.chunks.length) return this.end();
    const keys = this.chunks[chunk] as string[];
    return { chunk, offset: after ? upperBound(keys, key) : lowerBound(keys, key) };
  }

  /**
   * The first chunk whose last key is not less than `key` (`after`: greater than `key`), which
   * holds the position sought; chunks.length when there is none.
   */
  private chunkAtOrAfter(key: string, after: boolean): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const keys = this.chunks[middle] as string[];
      const last = keys[keys.length - 1] as string;
      if (last < key || (after && last === key)) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /** Appends keys as one chunk, or as chunks of the built size when they are too many for one. */
  private pushSplit(chunks: string[][], keys: string[]): void {
    if (keys.length <= this.chunkKeysMax) {
      chunks.push(keys);
      return;
    }
    const pieces = Math.ceil(keys.length / this.builtChunkKeys());
    const pieceKeys = Math.ceil(keys.length / pieces);
    for (let start = 0; start < keys.length; start += pieceKeys) {
      chunks.push(keys.slice(start, start + pieceKeys));
    }
  }

  private builtChunkKeys(): number {
    return Math.max(1, Math.min(CHUNK_KEYS_BUILT, this.chunkKeysMax >>> 1));
  }
}

function chunked(keys: readonly string[], chunkKeys: number): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += chunkKeys) {
    chunks.push(keys.slice(start, start + chunkKeys));
  }
  return chunks;
}

/** A chunk merged with keys[start, end), which are new to it; a key in both is a broken invariant. */
function mergeSorted(
  chunk: readonly string[],
  keys: readonly string[],
  start: number,
  end: number,
): string[] {
  const merged: string[] = new Array(chunk.length + end - start);
  let chunkIndex = 0;
  let keyIndex = start;
  for (let index = 0; index < merged.length; index += 1) {
    const chunkKey = chunk[chunkIndex];
    const newKey = keys[keyIndex];
    if (keyIndex === end || (chunkKey !== undefined && (chunkKey as string) < (newKey as string))) {
      merged[index] = chunkKey as string;
      chunkIndex += 1;
    } else {
      assertStoreInvariant(chunkKey !== newKey, `the sorted keys already hold ${JSON.stringify(newKey)}`);
      merged[index] = newKey as string;
      keyIndex += 1;
    }
  }
  return merged;
}

function comparePositions(left: KeyPosition, right: KeyPosition): number {
  return left.chunk - right.chunk || left.offset - right.offset;
}

/** The first index whose key is not less than `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** The first index whose key is greater than `key`. */
export function upperBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) <= key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
