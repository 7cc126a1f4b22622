import { type HeldWebLock, holdWebLock, webLocksWriterLock } from '../single-writer/web-locks-writer-lock';
import type { WriterLease } from '../single-writer/writer-lock';
import {
  type FinishableReadTransaction,
  runBufferedWork,
  type TransactionChanges,
} from './buffered-write-transaction';
import { CommittedValueCache } from './committed-value-cache';
import { ReadWriteLock } from './read-write-lock';
import { assertStoreKey, type ScanRange, scanKeyBounds, toScanRange } from './scan-range';
import type {
  JsonValue,
  ReadTransaction,
  ScanOptions,
  TerminalStore,
  WriteTransaction,
} from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * The browser's terminal store: one IndexedDB object store of string keys and JSON values (wrap it
 * with encryptValues so the values are encrypted at rest).
 *
 * An IndexedDB transaction commits on its own as soon as it has no pending request at the end of a
 * task, so it cannot stay open across the engine's own awaits (WebCrypto, timers). Writes are
 * therefore buffered (BufferedWriteTransaction, as in the other adapters) and committed in one
 * readwrite transaction with durability 'strict' (Chromium's default is 'relaxed', which can lose a
 * committed transaction in a power cut); `write` resolves on that transaction's `complete` event.
 * Reads inside a transaction use short readonly transactions, shared while the browser keeps one
 * open; what keeps them consistent is the turn-taking: this instance's read-write lock and, across
 * tabs of the same origin, a Web Lock named after the database.
 *
 * Each IndexedDB request costs the page a round trip to the storage process, so values read or
 * written once are kept in memory (CommittedValueCache) for as long as the commit token says no
 * other connection has committed since; without Web Locks there is no such guarantee and every
 * read goes to IndexedDB.
 *
 * Database layout:
 * - version 2 (2026-11): object store "commits" added, holding under "token" the token of the last
 *   commit made through this adapter; the sole writer stores one in the first commit of each turn
 *   it holds the store's Web Lock, since other tabs see the store only between its turns.
 * - version 1: object store "entries", out-of-line string keys, no indexes.
 */
export const INDEXEDDB_SCHEMA_VERSION = 2;
const OBJECT_STORE_NAME = 'entries';
const COMMITS_OBJECT_STORE_NAME = 'commits';
const COMMIT_TOKEN_KEY = 'token';
const OBJECT_STORE_NAMES = [OBJECT_STORE_NAME, COMMITS_OBJECT_STORE_NAME];
/** A tab waiting for the store's Web Lock asks the sole writer for it again after this, then less often. */
const TURN_ASK_FIRST_WAIT_MS = 50;
const TURN_ASK_WAIT_MAX_MS = 1_000;
/** How long an open may wait for other tabs to close an older version before it gives up. */
const OPEN_BLOCKED_TIMEOUT_MS = 10_000;

export interface IndexedDbStore extends TerminalStore {
  readonly databaseName: string;
  /** Takes the lease that makes this instance the database's only writer; see the class. */
  claimSoleWriter(): Promise<WriterLease | undefined>;
}

export async function openIndexedDbStore(databaseName: string): Promise<IndexedDbStore> {
  const database = await openDatabase(databaseName);
  return new BrowserIndexedDbStore(databaseName, database);
}

