import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runBufferedWork } from './buffered-write-transaction';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock';
import {
  corrupt,
  encodeFileHeader,
  encodeLogBatch,
  encodeSnapshotEnd,
  encodeSnapshotEntries,
  encodeTransaction,
  logFileName,
  parseFileHeader,
  parseLogBatch,
  parseLogFileName,
  parseSnapshotRecord,
  SNAPSHOT_FILE_NAME,
  SNAPSHOT_TEMPORARY_FILE_NAME,
} from './file-store-format';
import { decodeRecords, encodeRecord } from './log-record';
import { ReadWriteLock } from './read-write-lock';
import { SortedKeyMap } from './sorted-key-map';
import { SortedKeyMapReadTransaction } from './sorted-key-map-read-transaction';
import type { ReadTransaction, TerminalStore, WriteTransaction } from './terminal-store';
import { assertStoreInvariant, TerminalStoreError } from './terminal-store-error';

/** Compaction waits until the log is at least this large (and larger than the last snapshot). */
export const COMPACT_AFTER_LOG_BYTES_DEFAULT = 16 * 1024 * 1024;
/**
 * ...and until at least this share of the log's puts and deletes replaced or removed an entry.
 * A log of new keys (a catalog being loaded) holds no garbage: rewriting it as a snapshot would
 * cost as much as writing it did and free nothing, and replaying it costs what loading the
 * snapshot would.
 */
export const COMPACT_REPLACED_SHARE_MIN = 1 / 8;
/** One transaction, encoded; matches the buffer's estimate-based limit with room for escaping. */
export const TRANSACTION_ENCODED_BYTES_MAX = 64 * 1024 * 1024;
/** Transactions waiting for the next fsync are grouped up to this many bytes per record. */
const GROUP_COMMIT_BYTES_MAX = 64 * 1024 * 1024;
/** Snapshot records are cut at about this size so no single JSON string grows with the store. */
const SNAPSHOT_RECORD_BYTES = 1024 * 1024;

/**
 * Where a crash test can stop the store: the hook runs between the steps named here, and whatever
 * it throws fails that step as an I/O error would. A child process can SIGKILL itself from it.
 */
export type FileStoreFaultPoint =
  /** A group-commit record is written to the log but not yet fsynced. */
  | 'append:written'
  /** The snapshot's first record is in the temporary file; the rest is not. */
  | 'compaction:snapshot-partially-written'
  /** The temporary snapshot is complete and fsynced, not yet renamed. */
  | 'compaction:snapshot-written'
  /** The snapshot is renamed into place; the directory is not yet fsynced. */
  | 'compaction:snapshot-renamed'
  /** The rename is durable; the next log does not exist yet. */
  | 'compaction:snapshot-durable'
  /** The next log exists and is durable; the store still appends to the previous one. */
  | 'compaction:log-created'
  /** The store appends to the next log, and the previous one is deleted. */
  | 'compaction:old-log-deleted';

export interface FileStoreOptions {
  /**
   * Compact once the log passes this many bytes, is larger than the last snapshot, and replaced or
   * deleted entries in at least COMPACT_REPLACED_SHARE_MIN of its puts and deletes.
   */
  readonly compactAfterLogBytes?: number;
  /** Test hook called at each fault point; see FileStoreFaultPoint. */
  readonly faultPoint?: (point: FileStoreFaultPoint) => void | Promise<void>;
}

export interface FileStore extends TerminalStore {
  readonly directory: string;
  /** Rewrites the state as a snapshot and starts an empty log; also happens on its own as garbage grows. */
  compact(): Promise<void>;
  /** The error of the last compaction that ran on its own and failed before publishing, if any. */
  readonly lastCompactionError: Error | null;
}

/**
 * Opens (creating if needed) a durable store in a directory, for Node: tests, the simulator and the
 * CLI. Crash safety rests on four rules:
 *
 * 1. A write resolves only after the record holding it is fsynced, and records are only appended.
 * 2. An append starts only after the previous append's fsync returned, so after any crash only the
 *    last record can be incomplete; replay cuts such a tail off and refuses any other damage.
 * 3. Reads wait until every applied write is durable, so nothing read can be lost by a crash.
 * 4. Compaction publishes a complete, fsynced snapshot with one rename, fsyncs the directory, and
 *    only then starts the next log and deletes the previous one. At every step either the old
 *    snapshot and log or the new snapshot (and possibly its empty log) describe the whole state.
 */
