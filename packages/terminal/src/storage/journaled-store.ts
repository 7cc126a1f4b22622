import { type FinishableReadTransaction, runBufferedWork } from './buffered-write-transaction';
import { checkJsonValue, copyJsonValue } from './json-value';
import {
  assertStoreKey,
  countWithChanges,
  isKeyInScanRange,
  scanKeyBounds,
  scanVisible,
  scanWithChanges,
  toScanRange,
} from './scan-range';
import type {
  JsonValue,
  ReadTransaction,
  ScanOptions,
  TerminalStore,
  WriteTransaction,
} from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * Writes each small transaction as one journal record: a store that pays per value (the browser's,
 * where every value is sealed with its own WebCrypto call and put with its own IndexedDB request)
 * pays for one value a write, however many keys the write changes. A sale changes eleven keys (its
 * fact, the chain head, the folio counter, the local sale and its folio entry, the stock guard's
 * entry and five totals); journaled, it puts one value.
 *
 * It is a layer like encryptValues: the same contract (terminal-store.contract.ts) holds above it.
 * Below it (layout 2):
 * - `~journal/head`: { v: 2, first }: the records in force are `first` and those that follow it
 *   without a gap. Only a checkpoint moves `first`, so a write puts its record and not the head.
 *   Layout 1 also kept `next` (the record after the last) and so put the head with every record; a
 *   write to a layout-1 journal puts a layout-2 head with its record, which builds that read only
 *   layout 1 refuse instead of missing the records after their `next`.
 * - `~journal/record/<n>` (n in base 36, 8 digits, so keys sort as numbers): { p: [[key, value]…],
 *   d: [key…] }, the puts and deletes of one committed write.
 * - every other key as it was before the records in force.
 *
 * A reader sees the store below with the records in force applied in order. Each instance keeps
 * those records applied in memory (the overlay) and checks, in every transaction, that they are
 * still the ones in force (another tab may have written): the head's `first` is the same and there
 * is no record after its last. If not, it reads them again. The head and that key are asked of the
 * store below, whose own cache (and the sole writer's list of keys) answers them without a request
 * while nobody else commits.
 *
 * A checkpoint moves the records into their keys: one write of the store below puts and deletes
 * what the overlay says, deletes the records and moves `first` up, all in one transaction, so a
 * crash leaves either the records or their effect, never half. It runs when the store has been
 * idle for a moment, inside any write that would make the journal too long or too large (a bulk
 * load is never journaled), and inside a write that changes one of `writeThroughKeys` (the local
 * format marker, which older builds read from the store below without knowing this layer).
 */
export const JOURNAL_LAYOUT_VERSION = 2;
export const JOURNAL_NAMESPACE = '~journal/';
const HEAD_KEY = `${JOURNAL_NAMESPACE}head`;
const RECORD_PREFIX = `${JOURNAL_NAMESPACE}record/`;
const recordKey = (sequence: number) => `${RECORD_PREFIX}${sequence.toString(36).padStart(8, '0')}`;

/** Records in force before a write checkpoints instead of adding one more. */
export const JOURNAL_RECORDS_MAX = 256;
/** Bytes (as JSON text) of the overlay before a write checkpoints instead of adding to it. */
export const JOURNAL_BYTES_MAX = 4 * 1024 * 1024;
/** Keys and bytes one write may change and still be journaled; a larger write goes below at once. */
const RECORD_KEYS_MAX = 256;
const RECORD_BYTES_MAX = 512 * 1024;
/** How long the store must be left alone before the records in force are checkpointed. */
export const JOURNAL_IDLE_CHECKPOINT_MS = 1_000;

export interface JournaledStoreOptions {
  /** Keys whose writes reach the store below in the same transaction (with a checkpoint). */
  readonly writeThroughKeys?: readonly string[];
  /** Milliseconds of no writes before a checkpoint; null: only the size limits checkpoint. */
  readonly idleCheckpointMs?: number | null;
  /** Records in force before a write checkpoints (JOURNAL_RECORDS_MAX; smaller in tests). */
  readonly recordsMax?: number;
}

/** What the overlay holds for a key the records in force delete. */
const DELETED = Symbol('deleted');

/**
 * The records in force, applied: each changed key's latest value, or DELETED. A write adds its
 * record to the overlay in place (copying it cost a write time in proportion to the journal), so
 * the state before a write and the one after share it; that is safe because the store below runs
 * no transaction while a write runs, and a write that fails forgets the state it started from.
 */
type JournalState = {
  readonly first: number;
  readonly next: number;
  /** Whether the head below is this layout's with this `first`; if not, the next write puts it. */
  readonly headWritten: boolean;
  readonly overlay: Map<string, JsonValue | typeof DELETED>;
  readonly bytes: number;
};

export function journalWrites(inner: TerminalStore, options: JournaledStoreOptions = {}): TerminalStore {
  return new JournaledStore(inner, options);
}

class JournaledStore implements TerminalStore {
  /** The records in force as this instance last read or committed them. */
  private known: JournalState | undefined;
  private readonly writeThroughKeys: ReadonlySet<string>;
  private readonly idleCheckpointMs: number | null;
  private readonly recordsMax: number;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly inner: TerminalStore,
    options: JournaledStoreOptions,
  ) {
    this.writeThroughKeys = new Set(options.writeThroughKeys ?? []);
    this.idleCheckpointMs =
      options.idleCheckpointMs === undefined ? JOURNAL_IDLE_CHECKPOINT_MS : options.idleCheckpointMs;
    this.recordsMax = options.recordsMax ?? JOURNAL_RECORDS_MAX;
  }

  read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T> {
    return this.inner.read(async (transaction) => {
      const state = await this.current(transaction);
      const view = new OverlayReadTransaction(transaction, state.overlay);
      try {
        return await work(view);
      } finally {
        view.finish();
      }
    });
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    const { result, state } = await this.inner.write(async (transaction) => {
      const before = await this.current(transaction);
      const view = new OverlayReadTransaction(transaction, before.overlay);
      const { result, changes } = await runBufferedWork(view, (buffered) => work(callerWrites(buffered)));
      if (changes.puts.length === 0 && changes.deletes.length === 0) return { result, state: before };
      // A bulk write (a snapshot batch) goes below at once: it is neither measured nor kept in memory.
      if (changes.puts.length + changes.deletes.length > RECORD_KEYS_MAX || this.writesThrough(changes)) {
        return { result, state: await checkpoint(transaction, before, changes) };
      }
      const record: JsonValue = { p: changes.puts as unknown as JsonValue[], d: [...changes.deletes] };
      const recordBytes = checkJsonValue(record);
      if (recordBytes > RECORD_BYTES_MAX)
        return { result, state: await checkpoint(transaction, before, changes) };
      // The overlay changes in place now; until the write is durable, no state in memory is known.
      this.known = undefined;
      const after = applyRecord(before, changes, recordBytes);
      if (after.next - after.first > this.recordsMax || after.bytes > JOURNAL_BYTES_MAX) {
        return { result, state: await checkpoint(transaction, after) };
      }
      await transaction.put(recordKey(before.next), record);
      if (!before.headWritten) await transaction.put(HEAD_KEY, encodeHead(after));
      return { result, state: { ...after, headWritten: true } };
    });
    // Only now is the write durable: the overlay it made is the one in force.
    this.known = state;
    this.scheduleCheckpoint(state);
    return result;
  }

  usage() {
    return this.inner.usage();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.inner.close();
  }

  private writesThrough(changes: RecordChanges): boolean {
    if (this.writeThroughKeys.size === 0) return false;
    return (
      changes.puts.some(([key]) => this.writeThroughKeys.has(key)) ||
      changes.deletes.some((key) => this.writeThroughKeys.has(key))
    );
  }

  /** Moves the records in force into their keys now; resolves with how many there were. */
  async checkpoint(): Promise<number> {
    const { moved, state } = await this.inner.write(async (transaction) => {
      const current = await this.current(transaction);
      const moved = current.next - current.first;
      return { moved, state: moved === 0 ? current : await checkpoint(transaction, current) };
    });
    this.known = state;
    return moved;
  }

  /** The records in force in this transaction's view of the store below. */
  private async current(transaction: ReadTransaction): Promise<JournalState> {
    const head = decodeHead(await transaction.get(HEAD_KEY));
    const known = this.known;
    if (known !== undefined && (await this.stillInForce(transaction, known, head))) return known;
    const records = await transaction.scan({ prefix: RECORD_PREFIX });
    let state = emptyJournal(head.first, head.layout === JOURNAL_LAYOUT_VERSION);
    for (const [key, stored] of records) {
      if (key !== recordKey(state.next)) {
        throw corrupt(`journal record ${key} is not the one expected (${recordKey(state.next)})`);
      }
      const changes = decodeRecord(key, stored);
      state = applyRecord(state, changes, checkJsonValue(stored));
    }
    if (head.next !== null && state.next !== head.next) {
      throw corrupt(
        `the journal holds records ${head.first} to ${state.next - 1}, its head says up to ${head.next - 1}`,
      );
    }
    this.known = state;
    return state;
  }

  /** Whether the records this instance holds are still those in force below. */
  private async stillInForce(
    transaction: ReadTransaction,
    known: JournalState,
    head: Head,
  ): Promise<boolean> {
    if (known.first !== head.first) return false;
    if (head.next !== null) return known.next === head.next;
    return !(await transaction.has(recordKey(known.next)));
  }

  private scheduleCheckpoint(state: JournalState): void {
    clearTimeout(this.idleTimer);
    if (this.idleCheckpointMs === null || state.next === state.first || this.closed) return;
    this.idleTimer = setTimeout(() => {
      // A failed checkpoint leaves the records in force; the next write or idle moment tries again.
      this.checkpoint().catch(() => undefined);
    }, this.idleCheckpointMs);
    // In Node, a pending checkpoint must not keep the process alive.
    (this.idleTimer as { unref?: () => void }).unref?.();
  }
}

