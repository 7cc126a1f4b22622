import {
  browserDeviceKeyVault,
  browserStoreLayers,
  createStorageKey,
  encryptValues,
  fetchTransport,
  openIndexedDbStore,
  openTerminalEngine,
  type TerminalEngine,
  type TerminalStore,
  type Transport,
  type WriteTransaction,
} from '@mostrador/terminal';
import { emptySalesSamples, type SalesSamples } from './commit-samples';
import { saleRinger } from './sale-ringer';

/*
 * The page's script for terminal-commit-browser (bundled by terminal-commit-browser.ts): the real
 * engine on the encrypted IndexedDB store, as the web POS opens it, driven from Node through
 * `window.mostradorCommitBench`. The sales and the floor writes run here, in the page, so no
 * round trip to Node is inside a measured interval.
 */
export interface CommitBenchHarness {
  open(): Promise<void>;
  /** Activation with its first pull of the whole catalog, then the manager's PIN sign-in. */
  activate(request: ActivationDetails): Promise<{ activationMs: number }>;
  goOffline(): Promise<void>;
  /** One sale, with its writes, WebCrypto calls and IndexedDB transactions in completeSale counted. */
  anatomyOfOneSale(skus: readonly string[]): Promise<SaleAnatomy>;
  /** Sales, each followed by the two floor writes (none while warming up). */
  runSales(request: SalesRequest): Promise<SalesSamples>;
  status(): Promise<{ pendingCount: number; online: boolean; requestsSent: number }>;
}

export interface CommitBenchWindow {
  mostradorCommitBench: CommitBenchHarness;
}

export interface ActivationDetails {
  readonly tenant: string;
  readonly email: string;
  readonly password: string;
  readonly storeId: string;
  readonly pin: string;
}

export interface SalesRequest {
  readonly skus: readonly string[];
  readonly count: number;
  /**
   * The sizes (key and sealed JSON) of the values one sale's transaction puts: the floor writes
   * their sum as one value, the second floor writes them as they are. Empty for warm-up sales
   * with no floor write in between.
   */
  readonly valueBytes: readonly number[];
}

export type { SalesSamples } from './commit-samples';

export type SaleAnatomy = {
  /** Keys the sale's write transaction put, and the bytes it handed IndexedDB (keys + sealed JSON). */
  readonly keysPut: number;
  readonly keysDeleted: number;
  readonly bytesWritten: number;
  /** Each put's key and sealed JSON, in the order the sale put them. */
  readonly valueBytes: number[];
  /** During completeSale as a whole (its reads before the write included). */
  readonly encryptCalls: number;
  readonly decryptCalls: number;
  readonly signCalls: number;
  readonly readonlyTransactions: number;
  readonly readwriteTransactions: number;
  /** IndexedDB read requests (get, count, getAll…): the storage process answers them one by one. */
  readonly readRequests: number;
  /**
   * Every call counted here, in order, with when it was made (ms after completeSale began) and,
   * for a read, what it asked for: where the sale's time goes between the lock and the commit.
   */
  readonly timeline: { readonly what: string; readonly atMs: number }[];
  /** Web Locks taken: each store read or write takes one, so tabs take turns. */
  readonly webLocks: number;
};

const TERMINAL_DATABASE = 'mostrador-bench-terminal';
const DEVICE_KEY_DATABASE = 'mostrador-bench-device-key';
const FLOOR_DATABASE = 'mostrador-bench-floor';
const FLOOR_OBJECT_STORE = 'entries';
const REQUEST_TIMEOUT_MS = 60_000;

/** The link to the server, which the benchmark cuts before measuring; it counts what was sent. */
interface Link {
  online: boolean;
  requestsSent: number;
  readonly transport: Transport;
}

function createLink(origin: string): Link {
  const inner = fetchTransport(origin, { timeoutMs: REQUEST_TIMEOUT_MS });
  const link: Link = {
    online: true,
    requestsSent: 0,
    transport: async (request) => {
      link.requestsSent += 1;
      if (!link.online) throw new TypeError('Failed to fetch: network is down (benchmark link offline)');
      return inner(request);
    },
  };
  return link;
}

/** Sees the writes of a transaction it is asked to watch; otherwise passes the store through untouched. */
interface WriteRecorder {
  readonly store: TerminalStore;
  record<T>(during: () => Promise<T>): Promise<{ result: T; writes: RecordedWrites }>;
}