export async function openFileStore(directory: string, options: FileStoreOptions = {}): Promise<FileStore> {
  const createdDirectory = await mkdir(directory, { recursive: true });
  if (createdDirectory !== undefined) {
    await syncDirectory(dirname(createdDirectory));
  }
  const directoryLock = await acquireDirectoryLock(directory);
  try {
    const recovered = await recover(directory);
    return new NodeFileStore(directory, options, directoryLock, recovered);
  } catch (error) {
    await directoryLock.release();
    throw error;
  }
}

interface ActiveLog {
  readonly handle: FileHandle;
  readonly generation: number;
  /** Where the next record goes: the end of the last good record. */
  bytes: number;
  /** Puts and deletes in this log, and how many of them replaced or removed an existing entry. */
  entries: number;
  replacedEntries: number;
}

interface RecoveredState {
  readonly index: SortedKeyMap;
  readonly log: ActiveLog;
  readonly snapshotBytes: number;
}

/** Transactions applied in memory and waiting for the next record and fsync. */
interface StagedBatch {
  readonly encodedTransactions: string[];
  bytes: number;
  readonly durable: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

class NodeFileStore implements FileStore {
  private readonly lock = new ReadWriteLock();
  private readonly index: SortedKeyMap;
  private log: ActiveLog;
  private snapshotBytes: number;
  private staged: StagedBatch | null = null;
  private flushing: Promise<void> | null = null;
  /** Settles when the last staged transaction is durable; reads wait for it. */
  private lastStagedDurable: Promise<void> = Promise.resolve();
  private failure: TerminalStoreError | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private compaction: Promise<void> | null = null;
  private compactionRetryAtLogBytes = 0;
  lastCompactionError: Error | null = null;

  constructor(
    readonly directory: string,
    private readonly options: FileStoreOptions,
    private readonly directoryLock: DirectoryLock,
    recovered: RecoveredState,
  ) {
    this.index = recovered.index;
    this.log = recovered.log;
    this.snapshotBytes = recovered.snapshotBytes;
  }

  async read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T> {
    this.assertUsable();
    return this.lock.run('read', async () => {
      this.assertUsable();
      // A write applied in memory but not yet synced could still vanish in a crash; reading it now
      // could, for example, upload a fact the terminal then forgets.
      await this.lastStagedDurable;
      const transaction = new SortedKeyMapReadTransaction(this.index);
      try {
        return await work(transaction);
      } finally {
        transaction.finish();
      }
    });
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    this.assertUsable();
    let durable: Promise<void> = Promise.resolve();
    const result = await this.lock.run('write', async () => {
      this.assertUsable();
      const { result, changes } = await runBufferedWork(new SortedKeyMapReadTransaction(this.index), work);
      this.assertUsable();
      if (changes.puts.length === 0 && changes.deletes.length === 0) {
        // Nothing to log, but the work may have read writes that are still on their way to disk.
        durable = this.lastStagedDurable;
        return result;
      }
      const encoded = encodeTransaction(changes);
      const bytes = Buffer.byteLength(encoded);
      if (bytes > TRANSACTION_ENCODED_BYTES_MAX) {
        throw new TerminalStoreError(
          'TOO_LARGE',
          `the transaction encodes to ${bytes} bytes; the limit is ${TRANSACTION_ENCODED_BYTES_MAX}`,
        );
      }
      await this.waitForRoomInBatch(bytes);
      this.assertUsable();
      // Later writes may read this before it is durable: they are logged after it, so none of them
      // can survive a crash that this one does not.
      this.log.replacedEntries += this.index.apply(changes);
      this.log.entries += changes.puts.length + changes.deletes.length;
      durable = this.stage(encoded, bytes);
      return result;
    });
    await durable;
    this.compactIfDue();
    return result;
  }

  async usage(): Promise<{ bytesUsed: number; bytesQuota: number | null; persistent: boolean | null }> {
    this.assertUsable();
    let bytesUsed = 0;
    for (const name of await readdir(this.directory)) {
      const details = await stat(join(this.directory, name)).catch(() => null);
      if (details?.isFile() === true) {
        bytesUsed += details.size;
      }
    }
    return { bytesUsed, bytesQuota: null, persistent: true };
  }