/**
 * Asks the browser not to evict this origin's storage under pressure; returns whether it agreed.
 * Browsers decide by their own rules (an installed PWA, site engagement, a permission prompt in
 * Firefox), so call it after a user gesture, such as activating the terminal, and show the answer.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (storage?.persist === undefined) {
    return false;
  }
  return storage.persist();
}

/** Deletes a database, for tests and for wiping a deactivated terminal. */
export function deleteIndexedDbStore(databaseName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = globalThis.indexedDB.deleteDatabase(databaseName);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${databaseName}`));
  });
}

class BrowserIndexedDbStore implements IndexedDbStore {
  private readonly lock = new ReadWriteLock();
  /** Unset without Web Locks: then nothing keeps another tab from committing between two reads. */
  private readonly cache = globalThis.navigator?.locks === undefined ? undefined : new CommittedValueCache();
  /** Makes this instance's commit tokens unique across tabs and reopenings. */
  private readonly instanceId = globalThis.crypto.randomUUID();
  private commitCount = 0;
  private closed = false;
  /**
   * Every key of the database, while this instance holds the lease of claimSoleWriter (then no
   * other instance commits): whether a key exists costs no request. Undefined without the lease.
   */
  private knownKeys: Set<string> | undefined;
  /**
   * The sole writer's hold on the store's Web Lock, kept between writes so a sale does not wait for
   * a grant; passed to other tabs when they ask for a turn (turnsWanted) and asked for again.
   */
  private turn: HeldWebLock | undefined;
  /** Where tabs waiting for a turn say so, and where the sole writer listens. */
  private turnsWanted: BroadcastChannel | undefined;
  /**
   * The turn in which the sole writer last stored a new commit token. Other tabs see the store only
   * between turns, so one new token a turn tells them everything changed; the writes after it in
   * the same turn leave the token alone and put nothing in the commits object store.
   */
  private turnWithNewToken: HeldWebLock | undefined;
  /** Set while the sole writer runs a write: a turn asked for meanwhile is passed when it ends. */
  private writing = false;
  private passTurnAfterWrite = false;
  /** Where this instance, when it is not the sole writer, asks for a turn. */
  private turnsWantedToSend: BroadcastChannel | undefined;
  /** Set when the browser closed the connection under us (storage cleared, another tab upgrading). */
  private closedByBrowser: string | null = null;

  constructor(
    readonly databaseName: string,
    private readonly database: IDBDatabase,
  ) {
    database.onversionchange = () => {
      // Another tab wants to upgrade or delete the database: let it, and refuse work from now on.
      this.closedByBrowser = 'another tab upgraded or deleted the database';
      database.close();
    };
    database.onclose = () => {
      this.closedByBrowser = 'the browser closed the database (storage cleared or evicted?)';
    };
  }

  async read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.lock.run('read', async () => {
      // The sole writer's own reads need no turn across tabs: nobody else can commit meanwhile.
      if (this.knownKeys !== undefined) return this.readNow(work);
      return this.acrossTabs('shared', () => this.readNow(work));
    });
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.lock.run('write', async () => {
      const knownKeys = this.knownKeys;
      if (knownKeys !== undefined) return this.writeAsSoleWriter(knownKeys, work);
      return this.acrossTabs('exclusive', () => this.writeInTurn(work));
    });
  }

  /**
   * Makes this instance the only one that may write the database, until the lease is released or
   * the tab closes (the browser then releases the Web Lock): the writer tab's engine takes it as
   * its single-writer lock (writer-lock.ts). While it holds, its cache needs no commit token read
   * per transaction, it knows every key (one request for all of them now) so a key that does not
   * exist costs no request, its reads take no Web Lock, and it keeps the store's Web Lock between
   * its writes, passing it to a tab that asks (passTurn); another instance's write is refused with
   * STORE_LOCKED. Undefined when another instance holds it (or is writing now).
   */
  async claimSoleWriter(): Promise<WriterLease | undefined> {
    this.assertOpen();
    const lease = await webLocksWriterLock(this.soleWriterLockName, requireWebLocks()).acquire();
    if (lease === undefined) return undefined;
    await this.lock.run('write', async () => {
      this.assertOpen();
      // What the cache knew may predate other instances' commits: check it once, then trust it.
      this.knownKeys = await this.readNow(async (transaction) => {
        await transaction.checkCache();
        return new Set(await transaction.allKeys());
      });
      this.turn = this.holdStoreLock();
      this.turnsWanted = new BroadcastChannel(this.storeLockName);
      this.turnsWanted.onmessage = () => this.passTurn();
    });
    return {
      release: () =>
        this.lock.run('write', async () => {
          // Under this instance's own lock: none of its transactions sees the lease half given up.
          this.giveUpTurn();
          await lease.release();
          this.knownKeys = undefined;
        }),
    };
  }

  /** Whose lease claimSoleWriter takes; the name the engine's writer lock has always had. */
  private get soleWriterLockName(): string {
    return `mostrador-terminal:${this.databaseName}`;
  }

  private async readNow<T>(work: (transaction: IndexedDbReadTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    const transaction = new IndexedDbReadTransaction(this.database, this.cache, this.knownKeys);
    try {
      return await work(transaction);
    } finally {
      transaction.finish();
    }
  }

  private async writeInTurn<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    const committed = new IndexedDbReadTransaction(this.database, this.cache, undefined);
    const { result, changes } = await runBufferedWork(committed, work);
    if (changes.puts.length > 0 || changes.deletes.length > 0) {
      this.assertOpen();
      this.commitCount += 1;
      const replacing = await committed.checkedToken();
      await this.whileNoSoleWriter(() =>
        commit(this.database, changes, {
          token: `${this.instanceId}/${this.commitCount}`,
          storesToken: true,
          replacing,
          cache: this.cache,
          knownKeys: undefined,
        }),
      );
    }
    return result;
  }

  /**
   * The sole writer's write: its reads are answered as if under the lock (nobody else commits), and
   * the exclusive Web Lock that keeps other tabs' readers from seeing half of two states is the one
   * it keeps between writes, awaited only before the commit (right after passing the turn, the
   * grant comes once the waiting tabs are done).
   */
  private async writeAsSoleWriter<T>(
    knownKeys: Set<string>,
    work: (transaction: WriteTransaction) => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    this.writing = true;
    try {
      const committed = new IndexedDbReadTransaction(this.database, this.cache, knownKeys);
      const { result, changes } = await runBufferedWork(committed, work);
      if (changes.puts.length > 0 || changes.deletes.length > 0) {
        this.turn ??= this.holdStoreLock();
        const turn = this.turn;
        await turn.granted;
        this.assertOpen();
        // Its cache is exact whether or not this write read anything.
        const replacing = this.cache?.currentToken() ?? null;
        const keepsToken = this.turnWithNewToken === turn && replacing !== null;
        if (!keepsToken) this.commitCount += 1;
        await commit(this.database, changes, {
          token: keepsToken ? replacing : `${this.instanceId}/${this.commitCount}`,
          storesToken: !keepsToken,
          replacing,
          cache: this.cache,
          knownKeys,
        });
        this.turnWithNewToken = turn;
      }
      return result;
    } finally {
      this.writing = false;
      if (this.passTurnAfterWrite) this.passTurn();
    }
  }

  /**
   * Lets the tabs waiting for the store's Web Lock have it, and asks for it again behind them; a
   * write in progress keeps it until it ends (its commit must happen under the lock).
   */
  private passTurn(): void {
    if (this.knownKeys === undefined || this.turn === undefined) return;
    if (this.writing) {
      this.passTurnAfterWrite = true;
      return;
    }
    this.passTurnAfterWrite = false;
    this.turn.release();
    this.turn = this.holdStoreLock();
  }

  private giveUpTurn(): void {
    this.turnsWanted?.close();
    this.turnsWanted = undefined;
    this.turn?.release();
    this.turn = undefined;
  }

  /**
   * Commits a write of an instance that is not the sole writer while no instance is: holding the
   * lease name shared keeps one from claiming it until the commit ends. A write that changes
   * nothing (a check at open, a read-only tab's) never gets here, so it is never refused.
   */
  private async whileNoSoleWriter<T>(work: () => Promise<T>): Promise<T> {
    const locks = globalThis.navigator?.locks;
    if (locks === undefined) return work();
    return await locks.request(this.soleWriterLockName, { mode: 'shared', ifAvailable: true }, (lock) => {
      if (lock === null) {
        throw new TerminalStoreError(
          'STORE_LOCKED',
          `${this.databaseName}: another tab holds this terminal's data for writing; only it may write`,
        );
      }
      return work();
    });
  }

  /**
   * The origin's usage and quota as the browser estimates them: every database of the origin, not
   * only this one. The quota is what the browser chooses to tell, not what it enforces: Chromium
   * reports the usage plus a fixed 10 GiB whatever the disk holds, so the real limit shows only as a
   * write refused with QUOTA_EXCEEDED (indexeddb-store.browser.test.ts shows both in Chromium).
   */
  async usage(): Promise<{ bytesUsed: number; bytesQuota: number | null; persistent: boolean | null }> {
    this.assertOpen();
    const storage = globalThis.navigator?.storage;
    const [estimate, persisted] = await Promise.all([storage?.estimate?.(), storage?.persisted?.()]);
    return {
      bytesUsed: estimate?.usage ?? 0,
      bytesQuota: estimate?.quota ?? null,
      persistent: persisted ?? null,
    };
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    await this.lock.run('write', async () => {
      this.closed = true;
      this.giveUpTurn();
      this.turnsWantedToSend?.close();
    });
    this.database.close();
  }

  /** Takes a Web Lock so that tabs of the same origin take turns too; without Web Locks, only this tab's turns hold. */
  private async acrossTabs<T>(mode: WebLockMode, work: () => Promise<T>): Promise<T> {
    const locks = globalThis.navigator?.locks;
    if (locks === undefined) {
      return work();
    }
    let granted = false;
    // The lock is held until the promise `work` returns settles.
    const turn = locks.request(this.storeLockName, { mode }, () => {
      granted = true;
      return work();
    });
    this.askSoleWriterForTurn(locks, () => granted).catch(() => undefined);
    return await turn;
  }

  /**
   * A sole writer in another tab holds the store's Web Lock between its writes: once this
   * instance's request is queued (a query is answered after the requests sent before it), and for
   * as long as it is still waiting, it asks that writer to pass the turn, less often as it waits.
   */
  private async askSoleWriterForTurn(locks: LockManager, granted: () => boolean): Promise<void> {
    await locks.query();
    for (
      let waitMs = TURN_ASK_FIRST_WAIT_MS;
      !granted();
      waitMs = Math.min(waitMs * 2, TURN_ASK_WAIT_MAX_MS)
    ) {
      this.turnsWantedToSend ??= new BroadcastChannel(this.storeLockName);
      this.turnsWantedToSend.postMessage('turn wanted');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /** Asks for the store's Web Lock alone, to keep between the sole writer's writes. */
  private holdStoreLock(): HeldWebLock {
    return holdWebLock(requireWebLocks(), this.storeLockName, { mode: 'exclusive' });
  }

  /** The Web Lock tabs take turns with: readers share it, a commit holds it alone. */
  private get storeLockName(): string {
    return `mostrador-terminal-store:${this.databaseName}`;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new TerminalStoreError('STORE_CLOSED', `${this.databaseName} is closed`);
    }
    if (this.closedByBrowser !== null) {
      throw new TerminalStoreError(
        'STORE_CLOSED',
        `${this.databaseName}: ${this.closedByBrowser}; open it again`,
      );
    }
  }
}

