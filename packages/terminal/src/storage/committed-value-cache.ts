import { copyJsonValue } from './json-value';
import { isKeyInScanRange, type ScanRange } from './scan-range';
import type { JsonValue } from './terminal-store';

/** Bytes of values (estimated as JSON text) the cache keeps before it drops the least recently used. */
export const CACHE_BYTES_MAX = 4 * 1024 * 1024;
/** A value larger than this is read from the store every time: one such value would crowd out many. */
export const CACHE_VALUE_BYTES_MAX = 256 * 1024;
/** A scan answering more entries than this is not kept: a scan that large is an export or a sweep. */
export const CACHE_SCAN_ENTRIES_MAX = 1_000;
/**
 * A commit changing more keys than this (a pull page, a snapshot batch) is not copied into the
 * cache: it would push out what sales read for values few sales need.
 */
export const CACHE_COMMIT_KEYS_MAX = 1_000;

/** What the store holds under a key, as last read or written: undefined when it holds nothing. */
export type CachedValue = { readonly value: JsonValue | undefined };

type Entry = { readonly value: JsonValue | undefined; readonly bytes: number };
type ScanEntry = {
  readonly range: ScanRange;
  readonly entries: [string, JsonValue][];
  readonly bytes: number;
};

/**
 * The committed values one store instance has read or written, so a value read by every sale (the
 * identity, the signed-in user, the store, the chain head) costs no request to the database
 * after the first time.
 *
 * It is only as good as the knowledge that nobody else wrote since: every commit stores a new
 * commit token beside the data, in the same transaction (the sole writer, once a turn: others read
 * only between its turns), and a transaction that wants the cache first reads the token under the
 * store's lock. The token this instance wrote last means the cache is exact (this instance applied
 * its own changes to it); any other token means another tab or an older connection committed, and
 * the cache forgets everything. Values handed out are copies, as every store read is.
 */
export class CommittedValueCache {
  private commitToken: string | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly scans = new Map<string, ScanEntry>();
  /**
   * The scans kept, by their prefix: a commit finds the scans its keys fall in by the keys'
   * prefixes, not by testing every scan (a till keeps one per variant it priced).
   */
  private readonly scansByPrefix = new Map<string, Set<string>>();
  /** Keys under a prefix; few prefixes are counted, so these are not bounded apart from the rest. */
  private readonly counts = new Map<string, number>();
  private bytes = 0;

  /** Checks the token read at a transaction's start; true when the cache may answer for it. */
  validate(storedToken: string | null): boolean {
    if (storedToken === null || storedToken !== this.commitToken) {
      this.forget();
      this.commitToken = storedToken;
    }
    return storedToken !== null;
  }

  /** The token of the state the cache speaks for, or null when it speaks for none. */
  currentToken(): string | null {
    return this.commitToken;
  }

  /** Whether the cache still speaks for the state it validated against `token`. */
  holds(token: string | null): boolean {
    return token !== null && token === this.commitToken;
  }

  get(key: string): CachedValue | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Least recently used first in the map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value === undefined ? undefined : copyJsonValue(entry.value).value };
  }

  remember(key: string, value: JsonValue | undefined): void {
    const copy = value === undefined ? { value: undefined, approximateBytes: 0 } : copyJsonValue(value);
    this.dropEntry(key);
    const bytes = key.length + copy.approximateBytes;
    if (bytes > CACHE_VALUE_BYTES_MAX) return;
    this.entries.set(key, { value: copy.value, bytes });
    this.bytes += bytes;
    this.evict();
  }

  scan(range: ScanRange): [string, JsonValue][] | undefined {
    const cached = this.scans.get(scanKey(range));
    return cached?.entries.map(([key, value]) => [key, copyJsonValue(value).value]);
  }

  rememberScan(range: ScanRange, entries: readonly (readonly [string, JsonValue])[]): void {
    if (entries.length > CACHE_SCAN_ENTRIES_MAX) return;
    let bytes = 0;
    const copies = entries.map(([key, value]): [string, JsonValue] => {
      const copy = copyJsonValue(value);
      bytes += key.length + copy.approximateBytes;
      return [key, copy.value];
    });
    if (bytes > CACHE_VALUE_BYTES_MAX) return;
    const scanId = scanKey(range);
    this.dropScan(scanId);
    this.scans.set(scanId, { range, entries: copies, bytes });
    let sharingPrefix = this.scansByPrefix.get(range.prefix);
    if (sharingPrefix === undefined) {
      sharingPrefix = new Set();
      this.scansByPrefix.set(range.prefix, sharingPrefix);
    }
    sharingPrefix.add(scanId);
    this.bytes += bytes;
    this.evict();
  }

  count(prefix: string): number | undefined {
    return this.counts.get(prefix);
  }

  rememberCount(prefix: string, count: number): void {
    this.counts.set(prefix, count);
  }

  /**
   * Applies a commit of this instance once it is durable, with the token it stored: the cache is
   * then exact again. Scans and counts a changed key belongs to are dropped rather than patched.
   */
  applyCommit(
    changes: {
      readonly puts: readonly (readonly [string, JsonValue])[];
      readonly deletes: readonly string[];
    },
    token: string,
  ): void {
    if (changes.puts.length + changes.deletes.length > CACHE_COMMIT_KEYS_MAX) {
      this.forget();
      this.commitToken = token;
      return;
    }
    for (const key of changes.deletes) this.remember(key, undefined);
    for (const [key, value] of changes.puts) this.remember(key, value);
    const changed = [...changes.deletes, ...changes.puts.map(([key]) => key)];
    for (const key of changed) {
      for (let length = 0; length <= key.length; length += 1) {
        const prefix = key.slice(0, length);
        this.counts.delete(prefix);
        for (const scanId of this.scansByPrefix.get(prefix) ?? []) {
          const scan = this.scans.get(scanId);
          if (scan !== undefined && isKeyInScanRange(key, scan.range)) this.dropScan(scanId);
        }
      }
    }
    this.commitToken = token;
  }

  /** Forgets everything: after a commit that failed, whose effect on the store is unknown. */
  forget(): void {
    this.entries.clear();
    this.scans.clear();
    this.scansByPrefix.clear();
    this.counts.clear();
    this.bytes = 0;
    this.commitToken = null;
  }

  private dropEntry(key: string): void {
    const previous = this.entries.get(key);
    if (previous === undefined) return;
    this.entries.delete(key);
    this.bytes -= previous.bytes;
  }

  private dropScan(scanId: string): void {
    const previous = this.scans.get(scanId);
    if (previous === undefined) return;
    this.scans.delete(scanId);
    const sharingPrefix = this.scansByPrefix.get(previous.range.prefix);
    sharingPrefix?.delete(scanId);
    if (sharingPrefix?.size === 0) this.scansByPrefix.delete(previous.range.prefix);
    this.bytes -= previous.bytes;
  }

  private evict(): void {
    if (this.bytes <= CACHE_BYTES_MAX) return;
    for (const key of this.entries.keys()) {
      this.dropEntry(key);
      if (this.bytes <= CACHE_BYTES_MAX) return;
    }
    for (const scanId of this.scans.keys()) {
      this.dropScan(scanId);
      if (this.bytes <= CACHE_BYTES_MAX) return;
    }
  }
}

function scanKey(range: ScanRange): string {
  return JSON.stringify([range.prefix, range.startAfter, range.limit, range.reverse]);
}