  async compact(): Promise<void> {
    this.assertUsable();
    await this.lock.run('write', async () => {
      this.assertUsable();
      await this.drainFlush();
      this.assertUsable();
      await this.compactHoldingLock();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    await this.lock.run('write', async () => {
      this.closed = true;
      await this.drainFlush();
    });
    await this.compaction;
    try {
      await this.log.handle.close();
    } finally {
      await this.directoryLock.release();
    }
  }

  private stage(encodedTransaction: string, bytes: number): Promise<void> {
    const batch = this.staged ?? createStagedBatch();
    this.staged = batch;
    batch.encodedTransactions.push(encodedTransaction);
    batch.bytes += bytes;
    this.lastStagedDurable = batch.durable;
    if (this.flushing === null) {
      this.flushing = this.flushStaged();
    }
    return batch.durable;
  }

  /**
   * Appends and syncs staged batches one at a time until none is left. Transactions staged while an
   * fsync is running wait for it to end and then share the next record and fsync (group commit);
   * each one's promise resolves only after the fsync of its own record.
   */
  private async flushStaged(): Promise<void> {
    try {
      for (let batch = this.staged; batch !== null; batch = this.staged) {
        this.staged = null;
        try {
          await this.appendDurably(batch);
          batch.resolve();
        } catch (error) {
          this.fail(error);
          batch.reject(this.failure ?? toError(error));
          return;
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async appendDurably(batch: StagedBatch): Promise<void> {
    const record = encodeRecord(
      Buffer.from(encodeLogBatch(batch.encodedTransactions), 'utf8'),
      this.log.bytes,
    );
    await writeFully(this.log.handle, record, this.log.bytes);
    this.log.bytes += record.length;
    await this.fault('append:written');
    await this.log.handle.sync();
  }

  private async waitForRoomInBatch(bytes: number): Promise<void> {
    // Holding the write turn, nothing else stages; at most one flush has to finish.
    for (
      let round = 0;
      this.staged !== null && this.staged.bytes + bytes > GROUP_COMMIT_BYTES_MAX;
      round += 1
    ) {
      assertStoreInvariant(round < 2 && this.flushing !== null, 'a staged batch has no flush draining it');
      await this.flushing;
    }
  }

  private async drainFlush(): Promise<void> {
    for (let round = 0; this.flushing !== null; round += 1) {
      assertStoreInvariant(round < 2, 'the flush did not drain while the write turn was held');
      await this.flushing;
    }
  }

  private compactIfDue(): void {
    const threshold = Math.max(
      this.options.compactAfterLogBytes ?? COMPACT_AFTER_LOG_BYTES_DEFAULT,
      this.snapshotBytes,
      this.compactionRetryAtLogBytes,
    );
    if (
      this.compaction !== null ||
      this.closed ||
      this.failure !== null ||
      this.log.bytes < threshold ||
      this.log.replacedEntries < this.log.entries * COMPACT_REPLACED_SHARE_MIN
    ) {
      return;
    }
    this.compaction = this.compact()
      .catch((error: unknown) => {
        if (!this.closed) {
          this.lastCompactionError = toError(error);
        }
      })
      .finally(() => {
        this.compaction = null;
      });
  }

  /** See rule 4 on openFileStore. Runs holding the write turn with nothing staged. */
  private async compactHoldingLock(): Promise<void> {
    assertStoreInvariant(
      this.staged === null && this.flushing === null,
      'compaction started with writes in flight',
    );
    const previous = this.log;
    const generation = previous.generation + 1;
    const temporaryPath = join(this.directory, SNAPSHOT_TEMPORARY_FILE_NAME);
    let published = false;
    let switched = false;
    let next: ActiveLog | null = null;
    try {
      const snapshotBytes = await this.writeSnapshot(temporaryPath, generation);
      await this.fault('compaction:snapshot-written');
      await rename(temporaryPath, join(this.directory, SNAPSHOT_FILE_NAME));
      published = true;
      await this.fault('compaction:snapshot-renamed');
      await syncDirectory(this.directory);
      await this.fault('compaction:snapshot-durable');
      next = await createLog(this.directory, generation);
      await this.fault('compaction:log-created');
      this.log = next;
      this.snapshotBytes = snapshotBytes;
      this.compactionRetryAtLogBytes = 0;
      switched = true;
      await previous.handle.close();
      // No directory fsync: if a crash brings the old log back, the next open deletes it again.
      await unlink(join(this.directory, logFileName(previous.generation)));
      await this.fault('compaction:old-log-deleted');
    } catch (error) {
      if (switched) {
        throw error;
      }
      await next?.handle.close();
      if (published) {
        // The published snapshot names a log this store is not writing to: it must not go on.
        this.fail(error);
        throw this.failure ?? error;
      }
      await unlink(temporaryPath).catch(() => undefined);
      // Before publishing, a failure (a full disk, say) leaves the old snapshot and log in charge;
      // trying again only after the log doubles keeps a full disk from being rewritten every write.
      this.compactionRetryAtLogBytes = this.log.bytes * 2;
      throw error;
    }
  }

  private async writeSnapshot(path: string, generation: number): Promise<number> {
    const handle = await open(path, 'w');
    try {
      let bytes = await appendRecord(handle, 0, encodeFileHeader('snapshot', generation));
      await this.fault('compaction:snapshot-partially-written');
      let encodedEntries: string[] = [];
      let pendingBytes = 0;
      let entryCount = 0;
      for (const entry of this.index.entries()) {
        const encoded = JSON.stringify(entry);
        encodedEntries.push(encoded);
        pendingBytes += encoded.length;
        entryCount += 1;
        if (pendingBytes >= SNAPSHOT_RECORD_BYTES) {
          bytes += await appendRecord(handle, bytes, encodeSnapshotEntries(encodedEntries));
          encodedEntries = [];
          pendingBytes = 0;
        }
      }
      if (encodedEntries.length > 0) {
        bytes += await appendRecord(handle, bytes, encodeSnapshotEntries(encodedEntries));
      }
      assertStoreInvariant(entryCount === this.index.size, 'the snapshot missed entries');
      bytes += await appendRecord(handle, bytes, encodeSnapshotEnd(entryCount));
      await handle.sync();
      return bytes;
    } finally {
      await handle.close();
    }
  }

  private fail(error: unknown): void {
    if (this.failure === null) {
      this.failure = new TerminalStoreError(
        'STORE_FAILED',
        `${this.directory}: a write or fsync failed, so what is on disk is unknown; close and reopen the store`,
        { cause: error },
      );
    }
    const staged = this.staged;
    this.staged = null;
    staged?.reject(this.failure);
  }

  private async fault(point: FileStoreFaultPoint): Promise<void> {
    await this.options.faultPoint?.(point);
  }

  private assertUsable(): void {
    if (this.closed) {
      throw new TerminalStoreError('STORE_CLOSED', `${this.directory} is closed`);
    }
    if (this.failure !== null) {
      throw this.failure;
    }
  }
}

/**
 * Rebuilds the index from the snapshot and the current log, cuts a torn tail off the log, and
 * deletes what an interrupted compaction left behind.
 */
async function recover(directory: string): Promise<RecoveredState> {
  await unlink(join(directory, SNAPSHOT_TEMPORARY_FILE_NAME)).catch(ignoreMissing);
  const names = await readdir(directory);
  const logGenerations = names.map(parseLogFileName).filter((generation) => generation !== null);
  const index = new SortedKeyMap();
  let generation = 0;
  let snapshotBytes = 0;
  if (names.includes(SNAPSHOT_FILE_NAME)) {
    ({ generation, bytes: snapshotBytes } = await loadSnapshot(join(directory, SNAPSHOT_FILE_NAME), index));
  } else if (logGenerations.some((logGeneration) => logGeneration !== 0)) {
    throw corrupt(directory, 'has log files of a later generation but no snapshot');
  }
  if (logGenerations.some((logGeneration) => logGeneration > generation)) {
    throw corrupt(directory, `has a log newer than its snapshot (generation ${generation})`);
  }
  const log = logGenerations.includes(generation)
    ? await replayLog(directory, generation, index)
    : await createLog(directory, generation);
  const staleGenerations = logGenerations.filter((logGeneration) => logGeneration < generation);
  for (const stale of staleGenerations) {
    await unlink(join(directory, logFileName(stale)));
  }
  if (staleGenerations.length > 0) {
    await syncDirectory(directory);
  }
  return { index, log, snapshotBytes };
}

async function loadSnapshot(
  path: string,
  index: SortedKeyMap,
): Promise<{ generation: number; bytes: number }> {
  const handle = await open(path, 'r');
  let file: Buffer;
  try {
    file = await handle.readFile();
  } finally {
    await handle.close();
  }
  const decoded = decodeRecords(file, SNAPSHOT_FILE_NAME);
  // A snapshot is synced before it is renamed into place, so no crash can leave it short.
  if (decoded.tornTail) {
    throw corrupt(SNAPSHOT_FILE_NAME, `is damaged at byte ${decoded.validBytes}`);
  }
  const [header, ...records] = decoded.payloads;
  if (header === undefined) {
    throw corrupt(SNAPSHOT_FILE_NAME, 'is empty');
  }
  const generation = parseFileHeader(header, 'snapshot', SNAPSHOT_FILE_NAME);
  let entryCount = 0;
  for (const [position, payload] of records.entries()) {
    const record = parseSnapshotRecord(payload, SNAPSHOT_FILE_NAME);
    if ('entryCount' in record) {
      if (position !== records.length - 1 || record.entryCount !== entryCount) {
        throw corrupt(SNAPSHOT_FILE_NAME, `ends after ${entryCount} entries but says ${record.entryCount}`);
      }
      assertStoreInvariant(index.size === entryCount, 'the snapshot repeats a key');
      return { generation, bytes: file.length };
    }
    for (const [key, value] of record.entries) {
      index.load(key, value);
    }
    entryCount += record.entries.length;
  }
  throw corrupt(SNAPSHOT_FILE_NAME, 'has no end record');
}

async function replayLog(directory: string, generation: number, index: SortedKeyMap): Promise<ActiveLog> {
  const fileName = logFileName(generation);
  const handle = await open(join(directory, fileName), 'r+');
  try {
    const file = await handle.readFile();
    const decoded = decodeRecords(file, fileName);
    const [header, ...batches] = decoded.payloads;
    if (header === undefined) {
      // A crash while the log was being created: it holds nothing yet.
      await handle.truncate(0);
      const bytes = await appendRecord(handle, 0, encodeFileHeader('log', generation));
      await handle.sync();
      return { handle, generation, bytes, entries: 0, replacedEntries: 0 };
    }
    if (parseFileHeader(header, 'log', fileName) !== generation) {
      throw corrupt(fileName, 'names another generation');
    }
    let entries = 0;
    let replacedEntries = 0;
    for (const batch of batches) {
      for (const transaction of parseLogBatch(batch, fileName)) {
        for (const key of transaction.deletes) {
          if (index.has(key)) replacedEntries += 1;
          index.delete(key);
        }
        for (const [key, value] of transaction.puts) {
          if (index.has(key)) replacedEntries += 1;
          index.load(key, value);
        }
        entries += transaction.deletes.length + transaction.puts.length;
      }
    }
    if (decoded.tornTail) {
      await handle.truncate(decoded.validBytes);
      await handle.sync();
    }
    return { handle, generation, bytes: decoded.validBytes, entries, replacedEntries };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function createLog(directory: string, generation: number): Promise<ActiveLog> {
  const handle = await open(join(directory, logFileName(generation)), 'wx');
  try {
    const bytes = await appendRecord(handle, 0, encodeFileHeader('log', generation));
    await handle.sync();
    await syncDirectory(directory);
    return { handle, generation, bytes, entries: 0, replacedEntries: 0 };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Writes one record at `offset` and returns its length. */
async function appendRecord(handle: FileHandle, offset: number, payload: string): Promise<number> {
  const record = encodeRecord(Buffer.from(payload, 'utf8'), offset);
  await writeFully(handle, record, offset);
  return record.length;
}

async function writeFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, position + written);
    // Each round must make progress, which bounds the loop by the buffer's length.
    assertStoreInvariant(bytesWritten > 0, 'a file write made no progress');
    written += bytesWritten;
  }
}

/**
 * Makes a directory's entries (a new file, a rename) durable. Windows cannot open a directory for
 * fsync; NTFS journals its metadata instead.
 */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') {
    return;
  }
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function createStagedBatch(): StagedBatch {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const durable = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  // Reads wait on this promise too; a failure must not also surface as an unhandled rejection.
  durable.catch(() => undefined);
  return { encodedTransactions: [], bytes: 0, durable, resolve, reject };
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
    throw error;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