class IndexedDbReadTransaction implements FinishableReadTransaction {
  private finished = false;
  /** The readonly transaction of the last request, reused while the browser keeps it active. */
  private current: IDBTransaction | undefined;
  /** The commit token read at this transaction's first request, once the cache has checked it. */
  private cacheToken: Promise<string | null> | undefined;

  constructor(
    private readonly database: IDBDatabase,
    private readonly cache: CommittedValueCache | undefined,
    /**
     * Every key of the database when the instance is the sole writer: then the cache is exact
     * without reading the token, and a key's existence is known without a request.
     */
    private readonly knownKeys: ReadonlySet<string> | undefined,
  ) {}

  async get(key: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    assertStoreKey(key);
    if (this.knownKeys !== undefined && !this.knownKeys.has(key)) return undefined;
    const token = await this.validCacheToken();
    const cached = token === null ? undefined : this.cache?.get(key);
    if (cached !== undefined) return cached.value;
    const value = (await settle(this.request((store) => store.get(key)))) as JsonValue | undefined;
    if (this.mayRemember(token)) this.cache?.remember(key, value);
    return value;
  }

  async has(key: string): Promise<boolean> {
    this.assertOpen();
    assertStoreKey(key);
    if (this.knownKeys !== undefined) return this.knownKeys.has(key);
    const token = await this.validCacheToken();
    const cached = token === null ? undefined : this.cache?.get(key);
    if (cached !== undefined) return cached.value !== undefined;
    const found = (await settle(this.request((store) => store.count(key)))) > 0;
    // A key found has a value this read did not fetch; one not found is known to be absent.
    if (!found && this.mayRemember(token)) this.cache?.remember(key, undefined);
    return found;
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    this.assertOpen();
    const range = toScanRange(options);
    const keyRange = toKeyRange(range);
    if (keyRange === 'empty' || range.limit === 0) {
      return [];
    }
    const token = await this.validCacheToken();
    const cached = token === null ? undefined : this.cache?.scan(range);
    if (cached !== undefined) return cached;
    const entries = await this.scanRange(range, keyRange);
    if (this.mayRemember(token)) this.cache?.rememberScan(range, entries);
    return entries;
  }