interface RecordedWrites {
  readonly puts: { key: string; bytes: number }[];
  deletes: number;
}

function recordWrites(inner: TerminalStore): WriteRecorder {
  let recording: RecordedWrites | null = null;
  const store: TerminalStore = {
    read: (work) => inner.read(work),
    write: (work) => {
      const writes = recording;
      if (writes === null) return inner.write(work);
      return inner.write((transaction) => work(recordingTransaction(transaction, writes)));
    },
    usage: () => inner.usage(),
    close: () => inner.close(),
  };
  return {
    store,
    async record(during) {
      const writes: RecordedWrites = { puts: [], deletes: 0 };
      recording = writes;
      try {
        return { result: await during(), writes };
      } finally {
        recording = null;
      }
    },
  };
}

function recordingTransaction(inner: WriteTransaction, writes: RecordedWrites): WriteTransaction {
  return {
    get: (key) => inner.get(key),
    has: (key) => inner.has(key),
    scan: (options) => inner.scan(options),
    count: (prefix) => inner.count(prefix),
    put: (key, value) => {
      // What reaches IndexedDB: the sealed value as JSON (ASCII: base64 and field names) and its key.
      writes.puts.push({ key, bytes: key.length + JSON.stringify(value).length });
      return inner.put(key, value);
    },
    delete: (key) => {
      writes.deletes += 1;
      return inner.delete(key);
    },
  };
}

interface CallCounts {
  encrypt: number;
  decrypt: number;
  sign: number;
  readonly: number;
  readwrite: number;
  readRequests: number;
  timeline: { what: string; atMs: number }[];
  webLocks: number;
}

/** The IndexedDB requests that read: each is a round trip to the browser's storage process. */
const READ_REQUESTS = ['get', 'getAll', 'getAllKeys', 'getAllRecords', 'count', 'openCursor'] as const;

/**
 * Counts WebCrypto, IndexedDB and Web Locks calls while `during` runs, by wrapping the page's own
 * prototypes, and puts them back afterwards.
 */
async function countPlatformCalls<T>(during: () => Promise<T>): Promise<{ result: T; counts: CallCounts }> {
  const counts: CallCounts = {
    encrypt: 0,
    decrypt: 0,
    sign: 0,
    readonly: 0,
    readwrite: 0,
    readRequests: 0,
    timeline: [],
    webLocks: 0,
  };
  const startedAt = performance.now();
  const mark = (what: string) => counts.timeline.push({ what, atMs: performance.now() - startedAt });
  const restore = [
    countCalls(SubtleCrypto.prototype, 'encrypt', () => {
      counts.encrypt += 1;
      mark('encrypt');
    }),
    countCalls(SubtleCrypto.prototype, 'decrypt', () => {
      counts.decrypt += 1;
      mark('decrypt');
    }),
    countCalls(SubtleCrypto.prototype, 'sign', () => {
      counts.sign += 1;
      mark('sign');
    }),
    countCalls(IDBDatabase.prototype, 'transaction', (args) => {
      if (args[1] === 'readwrite') counts.readwrite += 1;
      else counts.readonly += 1;
      mark(`${args[1] === 'readwrite' ? 'readwrite' : 'readonly'} transaction`);
    }),
    countCalls(LockManager.prototype, 'request', (args) => {
      counts.webLocks += 1;
      mark('Web Lock');
      // The callback is the last argument: mark when the browser grants the lock.
      const callback = args[args.length - 1] as (lock: unknown) => unknown;
      args[args.length - 1] = (lock: unknown) => {
        mark(lock === null ? 'Web Lock not available' : 'Web Lock granted');
        return callback(lock);
      };
    }),
    ...READ_REQUESTS.filter((name) => name in IDBObjectStore.prototype).map((name) =>
      countCalls(IDBObjectStore.prototype, name, (args) => {
        counts.readRequests += 1;
        mark(`${name} ${describeQuery(args[0])}`);
      }),
    ),
  ];
  try {
    const result = await during();
    mark('durable');
    return { result, counts };
  } finally {
    for (const undo of restore) undo();
  }
}

function describeQuery(query: unknown): string {
  if (query instanceof IDBKeyRange) return `[${String(query.lower)} … ${String(query.upper)}]`;
  return String(query);
}

