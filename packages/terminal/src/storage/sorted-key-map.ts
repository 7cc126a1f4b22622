import type { TransactionChanges } from './buffered-write-transaction';
import { prefixUpperBound, type ScanRange, scanKeyBounds } from './scan-range';
import type { JsonValue } from './terminal-store';
import { assertStoreInvariant } from './terminal-store-error';

/**
 * The in-memory index behind the memory and file stores: a hash map for point reads and a sorted
 * array of keys for ranges. Inserting a new key into the sorted array is a binary search and one
 * memmove, cheap next to an fsync; `load` (used when replaying a log) defers sorting to the first
 * range read so that replaying a million keys is one sort, not a million inserts.
 *
 * Values are stored as given: the caller copies them on the way in and on the way out.
 */
export class SortedKeyMap {
  private readonly values = new Map<string, JsonValue>();
  /** Null while keys loaded in bulk are waiting to be sorted. */
  private sortedKeys: string[] | null = [];

  get size(): number {
    return this.values.size;
  }

  get(key: string): JsonValue | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  set(key: string, value: JsonValue): void {
    const isNewKey = !this.values.has(key);
    this.values.set(key, value);
    if (isNewKey && this.sortedKeys !== null) {
      this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
    }
  }

  /** Sets a key without keeping the sorted array up to date; the next range read sorts once. */
  load(key: string, value: JsonValue): void {
    if (!this.values.has(key)) {
      this.sortedKeys = null;
    }
    this.values.set(key, value);
  }

  delete(key: string): void {
    if (!this.values.delete(key) || this.sortedKeys === null) {
      return;
    }
    const index = lowerBound(this.sortedKeys, key);
    assertStoreInvariant(this.sortedKeys[index] === key, `sorted keys lost ${JSON.stringify(key)}`);
    this.sortedKeys.splice(index, 1);
  }

  /**
   * Applies a committed transaction and returns how many existing entries it replaced or deleted
   * (what became garbage in a log). Its values must already be private copies. A large
   * transaction merges its keys into the sorted array in one pass instead of one insert each.
   */
  apply(changes: TransactionChanges): number {
    const sizeBefore = this.values.size;
    if (changes.deletes.length > BULK_CHANGE_KEYS_MIN && this.sortedKeys !== null) {
      for (const key of changes.deletes) {
        this.values.delete(key);
      }
      this.sortedKeys = this.sortedKeys.filter((key) => this.values.has(key));
    } else {
      for (const key of changes.deletes) {
        this.delete(key);
      }
    }
    const deleted = sizeBefore - this.values.size;
    // One hash lookup a put: a key is new when setting it grew the map.
    const newKeys: string[] = [];
    for (const [key, value] of changes.puts) {
      const sizeBeforePut = this.values.size;
      this.values.set(key, value);
      if (this.values.size > sizeBeforePut) newKeys.push(key);
    }
    if (this.sortedKeys !== null) {
      if (newKeys.length > BULK_CHANGE_KEYS_MIN) {
        this.sortedKeys = mergeSorted(this.sortedKeys, newKeys.sort(compareKeys));
      } else {
        for (const key of newKeys) {
          this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
        }
      }
    }
    assertStoreInvariant(
      this.sortedKeys === null || this.sortedKeys.length === this.values.size,
      'sorted keys and values disagree in size after a transaction',
    );
    return deleted + changes.puts.length - newKeys.length;
  }

  /** Entries of the range in scan order, at most `limit` of them (null: all). */
  scan(range: ScanRange, limit: number | null): [string, JsonValue][] {
    const keys = this.sorted();
    const [start, end] = this.rangeBounds(keys, range);
    const count = Math.max(0, Math.min(end - start, limit ?? Number.POSITIVE_INFINITY));
    const entries: [string, JsonValue][] = new Array(count);
    for (let offset = 0; offset < count; offset += 1) {
      const key = keys[range.reverse ? end - 1 - offset : start + offset];
      assertStoreInvariant(key !== undefined, 'scan ran past the sorted keys');
      const value = this.values.get(key);
      assertStoreInvariant(value !== undefined, `sorted key ${JSON.stringify(key)} has no value`);
      entries[offset] = [key, value];
    }
    return entries;
  }

  countPrefix(prefix: string): number {
    const keys = this.sorted();
    const upper = prefixUpperBound(prefix);
    return (upper === null ? keys.length : lowerBound(keys, upper)) - lowerBound(keys, prefix);
  }

  /** Every entry in key order, for snapshots. */
  *entries(): Generator<[string, JsonValue]> {
    for (const key of this.sorted()) {
      const value = this.values.get(key);
      assertStoreInvariant(value !== undefined, `sorted key ${JSON.stringify(key)} has no value`);
      yield [key, value];
    }
  }

  private sorted(): string[] {
    if (this.sortedKeys === null) {
      this.sortedKeys = [...this.values.keys()].sort(compareKeys);
    }
    assertStoreInvariant(
      this.sortedKeys.length === this.values.size,
      'sorted keys and values disagree in size',
    );
    return this.sortedKeys;
  }

  /** The half-open index interval [start, end) of the keys in the range, before its limit. */
  private rangeBounds(keys: readonly string[], range: ScanRange): [number, number] {
    const bounds = scanKeyBounds(range);
    if (bounds === 'empty') {
      return [0, 0];
    }
    const start = bounds.lowerOpen ? upperBound(keys, bounds.lower) : lowerBound(keys, bounds.lower);
    let end = keys.length;
    if (bounds.upper !== null) {
      end = bounds.upperOpen ? lowerBound(keys, bounds.upper) : upperBound(keys, bounds.upper);
    }
    return [start, Math.max(start, end)];
  }
}

/**
 * UTF-16 code unit order, the store's key order. The same order as the default sort, which is
 * about twice as slow on strings (it converts and compares each pair generically).
 */
function compareKeys(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Above this many new or deleted keys, a transaction rebuilds the sorted array in one pass. */
const BULK_CHANGE_KEYS_MIN = 32;

function mergeSorted(left: readonly string[], right: readonly string[]): string[] {
  const merged: string[] = new Array(left.length + right.length);
  let leftIndex = 0;
  let rightIndex = 0;
  for (let index = 0; index < merged.length; index += 1) {
    const leftKey = left[leftIndex];
    const rightKey = right[rightIndex];
    if (rightKey === undefined || (leftKey !== undefined && leftKey < rightKey)) {
      merged[index] = leftKey as string;
      leftIndex += 1;
    } else {
      merged[index] = rightKey;
      rightIndex += 1;
    }
  }
  return merged;
}

/** The first index whose key is not less than `key`. */
function lowerBound(keys: readonly string[], key: string): number {
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
function upperBound(keys: readonly string[], key: string): number {
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