/**
 * Writes the overlay into its keys, then `changes` (a write too large to journal) over it, deletes
 * the records and empties the journal, in `transaction`.
 */
async function checkpoint(
  transaction: WriteTransaction,
  state: JournalState,
  changes: RecordChanges = NO_CHANGES,
): Promise<JournalState> {
  for (const [key, value] of state.overlay) {
    if (value === DELETED) await transaction.delete(key);
    else await transaction.put(key, value);
  }
  for (const key of changes.deletes) await transaction.delete(key);
  for (const [key, value] of changes.puts) await transaction.put(key, value);
  for (let sequence = state.first; sequence < state.next; sequence += 1) {
    await transaction.delete(recordKey(sequence));
  }
  const emptied = emptyJournal(state.next, true);
  await transaction.put(HEAD_KEY, encodeHead(emptied));
  return emptied;
}

type RecordChanges = {
  readonly puts: readonly (readonly [string, JsonValue])[];
  readonly deletes: readonly string[];
};

const NO_CHANGES: RecordChanges = { puts: [], deletes: [] };

/** No record in force yet: the next one is `first`. */
function emptyJournal(first: number, headWritten: boolean): JournalState {
  return { first, next: first, headWritten, overlay: new Map(), bytes: 0 };
}

/** The state with one more record in force, its overlay changed in place (see JournalState). */
function applyRecord(state: JournalState, changes: RecordChanges, recordBytes: number): JournalState {
  const { overlay } = state;
  for (const key of changes.deletes) overlay.set(key, DELETED);
  for (const [key, value] of changes.puts) overlay.set(key, value);
  return { ...state, next: state.next + 1, overlay, bytes: state.bytes + recordBytes };
}