  private async scanRange(
    range: ScanRange,
    keyRange: IDBKeyRange | undefined,
  ): Promise<[string, JsonValue][]> {
    const count = range.limit ?? undefined;
    const records = this.request((store) =>
      hasGetAllRecords(store)
        ? store.getAllRecords({ query: keyRange ?? null, count, direction: range.reverse ? 'prev' : 'next' })
        : undefined,
    );
    if (records !== undefined) {
      return (await settle(records)).map((record) => [
        record.primaryKey as string,
        record.value as JsonValue,
      ]);
    }
    if (range.reverse) {
      return collectBackwards(
        this.request((store) => store.openCursor(keyRange, 'prev')),
        range.limit,
      );
    }
    // Both requests run in one readonly transaction, so keys and values come from the same state.
    const [keysRequest, valuesRequest] = this.request((store) => [
      store.getAllKeys(keyRange, count),
      store.getAll(keyRange, count),
    ]);
    const [keys, values] = await Promise.all([settle(keysRequest), settle(valuesRequest)]);
    if (keys.length !== values.length) {
      throw new TerminalStoreError('STORE_FAILED', 'IndexedDB returned different numbers of keys and values');
    }
    return keys.map((key, index) => [key as string, values[index] as JsonValue]);
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    assertStoreKey(prefix);
    const keyRange = toKeyRange({ prefix, startAfter: null, limit: null, reverse: false });
    if (keyRange === 'empty') return 0;
    const token = await this.validCacheToken();
    const cached = token === null ? undefined : this.cache?.count(prefix);
    if (cached !== undefined) return cached;
    const count = await settle(this.request((store) => store.count(keyRange)));
    if (this.mayRemember(token)) this.cache?.rememberCount(prefix, count);
    return count;
  }