/** Wraps one method of a prototype so every call is seen first; returns what undoes it. */
function countCalls(prototype: object, name: string, seen: (args: unknown[]) => void): () => void {
  const target = prototype as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name]!;
  target[name] = function (this: unknown, ...args: unknown[]) {
    seen(args);
    return original.apply(this, args);
  };
  return () => {
    target[name] = original;
  };
}

function openFloorDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(FLOOR_DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(FLOOR_OBJECT_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`could not open ${FLOOR_DATABASE}`));
  });
}

/** Random base64, as incompressible as a ciphertext, so the storage engine's compression gains nothing on either. */
function randomBase64(chars: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil((chars * 3) / 4)));
  return bytesToBase64(bytes).slice(0, chars);
}

/**
 * The floors: one bare readwrite transaction, durability 'strict', putting values shaped like
 * sealed values whose keys and JSON are `valueBytes` long, under new keys each time so the
 * database grows as the terminal's does. The values are made before the clock starts.
 */
function floorWriter(database: IDBDatabase) {
  let written = 0;
  const shellChars = JSON.stringify({ v: 1, iv: 'AAAAAAAAAAAAAAAA', ct: '' }).length;
  return async (valueBytes: readonly number[]): Promise<number> => {
    written += 1;
    const prefix = `floor/${String(written).padStart(12, '0')}/`;
    const entries = valueBytes.map((bytes, index) => {
      const key = `${prefix}${String(index).padStart(3, '0')}`;
      const ct = randomBase64(Math.max(0, bytes - key.length - shellChars));
      return [key, { v: 1, iv: randomBase64(16), ct }] as const;
    });
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const transaction = database.transaction(FLOOR_OBJECT_STORE, 'readwrite', { durability: 'strict' });
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('the floor write aborted'));
      const store = transaction.objectStore(FLOOR_OBJECT_STORE);
      for (const [key, value] of entries) store.put(value, key);
    });
    return performance.now() - started;
  };
}

/**
 * The floor with the guarantees every sale carries and nothing else: the Web Lock that keeps
 * other tabs' writers out, an Ed25519 signature over a 32-byte hash (WebCrypto, as the device
 * key signs), the sale's bytes sealed with AES-GCM and written as base64 JSON in one strict
 * transaction. No reads, no engine: what a signed, encrypted, single-writer sale cannot do
 * without.
 */
async function guaranteesFloorWriter(database: IDBDatabase) {
  const signingKey = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign'])) as CryptoKeyPair;
  const sealingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  let written = 0;
  return async (plaintextBytes: number): Promise<number> => {
    written += 1;
    const key = `guarantees/${String(written).padStart(12, '0')}`;
    const plaintext = crypto.getRandomValues(new Uint8Array(plaintextBytes));
    const hash = crypto.getRandomValues(new Uint8Array(32));
    const started = performance.now();
    await navigator.locks.request(GUARANTEES_LOCK, async () => {
      const signature = await crypto.subtle.sign({ name: 'Ed25519' }, signingKey.privateKey, hash);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, sealingKey, plaintext);
      const value = {
        v: 1,
        iv: bytesToBase64(iv),
        ct: bytesToBase64(new Uint8Array(sealed)),
        sig: signature.byteLength,
      };
      await new Promise<void>((resolve, reject) => {
        const transaction = database.transaction(FLOOR_OBJECT_STORE, 'readwrite', { durability: 'strict' });
        transaction.oncomplete = () => resolve();
        transaction.onabort = () =>
          reject(transaction.error ?? new Error('the guarantees floor write aborted'));
        transaction.objectStore(FLOOR_OBJECT_STORE).put(value, key);
      });
    });
    return performance.now() - started;
  };
}

const GUARANTEES_LOCK = 'mostrador-bench-floor-guarantees';