/** The head as stored: `next` only in layout 1, null when the records themselves say. */
type Head = { readonly layout: number | null; readonly first: number; readonly next: number | null };

function encodeHead(state: JournalState): JsonValue {
  return { v: JOURNAL_LAYOUT_VERSION, first: state.first };
}

function decodeHead(stored: JsonValue | undefined): Head {
  if (stored === undefined) return { layout: null, first: 1, next: null };
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    if (typeof stored.v === 'number' && stored.v > JOURNAL_LAYOUT_VERSION) {
      throw new TerminalStoreError(
        'FORMAT_UNSUPPORTED',
        `the store's journal is layout ${stored.v}; this build reads up to ${JOURNAL_LAYOUT_VERSION}`,
      );
    }
    const { v, first, next } = stored;
    const isFirst = typeof first === 'number' && Number.isSafeInteger(first) && first >= 1;
    if (v === JOURNAL_LAYOUT_VERSION && isFirst) return { layout: v, first, next: null };
    // Layout 1, written by the builds before this one.
    if (v === 1 && isFirst && typeof next === 'number' && Number.isSafeInteger(next) && next >= first) {
      return { layout: v, first, next };
    }
  }
  throw corrupt('its journal head is malformed');
}

function decodeRecord(key: string, stored: JsonValue): RecordChanges {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const { p, d } = stored;
    if (
      Array.isArray(p) &&
      Array.isArray(d) &&
      p.every(
        (put) => Array.isArray(put) && put.length === 2 && typeof put[0] === 'string' && put[1] !== undefined,
      ) &&
      d.every((deleted) => typeof deleted === 'string')
    ) {
      return { puts: p as [string, JsonValue][], deletes: d as string[] };
    }
  }
  throw corrupt(`journal record ${key} is malformed`);
}

