import type { TransactionChanges } from './buffered-write-transaction';
import { compareKeys, prefixUpperBound, type ScanRange, scanKeyBounds } from './scan-range';
import { type KeyPosition, SORTED_KEY_CHUNK_KEYS_MAX, SortedKeyList } from './sorted-key-list';
import type { JsonValue } from './terminal-store';
import { assertStoreInvariant } from './terminal-store-error';

/**
 * The in-memory index behind the memory and file stores: a hash map for point reads and a chunked
 * sorted list of keys for ranges (sorted-key-list.ts), so inserting a key costs the same however
 * many keys the catalog put in the store. `load` (used when replaying a log) defers sorting to the
 * first range read so that replaying a million keys is one sort, not a million inserts.
 *
 * Values are stored as given: the caller copies them on the way in and on the way out.
 */
export class SortedKeyMap {
  private readonly values = new Map<string, JsonValue>();
  /** Null while keys loaded in bulk are waiting to be sorted. */
  private sortedKeys: SortedKeyList | null;

  constructor(private readonly chunkKeysMax: number = SORTED_KEY_CHUNK_KEYS_MAX) {
    this.sortedKeys = new SortedKeyList(chunkKeysMax);
  }

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
    const sizeBefore = this.values.size;
    this.values.set(key, value);
    if (this.values.size > sizeBefore) this.sortedKeys?.insert(key);
  }

  /** Sets a key without keeping the sorted keys up to date; the next range read sorts once. */
  load(key: string, value: JsonValue): void {
    if (!this.values.has(key)) {
      this.sortedKeys = null;
    }
    this.values.set(key, value);
  }

  delete(key: string): void {
    if (this.values.delete(key)) this.sortedKeys?.remove(key);
  }

  /**
   * Applies a committed transaction and returns how many existing entries it replaced or deleted
   * (what became garbage in a log). Its values must already be private copies. A large
   * transaction merges its keys into the sorted keys in one pass instead of one insert each.
   */
  apply(changes: TransactionChanges): number {
    const sizeBefore = this.values.size;
    if (this.sortedKeys !== null && isBulk(changes.deletes.length, sizeBefore)) {
      for (const key of changes.deletes) {
        this.values.delete(key);
      }
      if (this.values.size < sizeBefore) this.sortedKeys.retain((key) => this.values.has(key));
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
      if (isBulk(newKeys.length, this.values.size)) {
        this.sortedKeys.insertSorted(newKeys.sort(compareKeys));
      } else {
        for (const key of newKeys) {
          this.sortedKeys.insert(key);
        }
      }
    }
    assertStoreInvariant(
      this.sortedKeys === null || this.sortedKeys.size === this.values.size,
      'sorted keys and values disagree in size after a transaction',
    );
    return deleted + changes.puts.length - newKeys.length;
  }

  /** Entries of the range in scan order, at most `limit` of them (null: all). */
  scan(range: ScanRange, limit: number | null): [string, JsonValue][] {
    const keys = this.sorted();
    const [start, end] = this.rangeBounds(keys, range);
    const rangeKeys = keys.keysBetween(start, end, limit ?? Number.POSITIVE_INFINITY, range.reverse);
    const entries: [string, JsonValue][] = new Array(rangeKeys.length);
    for (let offset = 0; offset < rangeKeys.length; offset += 1) {
      const key = rangeKeys[offset] as string;
      const value = this.values.get(key);
      assertStoreInvariant(value !== undefined, `sorted key ${JSON.stringify(key)} has no value`);
      entries[offset] = [key, value];
    }
    return entries;
  }

  countPrefix(prefix: string): number {
    const keys = this.sorted();
    const upper = prefixUpperBound(prefix);
    return keys.countBetween(keys.lowerBound(prefix), upper === null ? keys.end() : keys.lowerBound(upper));
  }

  /** Every entry in key order, for snapshots. */
  *entries(): Generator<[string, JsonValue]> {
    for (const key of this.sorted()) {
      const value = this.values.get(key);
      assertStoreInvariant(value !== undefined, `sorted key ${JSON.stringify(key)} has no value`);
      yield [key, value];
    }
  }

  private sorted(): SortedKeyList {
    if (this.sortedKeys === null) {
      this.sortedKeys = SortedKeyList.fromSorted(
        [...this.values.keys()].sort(compareKeys),
        this.chunkKeysMax,
      );
    }
    assertStoreInvariant(
      this.sortedKeys.size === this.values.size,
      'sorted keys and values disagree in size',
    );
    return this.sortedKeys;
  }

  /** The positions [start, end) of the keys in the range, before its limit. */
  private rangeBounds(keys: SortedKeyList, range: ScanRange): [KeyPosition, KeyPosition] {
    const bounds = scanKeyBounds(range);
    if (bounds === 'empty') {
      return [keys.end(), keys.end()];
    }
    const start = bounds.lowerOpen ? keys.upperBound(bounds.lower) : keys.lowerBound(bounds.lower);
    let end = keys.end();
    if (bounds.upper !== null) {
      end = bounds.upperOpen ? keys.lowerBound(bounds.upper) : keys.upperBound(bounds.upper);
    }
    return [start, end];
  }
}

/**
 * Whether a transaction's new (or deleted) keys are merged in one pass over the sorted keys rather
 * than inserted one at a time. A pass touches every key while an insert touches one chunk, so it
 * pays only for a batch that is a fair share of the store: a catalog batch, never a sale.
 */
function isBulk(changedKeys: number, storeKeys: number): boolean {
  return changedKeys > BULK_CHANGE_KEYS_MIN && changedKeys * BULK_SHARE_INVERSE > storeKeys;
}

const BULK_CHANGE_KEYS_MIN = 32;
/** A batch is merged when it holds more than 1/32 of the store's keys. */
const BULK_SHARE_INVERSE = 32;
