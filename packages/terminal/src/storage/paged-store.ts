import { VALUE_BYTES_MAX } from './buffered-write-transaction';
import { checkJsonValue } from './json-value';
import {
  assertStoreKey,
  compareKeys,
  countWithChanges,
  type KeyBounds,
  prefixUpperBound,
  type ScanRange,
  scanKeyBounds,
  scanVisible,
  scanWithChanges,
  toScanRange,
} from './scan-range';
import { lowerBound, upperBound } from './sorted-key-list';
import type {
  JsonValue,
  ReadTransaction,
  ScanOptions,
  TerminalStore,
  WriteTransaction,
} from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * Keeps the records under some key prefixes in pages: sorted runs of a few hundred records stored
 * as one value each, so a store that pays per value (the browser's, where every value is sealed
 * with its own WebCrypto call and put with its own IndexedDB request) pays per page instead. The
 * catalog the terminal caches (`state/`, `index/`) is hundreds of thousands of small records that
 * arrive together and change little; stored one value each, loading it took the web POS a minute.
 *
 * It is a layer like encryptValues: the same contract (terminal-store.contract.ts) holds above it,
 * keys outside the paged prefixes pass through one value each as before, and the layout below is
 * its own business:
 * - `~pages/root`: { v: 1, dir: the current directory's id or null, next: the next id to give }.
 * - `~pages/dir/<id>`: the directory, { b: bounds, p: page ids, c: record counts }. Page i holds
 *   the paged keys from b[i] (inclusive; b[0] is always "") up to b[i + 1] (exclusive), sorted.
 *   A bound is the shortest prefix of the page's first key that is still above the previous
 *   page's last key, which keeps the directory small.
 * - `~pages/page/<id>`: { k: keys, t: each value's JSON text }. Values are kept as text so that
 *   reading one record parses that record alone, a read hands out a fresh copy by construction,
 *   and a put of the same text is recognised as no change.
 *
 * Pages and directories are never changed in place: a write that changes a page stores it under a
 * new id (from `next`, which only grows) and deletes the old one, in the same transaction as the
 * new directory and root. So a page or directory id always names the same content, and what this
 * layer keeps in memory by id (decoded pages, the directory) is valid for as long as it is kept,
 * in every tab; a transaction only reads the small root to learn which directory is current.
 *
 * Keys under `~pages/` are this layer's: a caller may not use them.
 */
export const PAGED_LAYOUT_VERSION = 1;
export const PAGES_NAMESPACE = '~pages/';
const ROOT_KEY = `${PAGES_NAMESPACE}root`;
const directoryKey = (id: string) => `${PAGES_NAMESPACE}dir/${id}`;
const pageKey = (id: string) => `${PAGES_NAMESPACE}page/${id}`;

/** Records a page holds before it is split. */
export const PAGE_RECORDS_MAX = 128;
/**
 * JSON text (UTF-16 code units) a page holds before it is split, unless one record is larger. It
 * bounds what one write can rewrite: a pull page of 1,000 changes falling in 1,000 different pages
 * stays well inside a transaction's 64 MB.
 */
export const PAGE_CHARS_MAX = 32 * 1024;
/** A page left with fewer records than this after a write is merged into its right neighbour when they fit. */
const PAGE_RECORDS_MIN = PAGE_RECORDS_MAX / 4;
/**
 * Decoded pages kept in memory, as UTF-16 code units of their keys and texts: about a third of a
 * 100k-SKU catalog, enough for the stock levels, prices and items a till sells most.
 */
const PAGE_CACHE_CHARS_MAX = 48 * 1024 * 1024;
/**
 * A write that makes more pages than this (a snapshot batch, a migration) is not kept in memory:
 * it would push out the pages sales read for pages few sales need, and hold a catalog's worth of
 * garbage-collected memory during a first activation.
 */
const PAGE_CACHE_COMMIT_PAGES_MAX = 64;
/** Records moved into pages per transaction when an older store is opened. */
const MIGRATION_RECORDS_PER_TRANSACTION = 20_000;

export interface PagedStoreOptions {
  /** Key prefixes whose records are kept in pages; none may start another. */
  readonly prefixes: readonly string[];
}

/**
 * Opens the paged layer over `inner`. Records under the paged prefixes that an earlier build
 * stored one value each are moved into pages first, a bounded number per transaction, so a store
 * opened half-moved (a crash during the move) finishes the move on the next open.
 */
export async function openPagedStore(
  inner: TerminalStore,
  options: PagedStoreOptions,
): Promise<TerminalStore> {
  const layout = new PagedLayout(options.prefixes);
  const store = pagedStore(inner, layout);
  for (const prefix of layout.prefixes) {
    for (;;) {
      const moved = await inner.write(async (transaction) => {
        const legacy = await transaction.scan({ prefix, limit: MIGRATION_RECORDS_PER_TRANSACTION });
        if (legacy.length === 0) return { moved: 0, committed: undefined };
        const paged = new PagedWriteTransaction(transaction, layout);
        for (const [key, value] of legacy) {
          await paged.put(key, value);
          await transaction.delete(key);
        }
        const committed = await paged.flush();
        return { moved: legacy.length, committed };
      });
      layout.remember(moved.committed);
      if (moved.moved < MIGRATION_RECORDS_PER_TRANSACTION) break;
    }
  }
  return store;
}

function pagedStore(inner: TerminalStore, layout: PagedLayout): TerminalStore {
  return {
    read: (work) => inner.read((transaction) => work(new PagedReadTransaction(transaction, layout))),
    write: async (work) => {
      const { result, committed } = await inner.write(async (transaction) => {
        const paged = new PagedWriteTransaction(transaction, layout);
        try {
          const result = await work(paged);
          return { result, committed: await paged.flush() };
        } finally {
          paged.finish();
        }
      });
      // Only now is the write durable; the pages it made may be remembered by their ids.
      layout.remember(committed);
      return result;
    },
    usage: () => inner.usage(),
    close: () => inner.close(),
  };
}

type Directory = {
  readonly id: string | null;
  readonly bounds: readonly string[];
  readonly pages: readonly string[];
  readonly counts: readonly number[];
  readonly next: number;
};

type Page = { readonly keys: readonly string[]; readonly texts: readonly string[] };

/** What a committed write made: its directory and pages, for the caches. */
type Committed = { readonly directory: Directory; readonly pages: ReadonlyMap<string, Page> };

const EMPTY_DIRECTORY: Directory = { id: null, bounds: [], pages: [], counts: [], next: 1 };

/** Which keys are paged, and what one store instance remembers of its pages by id. */
class PagedLayout {
  readonly prefixes: readonly string[];
  private directory: Directory = EMPTY_DIRECTORY;
  private readonly pages = new Map<string, Page>();
  private pageChars = 0;

  constructor(prefixes: readonly string[]) {
    for (const prefix of prefixes) {
      assertStoreKey(prefix);
      if (prefix === '' || prefix.startsWith(PAGES_NAMESPACE) || PAGES_NAMESPACE.startsWith(prefix)) {
        throw new Error(`paged prefix ${JSON.stringify(prefix)} overlaps the layer's own keys`);
      }
      if (prefixes.some((other) => other !== prefix && prefix.startsWith(other))) {
        throw new Error(`paged prefix ${JSON.stringify(prefix)} is inside another`);
      }
    }
    this.prefixes = [...prefixes];
  }

  isPaged(key: string): boolean {
    return this.prefixes.some((prefix) => key.startsWith(prefix));
  }

  /** Whether any paged key can fall within the bounds. */
  mayHoldPaged(bounds: KeyBounds): boolean {
    return this.prefixes.some((prefix) => {
      const prefixUpper = prefixUpperBound(prefix);
      const belowUpper =
        bounds.upper === null || (bounds.upperOpen ? prefix < bounds.upper : prefix <= bounds.upper);
      return belowUpper && (prefixUpper === null || prefixUpper > bounds.lower);
    });
  }

  /** Refuses the layer's own keys to callers. */
  assertCallerKey(key: unknown): asserts key is string {
    assertStoreKey(key);
    if (key.startsWith(PAGES_NAMESPACE)) {
      throw new TerminalStoreError('KEY_INVALID', `keys under ${PAGES_NAMESPACE} belong to the paged layer`);
    }
  }

  knownDirectory(id: string): Directory | undefined {
    return this.directory.id === id ? this.directory : undefined;
  }

  rememberDirectory(directory: Directory): void {
    this.directory = directory;
  }

  knownPage(id: string): Page | undefined {
    const page = this.pages.get(id);
    if (page !== undefined) {
      // Most recently used last.
      this.pages.delete(id);
      this.pages.set(id, page);
    }
    return page;
  }

  rememberPage(id: string, page: Page): void {
    if (this.pages.has(id)) return;
    this.pages.set(id, page);
    this.pageChars += pageChars(page);
    for (const [oldestId, oldest] of this.pages) {
      if (this.pageChars <= PAGE_CACHE_CHARS_MAX) break;
      this.pages.delete(oldestId);
      this.pageChars -= pageChars(oldest);
    }
  }

  remember(committed: Committed | undefined): void {
    if (committed === undefined) return;
    this.rememberDirectory(committed.directory);
    if (committed.pages.size > PAGE_CACHE_COMMIT_PAGES_MAX) return;
    for (const [id, page] of committed.pages) this.rememberPage(id, page);
  }
}

function pageChars(page: Page): number {
  let chars = 0;
  for (let index = 0; index < page.keys.length; index += 1) {
    chars += (page.keys[index] as string).length + (page.texts[index] as string).length;
  }
  return chars;
}

/**
 * The committed pages as one transaction of the store below sees them. The directory is read
 * once per transaction; pages are read when a key needs them and kept by id.
 */
class PagedView {
  private directoryRead: Promise<Directory> | undefined;
  private readonly pageReads = new Map<string, Promise<Page>>();

  constructor(
    private readonly inner: ReadTransaction,
    private readonly layout: PagedLayout,
  ) {}

  directory(): Promise<Directory> {
    this.directoryRead ??= this.readDirectory();
    return this.directoryRead;
  }

  page(id: string): Promise<Page> {
    const known = this.layout.knownPage(id);
    if (known !== undefined) return Promise.resolve(known);
    let reading = this.pageReads.get(id);
    if (reading === undefined) {
      reading = this.inner.get(pageKey(id)).then((stored) => {
        const page = decodePage(id, stored);
        this.layout.rememberPage(id, page);
        return page;
      });
      this.pageReads.set(id, reading);
    }
    return reading;
  }

  async text(key: string): Promise<string | undefined> {
    const directory = await this.directory();
    if (directory.pages.length === 0) return undefined;
    const page = await this.page(directory.pages[pageIndexOf(directory, key)] as string);
    const index = indexOfKey(page.keys, key);
    return index < 0 ? undefined : page.texts[index];
  }

  /** Paged records in the bounds, in scan order, at most `limit` of them. */
  async scan(bounds: KeyBounds, reverse: boolean, limit: number | null): Promise<[string, string][]> {
    const directory = await this.directory();
    const found: [string, string][] = [];
    const pageCount = directory.pages.length;
    if (pageCount === 0) return found;
    const first = pageIndexOf(directory, bounds.lower);
    const last = bounds.upper === null ? pageCount - 1 : pageIndexOf(directory, bounds.upper);
    for (let step = 0; step <= last - first; step += 1) {
      const pageIndex = reverse ? last - step : first + step;
      const page = await this.page(directory.pages[pageIndex] as string);
      const keys = page.keys;
      for (let offset = 0; offset < keys.length; offset += 1) {
        const index = reverse ? keys.length - 1 - offset : offset;
        const key = keys[index] as string;
        if (!isWithin(key, bounds)) continue;
        found.push([key, page.texts[index] as string]);
        if (limit !== null && found.length >= limit) return found;
      }
    }
    return found;
  }

  /** Paged records from `lower` (inclusive) up to `upper` (exclusive; null: no end). */
  async count(lower: string, upper: string | null): Promise<number> {
    const directory = await this.directory();
    const pageCount = directory.pages.length;
    if (pageCount === 0) return 0;
    const bounds: KeyBounds = { lower, lowerOpen: false, upper, upperOpen: true };
    const first = pageIndexOf(directory, lower);
    const last = upper === null ? pageCount - 1 : pageIndexOf(directory, upper);
    let count = 0;
    for (let index = first; index <= last; index += 1) {
      const pageLower = index === 0 ? '' : (directory.bounds[index] as string);
      const pageUpper = index + 1 < pageCount ? (directory.bounds[index + 1] as string) : null;
      const inside = pageLower >= lower && (upper === null || (pageUpper !== null && pageUpper <= upper));
      if (inside) {
        count += directory.counts[index] as number;
        continue;
      }
      const page = await this.page(directory.pages[index] as string);
      for (const key of page.keys) if (isWithin(key, bounds)) count += 1;
    }
    return count;
  }

  private async readDirectory(): Promise<Directory> {
    const root = await this.inner.get(ROOT_KEY);
    if (root === undefined) return EMPTY_DIRECTORY;
    const { id, next } = decodeRoot(root);
    if (id === null) return { ...EMPTY_DIRECTORY, next };
    const known = this.layout.knownDirectory(id);
    if (known !== undefined) return known;
    const directory = decodeDirectory(id, next, await this.inner.get(directoryKey(id)));
    this.layout.rememberDirectory(directory);
    return directory;
  }
}

class PagedReadTransaction implements ReadTransaction {
  private readonly view: PagedView;

  constructor(
    private readonly inner: ReadTransaction,
    private readonly layout: PagedLayout,
  ) {
    this.view = new PagedView(inner, layout);
  }

  async get(key: string): Promise<JsonValue | undefined> {
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.get(key);
    const text = await this.view.text(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async has(key: string): Promise<boolean> {
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.has(key);
    return (await this.view.text(key)) !== undefined;
  }

  scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    const range = toScanRange(options);
    return scanBothParts(range, this.layout, this.inner, (bounds, limit) =>
      this.view.scan(bounds, range.reverse, limit),
    );
  }

  count(prefix: string): Promise<number> {
    assertStoreKey(prefix);
    return countBothParts(prefix, this.layout, this.inner, (lower, upper) => this.view.count(lower, upper));
  }
}

/**
 * A write whose paged records are buffered as JSON text until the work is done, and then written
 * as whole pages (flush); keys outside the paged prefixes go to the transaction below at once.
 */
class PagedWriteTransaction implements WriteTransaction {
  /** This write's paged changes: JSON text, or null for a delete. */
  private readonly changes = new Map<string, string | null>();
  private readonly view: PagedView;
  private finished = false;

  constructor(
    private readonly inner: WriteTransaction,
    private readonly layout: PagedLayout,
  ) {
    // The pages below change only in flush, so until then the view reads the committed state.
    this.view = new PagedView(inner, layout);
  }

  async get(key: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.get(key);
    const text = await this.text(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async has(key: string): Promise<boolean> {
    this.assertOpen();
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.has(key);
    return (await this.text(key)) !== undefined;
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    this.assertOpen();
    const range = toScanRange(options);
    return scanBothParts(range, this.layout, this.inner, (bounds, limit) => {
      const changed: [string, string | undefined][] = [];
      for (const [key, text] of this.changes)
        if (isWithin(key, bounds)) changed.push([key, text ?? undefined]);
      return scanWithChanges(changed, limit, range.reverse, (belowLimit) =>
        this.view.scan(bounds, range.reverse, belowLimit),
      );
    });
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    assertStoreKey(prefix);
    return countBothParts(prefix, this.layout, this.inner, (lower, upper) => {
      const bounds: KeyBounds = { lower, lowerOpen: false, upper, upperOpen: true };
      const changed: [string, boolean][] = [];
      for (const [key, text] of this.changes) if (isWithin(key, bounds)) changed.push([key, text !== null]);
      return countWithChanges(
        changed,
        () => this.view.count(lower, upper),
        async (key) => (await this.view.text(key)) !== undefined,
      );
    });
  }

  async put(key: string, value: JsonValue): Promise<void> {
    this.assertOpen();
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.put(key, value);
    const approximateBytes = checkJsonValue(value);
    if (approximateBytes > VALUE_BYTES_MAX) {
      throw new TerminalStoreError(
        'TOO_LARGE',
        `the value of ${JSON.stringify(key)} is about ${approximateBytes} bytes; the limit is ${VALUE_BYTES_MAX}`,
      );
    }
    this.changes.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    this.layout.assertCallerKey(key);
    if (!this.layout.isPaged(key)) return this.inner.delete(key);
    this.changes.set(key, null);
  }

  /**
   * Writes the pages the buffered changes touch, each under a new id, and the directory and root
   * that name them. Changes that leave a page as it was (a put of the text already there, a delete
   * of a missing key) write nothing.
   */
  async flush(): Promise<Committed | undefined> {
    this.assertOpen();
    if (this.changes.size === 0) return undefined;
    const directory = await this.view.directory();
    const keys = [...this.changes.keys()].sort(compareKeys);
    const rewritten = new Map<number, Page[]>();
    let start = 0;
    while (start < keys.length) {
      const pageIndex = directory.pages.length === 0 ? -1 : pageIndexOf(directory, keys[start] as string);
      const nextBound = pageIndex < 0 ? undefined : directory.bounds[pageIndex + 1];
      let end = start + 1;
      while (end < keys.length && (nextBound === undefined || (keys[end] as string) < nextBound)) end += 1;
      const page = pageIndex < 0 ? EMPTY_PAGE : await this.view.page(directory.pages[pageIndex] as string);
      const merged = mergeChanges(page, keys.slice(start, end), this.changes);
      if (merged !== null) rewritten.set(pageIndex, splitPage(merged));
      start = end;
    }
    if (rewritten.size === 0) return undefined;
    return this.writePages(directory, rewritten);
  }

  finish(): void {
    this.finished = true;
    this.changes.clear();
  }

  private async text(key: string): Promise<string | undefined> {
    const changed = this.changes.get(key);
    if (changed !== undefined) return changed ?? undefined;
    return this.view.text(key);
  }

  /** Replaces the rewritten pages in the directory, merges pages left small, and stores it all. */
  private async writePages(directory: Directory, rewritten: ReadonlyMap<number, Page[]>): Promise<Committed> {
    type Slot = { bound: string; id: string | null; page: Page | null; count: number };
    const slots: Slot[] = [];
    const removed: string[] = [];
    const oldPages = directory.pages.length === 0 ? [-1] : directory.pages.map((_, index) => index);
    for (const index of oldPages) {
      const replacement = rewritten.get(index);
      const oldId = index < 0 ? undefined : directory.pages[index];
      if (replacement === undefined) {
        slots.push({
          bound: directory.bounds[index] as string,
          id: oldId as string,
          page: null,
          count: directory.counts[index] as number,
        });
        continue;
      }
      if (oldId !== undefined) removed.push(oldId);
      replacement.forEach((page, chunk) => {
        const previous = chunk === 0 ? undefined : replacement[chunk - 1];
        const bound =
          previous === undefined
            ? index < 0
              ? ''
              : (directory.bounds[index] as string)
            : separator(previous.keys.at(-1) as string, page.keys[0] as string);
        slots.push({ bound, id: null, page, count: page.keys.length });
      });
    }
    // A small page this write made takes in its right neighbour when both fit in one page.
    for (let index = 0; index + 1 < slots.length; index += 1) {
      const slot = slots[index] as Slot;
      const right = slots[index + 1] as Slot;
      if (
        slot.page === null ||
        slot.count >= PAGE_RECORDS_MIN ||
        slot.count + right.count > PAGE_RECORDS_MAX
      ) {
        continue;
      }
      const rightPage = right.page ?? (await this.view.page(right.id as string));
      const joined = joinPages(slot.page, rightPage);
      if (pageChars(joined) > PAGE_CHARS_MAX) continue;
      if (right.id !== null) removed.push(right.id);
      slots.splice(index, 2, { bound: slot.bound, id: null, page: joined, count: joined.keys.length });
      index -= 1;
    }
    if (slots.length > 0) (slots[0] as Slot).bound = '';

    let next = directory.next;
    const made = new Map<string, Page>();
    for (const slot of slots) {
      if (slot.page === null) continue;
      slot.id = (next++).toString(36);
      made.set(slot.id, slot.page);
      await this.inner.put(pageKey(slot.id), { k: [...slot.page.keys], t: [...slot.page.texts] });
    }
    for (const id of removed) await this.inner.delete(pageKey(id));
    const id = (next++).toString(36);
    const written: Directory = {
      id,
      bounds: slots.map((slot) => slot.bound),
      pages: slots.map((slot) => slot.id as string),
      counts: slots.map((slot) => slot.count),
      next,
    };
    await this.inner.put(directoryKey(id), {
      b: [...written.bounds],
      p: [...written.pages],
      c: [...written.counts],
    });
    if (directory.id !== null) await this.inner.delete(directoryKey(directory.id));
    await this.inner.put(ROOT_KEY, { v: PAGED_LAYOUT_VERSION, dir: id, next });
    return { directory: written, pages: made };
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new TerminalStoreError(
        'TRANSACTION_FINISHED',
        'this write transaction was used after its work finished',
      );
    }
  }
}

const EMPTY_PAGE: Page = { keys: [], texts: [] };

/** The page with the changes to its keys applied, or null when they change nothing. */
function mergeChanges(
  page: Page,
  changedKeys: readonly string[],
  changes: ReadonlyMap<string, string | null>,
): Page | null {
  const keys: string[] = [];
  const texts: string[] = [];
  let changed = false;
  let at = 0;
  for (const key of changedKeys) {
    while (at < page.keys.length && (page.keys[at] as string) < key) {
      keys.push(page.keys[at] as string);
      texts.push(page.texts[at] as string);
      at += 1;
    }
    const existing = page.keys[at] === key ? (page.texts[at] as string) : undefined;
    if (existing !== undefined) at += 1;
    const text = changes.get(key) ?? null;
    if (text !== null) {
      keys.push(key);
      texts.push(text);
    }
    if (text !== (existing ?? null)) changed = true;
  }
  if (!changed) return null;
  for (; at < page.keys.length; at += 1) {
    keys.push(page.keys[at] as string);
    texts.push(page.texts[at] as string);
  }
  return { keys, texts };
}

/** Cuts a page into pages of equal size within the limits (none, if it is empty). */
function splitPage(page: Page): Page[] {
  const count = page.keys.length;
  if (count === 0) return [];
  const pieces = Math.max(Math.ceil(count / PAGE_RECORDS_MAX), Math.ceil(pageChars(page) / PAGE_CHARS_MAX));
  if (pieces === 1) return [page];
  const pages: Page[] = [];
  let start = 0;
  for (let piece = 0; piece < pieces && start < count; piece += 1) {
    const end = Math.max(start + 1, Math.round(((piece + 1) * count) / pieces));
    pages.push({ keys: page.keys.slice(start, end), texts: page.texts.slice(start, end) });
    start = end;
  }
  return pages;
}

function joinPages(left: Page, right: Page): Page {
  return { keys: [...left.keys, ...right.keys], texts: [...left.texts, ...right.texts] };
}

/** The shortest prefix of `first` that sorts after `previousLast` (which sorts before `first`). */
function separator(previousLast: string, first: string): string {
  let common = 0;
  while (common < previousLast.length && previousLast[common] === first[common]) common += 1;
  return first.slice(0, common + 1);
}

/** The page a key belongs in: the last whose bound is at or below it (bounds[0] is ""). */
function pageIndexOf(directory: Directory, key: string): number {
  return Math.max(0, upperBound(directory.bounds, key) - 1);
}

function indexOfKey(keys: readonly string[], key: string): number {
  const index = lowerBound(keys, key);
  return keys[index] === key ? index : -1;
}

function isWithin(key: string, bounds: KeyBounds): boolean {
  if (bounds.lowerOpen ? key <= bounds.lower : key < bounds.lower) return false;
  if (bounds.upper === null) return true;
  return bounds.upperOpen ? key < bounds.upper : key <= bounds.upper;
}

/**
 * A scan over both parts of the key space, merged in scan order: the paged records (from
 * `scanPaged`) and the keys below that are neither paged nor the layer's own.
 */
async function scanBothParts(
  range: ScanRange,
  layout: PagedLayout,
  inner: ReadTransaction,
  scanPaged: (bounds: KeyBounds, limit: number | null) => Promise<[string, string][]>,
): Promise<[string, JsonValue][]> {
  const bounds = scanKeyBounds(range);
  if (bounds === 'empty' || range.limit === 0 || range.prefix.startsWith(PAGES_NAMESPACE)) return [];
  const paged = layout.prefixes.some((prefix) => range.prefix.startsWith(prefix));
  const [pagedEntries, plainEntries] = await Promise.all([
    layout.mayHoldPaged(bounds) ? scanPaged(bounds, range.limit) : Promise.resolve([]),
    paged ? Promise.resolve([]) : scanPlain(range, layout, inner),
  ]);
  const decoded = pagedEntries.map(([key, text]): [string, JsonValue] => [key, JSON.parse(text)]);
  if (plainEntries.length === 0) return decoded;
  if (decoded.length === 0) return plainEntries;
  const merged = [...plainEntries, ...decoded];
  merged.sort(([left], [right]) => (range.reverse ? compareKeys(right, left) : compareKeys(left, right)));
  return range.limit === null ? merged : merged.slice(0, range.limit);
}

/** The scan's keys below that are neither paged nor the layer's own, up to its limit. */
function scanPlain(
  range: ScanRange,
  layout: PagedLayout,
  inner: ReadTransaction,
): Promise<[string, JsonValue][]> {
  return scanVisible(inner, range, (key) => key.startsWith(PAGES_NAMESPACE) || layout.isPaged(key));
}

async function countBothParts(
  prefix: string,
  layout: PagedLayout,
  inner: ReadTransaction,
  countPaged: (lower: string, upper: string | null) => Promise<number>,
): Promise<number> {
  if (prefix.startsWith(PAGES_NAMESPACE)) return 0;
  const upper = prefixUpperBound(prefix);
  if (layout.prefixes.some((paged) => prefix.startsWith(paged))) return countPaged(prefix, upper);
  // The keys below, less those that are not the caller's: the layer's own and any paged prefix's.
  const hiddenPrefixes = [PAGES_NAMESPACE, ...layout.prefixes].filter((hidden) => hidden.startsWith(prefix));
  const mayHoldPaged = layout.mayHoldPaged({ lower: prefix, lowerOpen: false, upper, upperOpen: true });
  const [paged, all, ...hidden] = await Promise.all([
    mayHoldPaged ? countPaged(prefix, upper) : 0,
    inner.count(prefix),
    ...hiddenPrefixes.map((hiddenPrefix) => inner.count(hiddenPrefix)),
  ]);
  return (paged as number) + (all as number) - hidden.reduce((sum, count) => sum + count, 0);
}

function decodeRoot(stored: JsonValue): { id: string | null; next: number } {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    if (typeof stored.v === 'number' && stored.v > PAGED_LAYOUT_VERSION) {
      throw new TerminalStoreError(
        'FORMAT_UNSUPPORTED',
        `the store's pages are layout ${stored.v}; this build reads up to ${PAGED_LAYOUT_VERSION}`,
      );
    }
    const { dir, next } = stored;
    if ((dir === null || typeof dir === 'string') && typeof next === 'number' && Number.isSafeInteger(next)) {
      return { id: dir, next };
    }
  }
  throw corrupt('its page root is malformed');
}

function decodeDirectory(id: string, next: number, stored: JsonValue | undefined): Directory {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const { b, p, c } = stored;
    if (
      isStringArray(b) &&
      isStringArray(p) &&
      Array.isArray(c) &&
      c.every((count) => typeof count === 'number') &&
      b.length === p.length &&
      c.length === p.length
    ) {
      return { id, bounds: b, pages: p, counts: c as number[], next };
    }
  }
  throw corrupt(`its page directory ${id} is missing or malformed`);
}

function decodePage(id: string, stored: JsonValue | undefined): Page {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const { k, t } = stored;
    if (isStringArray(k) && isStringArray(t) && k.length === t.length) return { keys: k, texts: t };
  }
  throw corrupt(`its page ${id} is missing or malformed`);
}

function isStringArray(value: JsonValue | undefined): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function corrupt(problem: string): TerminalStoreError {
  return new TerminalStoreError('STORE_FAILED', `the store is damaged: ${problem}`);
}