function corrupt(problem: string): TerminalStoreError {
  return new TerminalStoreError('STORE_FAILED', `the store is damaged: ${problem}`);
}

/**
 * The committed state as the journal's readers see it: the store below with the records in force
 * applied, and without the journal's own keys, which callers may neither read nor write.
 */
class OverlayReadTransaction implements FinishableReadTransaction {
  private finished = false;

  constructor(
    private readonly inner: ReadTransaction,
    private readonly overlay: ReadonlyMap<string, JsonValue | typeof DELETED>,
  ) {}

  async get(key: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    assertCallerKey(key);
    const journaled = this.overlay.get(key);
    if (journaled === undefined) return this.inner.get(key);
    return journaled === DELETED ? undefined : copyJsonValue(journaled).value;
  }

  async has(key: string): Promise<boolean> {
    this.assertOpen();
    assertCallerKey(key);
    const journaled = this.overlay.get(key);
    if (journaled === undefined) return this.inner.has(key);
    return journaled !== DELETED;
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    this.assertOpen();
    const range = toScanRange(options);
    if (scanKeyBounds(range) === 'empty' || range.limit === 0 || range.prefix.startsWith(JOURNAL_NAMESPACE)) {
      return [];
    }
    const changed: [string, JsonValue | undefined][] = [];
    for (const [key, value] of this.overlay) {
      if (!isKeyInScanRange(key, range)) continue;
      changed.push([key, value === DELETED ? undefined : copyJsonValue(value).value]);
    }
    return scanWithChanges(changed, range.limit, range.reverse, (limit) =>
      scanVisible(this.inner, { ...range, limit }, (key) => key.startsWith(JOURNAL_NAMESPACE)),
    );
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    assertStoreKey(prefix);
    if (prefix.startsWith(JOURNAL_NAMESPACE)) return 0;
    const changed: [string, boolean][] = [];
    for (const [key, value] of this.overlay)
      if (key.startsWith(prefix)) changed.push([key, value !== DELETED]);
    return countWithChanges(
      changed,
      async () => {
        const [all, own] = await Promise.all([
          this.inner.count(prefix),
          JOURNAL_NAMESPACE.startsWith(prefix) ? this.inner.count(JOURNAL_NAMESPACE) : 0,
        ]);
        return all - own;
      },
      (key) => this.inner.has(key),
    );
  }

  finish(): void {
    this.finished = true;
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

/** The write transaction a caller gets: the journal's own keys are refused to it. */
function callerWrites(inner: WriteTransaction): WriteTransaction {
  return {
    get: (key) => inner.get(key),
    has: (key) => inner.has(key),
    scan: (options) => inner.scan(options),
    count: (prefix) => inner.count(prefix),
    put: async (key, value) => {
      assertCallerKey(key);
      return inner.put(key, value);
    },
    delete: async (key) => {
      assertCallerKey(key);
      return inner.delete(key);
    },
  };
}

function assertCallerKey(key: unknown): asserts key is string {
  assertStoreKey(key);
  if (key.startsWith(JOURNAL_NAMESPACE)) {
    throw new TerminalStoreError('KEY_INVALID', `keys under ${JOURNAL_NAMESPACE} belong to the journal`);
  }
}