  /** Every key, in order: what the sole writer learns when it takes its lease. */
  async allKeys(): Promise<string[]> {
    this.assertOpen();
    return (await settle(this.request((store) => store.getAllKeys()))) as string[];
  }

  finish(): void {
    this.finished = true;
  }

  /** The commit token this transaction checked the cache against, or null if it did not. */
  checkedToken(): Promise<string | null> {
    return this.cacheToken ?? Promise.resolve(null);
  }

  /** Checks the cache against the commit token now, if this transaction has not yet. */
  async checkCache(): Promise<void> {
    await this.validCacheToken();
  }

  /**
   * Reads the commit token once per transaction, under the lock that keeps other writers out
   * until the transaction ends, and resolves to it once the cache has checked it (null: do not
   * use the cache). The sole writer reads none: nobody else commits, so its own last token holds.
   */
  private validCacheToken(): Promise<string | null> {
    const cache = this.cache;
    if (cache === undefined) return Promise.resolve(null);
    if (this.knownKeys !== undefined) {
      this.cacheToken ??= Promise.resolve(cache.currentToken());
      return this.cacheToken;
    }
    this.cacheToken ??= settle(
      this.request((store) => store.transaction.objectStore(COMMITS_OBJECT_STORE_NAME).get(COMMIT_TOKEN_KEY)),
    ).then((stored) => {
      const token = typeof stored === 'string' ? stored : null;
      return cache.validate(token) ? token : null;
    });
    return this.cacheToken;
  }

  /**
   * A value read may be kept while this transaction is still running (its lock holds) and no
   * other transaction has told the cache something newer.
   */
  private mayRemember(token: string | null): boolean {
    return !this.finished && this.cache !== undefined && this.cache.holds(token);
  }

