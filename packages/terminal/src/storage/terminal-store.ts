/**
 * The terminal's durable store: a sorted key-value map with transactions, behind which IndexedDB
 * (browser, every value encrypted with AES-GCM) and a file log (Node: tests, simulator, CLI) sit.
 * One contract test suite runs against every adapter (terminal-store.contract.ts).
 *
 * Rules every adapter keeps:
 * - `write` resolves only after the transaction is durable: a process kill or a power cut after the
 *   promise resolves cannot lose it (Node: fsync; IndexedDB: durability 'strict').
 * - A transaction is atomic: after a crash either all of its puts and deletes are there or none.
 * - Transactions are serialised: a write sees every write that resolved before it started.
 * - Keys are strings compared by UTF-16 code units; `scan` returns keys in that order.
 * - Values are JSON values (objects, arrays, strings, finite numbers, booleans, null); what a
 *   read returns is a copy, never shared with the store.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ScanOptions {
  /** Only keys starting with this prefix. */
  readonly prefix: string;
  /** Start after this key (exclusive), for paging. */
  readonly startAfter?: string;
  /** At most this many entries. */
  readonly limit?: number;
  /** Newest (largest) key first. */
  readonly reverse?: boolean;
}

export interface ReadTransaction {
  get(key: string): Promise<JsonValue | undefined>;
  has(key: string): Promise<boolean>;
  scan(options: ScanOptions): Promise<[string, JsonValue][]>;
  count(prefix: string): Promise<number>;
}

export interface WriteTransaction extends ReadTransaction {
  put(key: string, value: JsonValue): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface TerminalStore {
  read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T>;
  /** Resolves after the transaction is durable; rejects (and applies nothing) if `work` throws. */
  write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T>;
  /** Bytes the store uses on disk, and the quota where the platform reports one. */
  usage(): Promise<{ bytesUsed: number; bytesQuota: number | null; persistent: boolean | null }>;
  close(): Promise<void>;
}
