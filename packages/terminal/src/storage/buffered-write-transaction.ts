import { copyJsonValue } from './json-value';
import {
  assertStoreKey,
  countWithChanges,
  isKeyInScanRange,
  scanWithChanges,
  toScanRange,
} from './scan-range';
import type { JsonValue, ReadTransaction, ScanOptions, WriteTransaction } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/** One value larger than this (estimated as JSON text) belongs in a file, not in the terminal store. */
export const VALUE_BYTES_MAX = 16 * 1024 * 1024;
/** The sum of the values one transaction writes; larger imports are split into several transactions. */
export const TRANSACTION_BYTES_MAX = 64 * 1024 * 1024;
/** Keys one transaction may put or delete. */
export const TRANSACTION_KEYS_MAX = 100_000;

/** What a finished transaction changes: every key at most once, puts and deletes disjoint. */
export interface TransactionChanges {
  readonly puts: readonly (readonly [string, JsonValue])[];
  readonly deletes: readonly string[];
}

type PendingChange = { readonly value: JsonValue; readonly approximateBytes: number } | 'deleted';

/**
 * A write transaction that buffers its puts and deletes over a read transaction of the committed
 * state, so nothing reaches the store until the work has succeeded: if it throws, the buffer is
 * dropped and the transaction is atomic by construction. Reads see the transaction's own writes.
 * Every adapter uses this one implementation, so the merge of buffered and committed entries in a
 * scan is written (and tested) once.
 */
export class BufferedWriteTransaction implements WriteTransaction {
  private readonly pending = new Map<string, PendingChange>();
  private pendingBytes = 0;
  private finished = false;

  constructor(private readonly committed: ReadTransaction) {}

  async get(key: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    assertStoreKey(key);
    const change = this.pending.get(key);
    if (change === undefined) {
      return this.committed.get(key);
    }
    return change === 'deleted' ? undefined : copyJsonValue(change.value).value;
  }

  async has(key: string): Promise<boolean> {
    this.assertOpen();
    assertStoreKey(key);
    const change = this.pending.get(key);
    if (change === undefined) {
      return this.committed.has(key);
    }
    return change !== 'deleted';
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    this.assertOpen();
    const range = toScanRange(options);
    const changed: [string, JsonValue | undefined][] = [];
    for (const [key, change] of this.pending) {
      if (!isKeyInScanRange(key, range)) continue;
      changed.push([key, change === 'deleted' ? undefined : copyJsonValue(change.value).value]);
    }
    return scanWithChanges(changed, range.limit, range.reverse, async (limit) => {
      const entries = await this.committed.scan({ ...options, ...(limit === null ? {} : { limit }) });
      this.assertOpen();
      return entries;
    });
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    assertStoreKey(prefix);
    const changed: [string, boolean][] = [];
    for (const [key, change] of this.pending)
      if (key.startsWith(prefix)) changed.push([key, change !== 'deleted']);
    const count = await countWithChanges(
      changed,
      () => this.committed.count(prefix),
      (key) => this.committed.has(key),
    );
    this.assertOpen();
    return count;
  }

  async put(key: string, value: JsonValue): Promise<void> {
    this.assertOpen();
    assertStoreKey(key);
    const copy = copyJsonValue(value);
    if (copy.approximateBytes > VALUE_BYTES_MAX) {
      throw new TerminalStoreError(
        'TOO_LARGE',
        `the value of ${JSON.stringify(key)} is about ${copy.approximateBytes} bytes; the limit is ${VALUE_BYTES_MAX}`,
      );
    }
    this.replacePending(key, { value: copy.value, approximateBytes: copy.approximateBytes });
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    assertStoreKey(key);
    this.replacePending(key, 'deleted');
  }

  /** Ends the transaction: any later use throws, and the buffered changes are handed over once. */
  finish(): TransactionChanges {
    this.assertOpen();
    this.finished = true;
    const puts: [string, JsonValue][] = [];
    const deletes: string[] = [];
    for (const [key, change] of this.pending) {
      if (change === 'deleted') {
        deletes.push(key);
      } else {
        puts.push([key, change.value]);
      }
    }
    this.pending.clear();
    return { puts, deletes };
  }

  /** Ends a transaction whose work failed: its buffer is dropped. */
  abandon(): void {
    this.finished = true;
    this.pending.clear();
  }

  private replacePending(key: string, change: PendingChange): void {
    const previous = this.pending.get(key);
    const bytes = this.pendingBytes - bytesOf(key, previous) + bytesOf(key, change);
    const keys = this.pending.size + (previous === undefined ? 1 : 0);
    if (bytes > TRANSACTION_BYTES_MAX) {
      throw new TerminalStoreError(
        'TOO_LARGE',
        `the transaction would write about ${bytes} bytes; the limit is ${TRANSACTION_BYTES_MAX}`,
      );
    }
    if (keys > TRANSACTION_KEYS_MAX) {
      throw new TerminalStoreError(
        'TOO_LARGE',
        `the transaction would change ${keys} keys; the limit is ${TRANSACTION_KEYS_MAX}`,
      );
    }
    this.pending.set(key, change);
    this.pendingBytes = bytes;
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

/** What a pending change counts against the transaction's size limit. */
function bytesOf(key: string, change: PendingChange | undefined): number {
  if (change === undefined) {
    return 0;
  }
  return key.length + (change === 'deleted' ? 0 : change.approximateBytes);
}

/** A read transaction of the committed state that can be ended when its turn is over. */
export interface FinishableReadTransaction extends ReadTransaction {
  finish(): void;
}

/**
 * Runs a write's work over a buffer and returns what it changed. If the work throws, the buffer is
 * dropped and the error propagates: nothing is applied. Both transactions end either way, so a
 * callback that keeps them and uses them later fails loudly instead of writing into a later turn.
 */
export async function runBufferedWork<T>(
  committed: FinishableReadTransaction,
  work: (transaction: WriteTransaction) => Promise<T>,
): Promise<{ result: T; changes: TransactionChanges }> {
  const transaction = new BufferedWriteTransaction(committed);
  try {
    const result = await work(transaction);
    return { result, changes: transaction.finish() };
  } catch (error) {
    transaction.abandon();
    throw error;
  } finally {
    committed.finish();
  }
}