  /**
   * Makes requests in the last readonly transaction while the browser still takes requests in it,
   * else in a new one. The browser commits a readonly transaction once a task ends with none of
   * its requests pending, so reads issued together (Promise.all) and reads that follow one another
   * quickly share it instead of setting up one each; a request on a committed or inactive one
   * throws before anything is sent, and the next transaction takes it.
   */
  private request<T>(make: (store: IDBObjectStore) => T): T {
    const current = this.current;
    if (current !== undefined) {
      try {
        return make(current.objectStore(OBJECT_STORE_NAME));
      } catch (error) {
        if (!isInactiveTransaction(error)) throw error;
      }
    }
    const transaction = this.database.transaction(OBJECT_STORE_NAMES, 'readonly');
    this.current = transaction;
    return make(transaction.objectStore(OBJECT_STORE_NAME));
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new TerminalStoreError(
        'TRANSACTION_FINISHED',
        'this transaction was used after its work finished',
      );
    }
  }
}

/**
 * getAllRecords (IndexedDB 3; Chromium 141 and later): keys and values of a range in one request,
 * in either direction, where older browsers need two requests or a cursor step per entry.
 * TypeScript's DOM types do not have it yet.
 */
interface RecordsObjectStore extends IDBObjectStore {
  getAllRecords(options: {
    query: IDBKeyRange | null;
    count?: number;
    direction: IDBCursorDirection;
  }): IDBRequest<{ key: IDBValidKey; primaryKey: IDBValidKey; value: unknown }[]>;
}

function hasGetAllRecords(store: IDBObjectStore): store is RecordsObjectStore {
  return typeof (store as Partial<RecordsObjectStore>).getAllRecords === 'function';
}

/** Readers share a Web Lock; a writer holds it alone. */
type WebLockMode = 'shared' | 'exclusive';

function requireWebLocks(): LockManager {
  const locks = globalThis.navigator?.locks;
  if (locks === undefined) {
    throw new TerminalStoreError(
      'STORE_LOCKED',
      'this browser has no Web Locks API: no tab can be the only writer',
    );
  }
  return locks;
}

function openDatabase(databaseName: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = globalThis.indexedDB.open(databaseName, INDEXEDDB_SCHEMA_VERSION);
    let timedOut = false;
    let blockedTimer: ReturnType<typeof setTimeout> | undefined;
    request.onupgradeneeded = () => {
      const database = request.result;
      if (!database.objectStoreNames.contains(OBJECT_STORE_NAME)) {
        database.createObjectStore(OBJECT_STORE_NAME);
      }
      if (!database.objectStoreNames.contains(COMMITS_OBJECT_STORE_NAME)) {
        database.createObjectStore(COMMITS_OBJECT_STORE_NAME);
      }
    };
    request.onblocked = () => {
      blockedTimer = setTimeout(() => {
        timedOut = true;
        reject(
          new TerminalStoreError(
            'STORE_LOCKED',
            `${databaseName}: another tab keeps an older version open; close it and try again`,
          ),
        );
      }, OPEN_BLOCKED_TIMEOUT_MS);
    };
    request.onsuccess = () => {
      clearTimeout(blockedTimer);
      if (timedOut) {
        request.result.close();
        return;
      }
      resolve(request.result);
    };
    request.onerror = () => {
      clearTimeout(blockedTimer);
      reject(request.error ?? new Error(`could not open ${databaseName}`));
    };
  });
}

/** The IndexedDB key range of a scan: undefined for every key, 'empty' when none can match. */
function toKeyRange(range: ScanRange): IDBKeyRange | undefined | 'empty' {
  const bounds = scanKeyBounds(range);
  if (bounds === 'empty') {
    return 'empty';
  }
  if (bounds.upper === null) {
    return bounds.lower === '' && !bounds.lowerOpen
      ? undefined
      : IDBKeyRange.lowerBound(bounds.lower, bounds.lowerOpen);
  }
  return IDBKeyRange.bound(bounds.lower, bounds.upper, bounds.lowerOpen, bounds.upperOpen);
}