/** Base64 as the encrypted store writes it: the platform's own where it has one. */
function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function createHarness(): CommitBenchHarness {
  const link = createLink(location.origin);
  let engine: TerminalEngine | undefined;
  let recorder: WriteRecorder | undefined;
  let ring: ReturnType<typeof saleRinger> | undefined;
  let floorWrite: ReturnType<typeof floorWriter> | undefined;
  let guaranteesWrite: Awaited<ReturnType<typeof guaranteesFloorWriter>> | undefined;
  const opened = () => {
    if (
      engine === undefined ||
      recorder === undefined ||
      ring === undefined ||
      floorWrite === undefined ||
      guaranteesWrite === undefined
    )
      throw new Error('open() the harness first');
    return { engine, recorder, ring, floorWrite, guaranteesWrite };
  };
  return {
    async open() {
      const key = await createStorageKey();
      const database = await openIndexedDbStore(TERMINAL_DATABASE);
      recorder = recordWrites(database);
      engine = await openTerminalEngine({
        store: await browserStoreLayers(encryptValues(recorder.store, key)),
        keyVault: browserDeviceKeyVault(DEVICE_KEY_DATABASE),
        // As the web POS does (open-browser-terminal.ts): the database's lease is the writer lock.
        writerLock: { acquire: () => database.claimSoleWriter() },
        transport: link.transport,
      });
      if (!engine.isWriter) throw new Error('the benchmark terminal is not the writer');
      ring = saleRinger(engine);
      const floorDatabase = await openFloorDatabase();
      floorWrite = floorWriter(floorDatabase);
      guaranteesWrite = await guaranteesFloorWriter(floorDatabase);
    },
    async activate(details) {
      const current = opened().engine;
      const started = performance.now();
      const activated = await current.activate({
        serverUrl: location.origin,
        tenant: details.tenant,
        email: details.email,
        password: details.password,
        storeId: details.storeId,
        name: 'Caja benchmark (Chromium)',
      });
      if (!activated.ok) throw new Error(`activation failed: ${JSON.stringify(activated)}`);
      const activationMs = performance.now() - started;
      // Activation pulls on its own; a second round must find nothing left and end ok.
      const synced = await current.sync();
      if (!('outcome' in synced) || synced.outcome !== 'ok')
        throw new Error(`the first sync failed: ${JSON.stringify(synced)}`);
      const loggedIn = await current.login({ pin: details.pin });
      if (!loggedIn.ok) throw new Error(`PIN login failed: ${JSON.stringify(loggedIn)}`);
      return { activationMs };
    },
    async goOffline() {
      const current = opened().engine;
      link.online = false;
      // The terminal learns it the way it always does: a request fails.
      const attempt = await current.sync();
      if (!('outcome' in attempt) || attempt.outcome !== 'unknown')
        throw new Error(`a sync with the link down should end unknown: ${JSON.stringify(attempt)}`);
      if ((await current.status()).online) throw new Error('the terminal still believes it is online');
    },
    async anatomyOfOneSale(skus) {
      const harness = opened();
      const cart = await harness.ring.ringCart(skus);
      const { result, counts } = await countPlatformCalls(() =>
        harness.recorder.record(() => harness.ring.complete(cart)),
      );
      const { puts, deletes } = result.writes;
      return {
        keysPut: puts.length,
        keysDeleted: deletes,
        bytesWritten: puts.reduce((total, put) => total + put.bytes, 0),
        valueBytes: puts.map((put) => put.bytes),
        encryptCalls: counts.encrypt,
        decryptCalls: counts.decrypt,
        signCalls: counts.sign,
        readonlyTransactions: counts.readonly,
        readwriteTransactions: counts.readwrite,
        readRequests: counts.readRequests,
        timeline: counts.timeline,
        webLocks: counts.webLocks,
      };
    },
    async runSales(request) {
      const harness = opened();
      const samples = emptySalesSamples();
      const totalBytes = request.valueBytes.reduce((total, bytes) => total + bytes, 0);
      // Base64 makes four characters of three bytes: seal as many bytes as the sale's values carry.
      const plaintextBytes = Math.floor((totalBytes * 3) / 4);
      for (let index = 0; index < request.count; index += 1) {
        const timing = await harness.ring.timed(request.skus);
        samples.ringMs.push(timing.ringMs);
        samples.completeSaleMs.push(timing.completeSaleMs);
        if (request.valueBytes.length === 0) continue;
        samples.floorMs.push(await harness.floorWrite([totalBytes]));
        samples.floorSameKeysMs.push(await harness.floorWrite(request.valueBytes));
        samples.floorGuaranteesMs.push(await harness.guaranteesWrite(plaintextBytes));
      }
      return samples;
    },
    async status() {
      const status = await opened().engine.status();
      return { pendingCount: status.pendingCount, online: status.online, requestsSent: link.requestsSent };
    },
  };
}

(globalThis as unknown as CommitBenchWindow).mostradorCommitBench = createHarness();
