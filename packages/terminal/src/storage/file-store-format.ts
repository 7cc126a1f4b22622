import type { TransactionChanges } from './buffered-write-transaction';
import type { JsonValue } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * The file store's on-disk format. A store directory holds:
 *
 *   LOCK                 the pid of the process that has it open (see directory-lock.ts)
 *   snapshot             every entry as of the start of the current log (absent until the first compaction)
 *   log.<generation>     the transactions committed since that snapshot, oldest first
 *   snapshot.tmp         a compaction in progress, or one a crash interrupted (deleted on open)
 *
 * Both files are sequences of checksummed records (log-record.ts) holding UTF-8 JSON. The first
 * record of each names the format, its version and the generation; the snapshot's generation is
 * the generation of the one log that continues it.
 *
 *   log record 1:      {"format":"mostrador-terminal-store-log","version":1,"generation":3}
 *   log record n:      {"transactions":[{"puts":[["key",value],...],"deletes":["key",...]},...]}
 *   snapshot record 1: {"format":"mostrador-terminal-store-snapshot","version":1,"generation":3}
 *   snapshot record n: {"entries":[["key",value],...]}
 *   snapshot last:     {"end":{"entryCount":12345}}
 *
 * A log record holds every transaction of one group commit (one fsync), applied in order.
 *
 * History:
 * 1 — First version.
 */
export const FILE_STORE_FORMAT_VERSION = 1;
/** The oldest format this code reads. */
export const FILE_STORE_FORMAT_MIN_SUPPORTED = 1;

export const SNAPSHOT_FILE_NAME = 'snapshot';
export const SNAPSHOT_TEMPORARY_FILE_NAME = 'snapshot.tmp';
const LOG_FORMAT = 'mostrador-terminal-store-log';
const SNAPSHOT_FORMAT = 'mostrador-terminal-store-snapshot';
const GENERATION_DIGITS = 12;

export type FileKind = 'log' | 'snapshot';

export function logFileName(generation: number): string {
  return `log.${String(generation).padStart(GENERATION_DIGITS, '0')}`;
}

/** The generation of a log file name, or null for any other file. */
export function parseLogFileName(name: string): number | null {
  const match = /^log\.(\d{12})$/.exec(name);
  return match === null ? null : Number(match[1]);
}

export function encodeFileHeader(kind: FileKind, generation: number): string {
  return JSON.stringify({
    format: kind === 'log' ? LOG_FORMAT : SNAPSHOT_FORMAT,
    version: FILE_STORE_FORMAT_VERSION,
    generation,
  });
}

export function encodeTransaction(changes: TransactionChanges): string {
  return JSON.stringify({ puts: changes.puts, deletes: changes.deletes });
}

/** Joins already encoded transactions into one group-commit record. */
export function encodeLogBatch(encodedTransactions: readonly string[]): string {
  return `{"transactions":[${encodedTransactions.join(',')}]}`;
}

export function encodeSnapshotEntries(encodedEntries: readonly string[]): string {
  return `{"entries":[${encodedEntries.join(',')}]}`;
}

export function encodeSnapshotEnd(entryCount: number): string {
  return JSON.stringify({ end: { entryCount } });
}

/** Checks a file's first record and returns its generation. */
export function parseFileHeader(payload: Buffer, kind: FileKind, fileName: string): number {
  const header = parsePayload(payload, fileName);
  const expectedFormat = kind === 'log' ? LOG_FORMAT : SNAPSHOT_FORMAT;
  if (!isObject(header) || header.format !== expectedFormat) {
    throw corrupt(fileName, `does not start with a ${expectedFormat} header`);
  }
  const { version, generation } = header;
  if (
    typeof version !== 'number' ||
    !Number.isSafeInteger(version) ||
    version < FILE_STORE_FORMAT_MIN_SUPPORTED
  ) {
    throw corrupt(fileName, `has format version ${String(version)}`);
  }
  if (version > FILE_STORE_FORMAT_VERSION) {
    throw new TerminalStoreError(
      'FORMAT_UNSUPPORTED',
      `${fileName} has format version ${version}; this code reads up to ${FILE_STORE_FORMAT_VERSION}`,
    );
  }
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0) {
    throw corrupt(fileName, `has generation ${String(generation)}`);
  }
  return generation;
}

export function parseLogBatch(payload: Buffer, fileName: string): TransactionChanges[] {
  const batch = parsePayload(payload, fileName);
  if (!isObject(batch) || !Array.isArray(batch.transactions) || batch.transactions.length === 0) {
    throw corrupt(fileName, 'has a record that is not a batch of transactions');
  }
  return batch.transactions.map((transaction: unknown) => {
    if (!isObject(transaction) || !Array.isArray(transaction.puts) || !Array.isArray(transaction.deletes)) {
      throw corrupt(fileName, 'has a transaction without puts and deletes');
    }
    const deletes: unknown[] = transaction.deletes;
    if (!deletes.every((key) => typeof key === 'string')) {
      throw corrupt(fileName, 'deletes something that is not a key');
    }
    return { puts: parseEntries(transaction.puts, fileName), deletes: deletes as string[] };
  });
}

export type SnapshotRecord = { readonly entries: [string, JsonValue][] } | { readonly entryCount: number };

export function parseSnapshotRecord(payload: Buffer, fileName: string): SnapshotRecord {
  const record = parsePayload(payload, fileName);
  if (isObject(record) && Array.isArray(record.entries)) {
    return { entries: parseEntries(record.entries, fileName) };
  }
  if (isObject(record) && isObject(record.end) && typeof record.end.entryCount === 'number') {
    return { entryCount: record.end.entryCount };
  }
  throw corrupt(fileName, 'has a record that is neither entries nor the end');
}

function parseEntries(entries: unknown[], fileName: string): [string, JsonValue][] {
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw corrupt(fileName, 'has an entry that is not a [key, value] pair');
    }
  }
  // JSON.parse only makes JSON values, so the values need no further check.
  return entries as [string, JsonValue][];
}

function parsePayload(payload: Buffer, fileName: string): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new TerminalStoreError(
      'STORE_CORRUPT',
      `${fileName} has a record whose checksum holds but is not JSON`,
      {
        cause: error,
      },
    );
  }
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function corrupt(fileName: string, problem: string): TerminalStoreError {
  return new TerminalStoreError('STORE_CORRUPT', `${fileName} ${problem}`);
}