function collectBackwards(
  request: IDBRequest<IDBCursorWithValue | null>,
  limit: number | null,
): Promise<[string, JsonValue][]> {
  return new Promise((resolve, reject) => {
    const entries: [string, JsonValue][] = [];
    request.onsuccess = () => {
      const cursor = request.result;
      if (cursor === null) {
        resolve(entries);
        return;
      }
      entries.push([cursor.key as string, cursor.value as JsonValue]);
      if (limit !== null && entries.length >= limit) {
        resolve(entries);
        return;
      }
      cursor.continue();
    };
    request.onerror = () => reject(readFailure(request.error));
  });
}

/** A commit's token, and what the cache knew before it. */
interface CommitTokens {
  /** The token of the state after the commit: a new one, or the sole writer's own (storesToken false). */
  readonly token: string;
  /** Whether the commit stores `token`; only the sole writer, within a turn, may leave it unchanged. */
  readonly storesToken: boolean;
  /**
   * The token the write's own reads found, under the lock the write still holds, or null when it
   * read nothing: then the cache cannot tell whether another tab committed before this turn.
   */
  readonly replacing: string | null;
  readonly cache: CommittedValueCache | undefined;
  /** The sole writer's set of every key, which learns the commit's keys once it is durable. */
  readonly knownKeys: Set<string> | undefined;
}

/**
 * Applies a transaction's changes in one readwrite transaction, with a new commit token, and
 * resolves when it has committed durably; then the cache learns the changes, on top of what it
 * knew if the write checked that nobody else committed, else alone.
 */
function commit(database: IDBDatabase, changes: TransactionChanges, tokens: CommitTokens): Promise<void> {
  const { token, storesToken, replacing, cache, knownKeys } = tokens;
  return new Promise((resolve, reject) => {
    let transaction: IDBTransaction | undefined;
    try {
      transaction = database.transaction(
        storesToken ? OBJECT_STORE_NAMES : [OBJECT_STORE_NAME],
        'readwrite',
        {
          durability: 'strict',
        },
      );
      const started = transaction;
      started.oncomplete = () => {
        if (cache !== undefined) {
          if (!cache.holds(replacing)) cache.forget();
          cache.applyCommit(changes, token);
        }
        if (knownKeys !== undefined) {
          for (const key of changes.deletes) knownKeys.delete(key);
          for (const [key] of changes.puts) knownKeys.add(key);
        }
        resolve();
      };
      started.onabort = () => {
        cache?.forget();
        reject(writeFailure(started.error));
      };
      if (storesToken) started.objectStore(COMMITS_OBJECT_STORE_NAME).put(token, COMMIT_TOKEN_KEY);
      const store = started.objectStore(OBJECT_STORE_NAME);
      for (const key of changes.deletes) {
        store.delete(key);
      }
      for (const [key, value] of changes.puts) {
        store.put(value, key);
      }
    } catch (error) {
      // Nothing of an aborted transaction is applied; the rejection names the first cause.
      cache?.forget();
      reject(writeFailure(error));
      try {
        transaction?.abort();
      } catch {
        // The transaction was never started or has already finished.
      }
    }
  });
}

/** What a request on a transaction that can no longer take one throws: nothing was sent. */
function isInactiveTransaction(error: unknown): boolean {
  return (
    error instanceof DOMException &&
    (error.name === 'TransactionInactiveError' || error.name === 'InvalidStateError')
  );
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(readFailure(request.error));
  });
}

function readFailure(cause: unknown): TerminalStoreError {
  return new TerminalStoreError('STORE_FAILED', `an IndexedDB read failed: ${describeCause(cause)}`, {
    cause,
  });
}

function writeFailure(cause: unknown): TerminalStoreError {
  if (cause instanceof DOMException && cause.name === 'QuotaExceededError') {
    return new TerminalStoreError(
      'QUOTA_EXCEEDED',
      'the browser refused the write for lack of storage quota',
      {
        cause,
      },
    );
  }
  return new TerminalStoreError(
    'WRITE_FAILED',
    `an IndexedDB write aborted before committing: ${describeCause(cause)}`,
    {
      cause,
    },
  );
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
