import type { JsonValue, ReadTransaction, ScanOptions } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * Keys name records ("outbox/000000000042", "catalog/variant/<uuid>"); one longer than this is a
 * value stored in the wrong place.
 */
export const KEY_LENGTH_MAX = 1024;

export function assertStoreKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new TerminalStoreError('KEY_INVALID', `a key must be a string, got ${typeof key}`);
  }
  if (key.length > KEY_LENGTH_MAX) {
    throw new TerminalStoreError(
      'KEY_INVALID',
      `a key is ${key.length} code units long; the limit is ${KEY_LENGTH_MAX}`,
    );
  }
}

/** Scan options checked once at the adapter's door, so every adapter reads them the same way. */
export interface ScanRange {
  readonly prefix: string;
  readonly startAfter: string | null;
  /** Null means no limit. */
  readonly limit: number | null;
  readonly reverse: boolean;
}

export function toScanRange(options: ScanOptions): ScanRange {
  assertStoreKey(options.prefix);
  if (options.startAfter !== undefined) {
    assertStoreKey(options.startAfter);
  }
  const limit = options.limit ?? null;
  if (limit !== null && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new TerminalStoreError(
      'SCAN_OPTIONS_INVALID',
      `limit must be a non-negative integer, got ${limit}`,
    );
  }
  return {
    prefix: options.prefix,
    startAfter: options.startAfter ?? null,
    limit,
    reverse: options.reverse ?? false,
  };
}

/**
 * The smallest string greater than every string that starts with `prefix`, or null when there is
 * none (an empty prefix, or one made only of U+FFFF). Appending "\uffff" to the prefix, the usual
 * shortcut, misses keys such as prefix + "\uffff\uffff".
 */
export function prefixUpperBound(prefix: string): string | null {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) {
    end -= 1;
  }
  if (end === 0) {
    return null;
  }
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1);
}

/** A scan as one interval of keys, the form IndexedDB's IDBKeyRange takes. */
export interface KeyBounds {
  readonly lower: string;
  readonly lowerOpen: boolean;
  /** Null: no upper bound. */
  readonly upper: string | null;
  readonly upperOpen: boolean;
}

/**
 * The interval of keys a scan covers (prefix and startAfter together), or 'empty' when no key can
 * fall in it. A key is in the scan exactly when it is in this interval.
 */
export function scanKeyBounds(range: ScanRange): KeyBounds | 'empty' {
  let lower = range.prefix;
  let lowerOpen = false;
  let upper = prefixUpperBound(range.prefix);
  const upperOpen = true;
  if (range.startAfter !== null) {
    if (range.reverse) {
      if (upper === null || range.startAfter < upper) {
        upper = range.startAfter;
      }
    } else if (range.startAfter >= lower) {
      lower = range.startAfter;
      lowerOpen = true;
    }
  }
  if (upper !== null && (lower > upper || (lower === upper && (lowerOpen || upperOpen)))) {
    return 'empty';
  }
  return { lower, lowerOpen, upper, upperOpen };
}

/** Whether a key belongs to the scan, ignoring its limit. */
export function isKeyInScanRange(key: string, range: ScanRange): boolean {
  if (!key.startsWith(range.prefix)) {
    return false;
  }
  if (range.startAfter === null) {
    return true;
  }
  return range.reverse ? key < range.startAfter : key > range.startAfter;
}

/**
 * Orders keys by UTF-16 code units, the order every adapter and IndexedDB itself use: the default
 * sort's order, at about half its cost on strings (it converts and compares each pair generically).
 */
export function compareKeys(left: string, right: string): number {
  if (left === right) {
    return 0;
  }
  return left < right ? -1 : 1;
}

/**
 * A scan of the store below a layer, without the keys the layer hides from its callers (its own,
 * or those it keeps elsewhere), still filling the scan's limit: it reads on past hidden keys.
 */
export async function scanVisible(
  inner: ReadTransaction,
  range: ScanRange,
  hidden: (key: string) => boolean,
): Promise<[string, JsonValue][]> {
  const found: [string, JsonValue][] = [];
  let startAfter = range.startAfter;
  for (;;) {
    const wanted = range.limit === null ? undefined : range.limit - found.length;
    const entries = await inner.scan({
      prefix: range.prefix,
      reverse: range.reverse,
      ...(startAfter === null ? {} : { startAfter }),
      ...(wanted === undefined ? {} : { limit: wanted }),
    });
    for (const entry of entries) if (!hidden(entry[0])) found.push(entry);
    if (wanted === undefined || entries.length < wanted || found.length >= (range.limit as number)) {
      return found;
    }
    startAfter = (entries.at(-1) as [string, JsonValue])[0];
  }
}

/**
 * A scan of the state below with changes laid over it (a write's buffered changes, a journal's
 * records in force): `changed` holds the changes that fall in the scan, each a value or undefined
 * for a delete. Each change hides at most one entry below, so reading that many more than the
 * limit below is enough to fill the limit after the merge.
 */
export async function scanWithChanges<T>(
  changed: readonly (readonly [string, T | undefined])[],
  limit: number | null,
  reverse: boolean,
  scanBelow: (limit: number | null) => Promise<[string, T][]>,
): Promise<[string, T][]> {
  const below = await scanBelow(limit === null ? null : limit + changed.length);
  if (changed.length === 0) return below;
  const changedKeys = new Set(changed.map(([key]) => key));
  const merged = below.filter(([key]) => !changedKeys.has(key));
  for (const [key, value] of changed) if (value !== undefined) merged.push([key, value]);
  merged.sort(([left], [right]) => (reverse ? compareKeys(right, left) : compareKeys(left, right)));
  return limit === null ? merged : merged.slice(0, limit);
}

/**
 * A count of the keys below with changes laid over it: `changed` holds the changes under the
 * counted prefix, each a put (true) or a delete (false); whether each key exists below decides
 * whether it adds or removes one.
 */
export async function countWithChanges(
  changed: readonly (readonly [string, boolean])[],
  countBelow: () => Promise<number>,
  existsBelow: (key: string) => Promise<boolean>,
): Promise<number> {
  const [belowCount, existed] = await Promise.all([
    countBelow(),
    Promise.all(changed.map(([key]) => existsBelow(key))),
  ]);
  let count = belowCount;
  changed.forEach(([, put], index) => {
    if (!put && existed[index] === true) count -= 1;
    else if (put && existed[index] !== true) count += 1;
  });
  return count;
}
