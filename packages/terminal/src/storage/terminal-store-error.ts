/**
 * Why a terminal store refused or failed an operation. These are I/O failures and caller bugs, not
 * business outcomes: the engine decides what the cashier sees (for example "storage full, call
 * support") and maps them to user-facing codes there.
 */
export type TerminalStoreErrorCode =
  /** The store was closed; open it again. */
  | 'STORE_CLOSED'
  /** Another live process (or this one) has the directory open for writing. */
  | 'STORE_LOCKED'
  /** The data on disk fails its checksums somewhere a crash cannot explain; nothing was discarded. */
  | 'STORE_CORRUPT'
  /**
   * The storage layer failed. The file store cannot know what reached the disk after a failed write
   * or fsync, so it refuses everything until it is closed and reopened.
   */
  | 'STORE_FAILED'
  /** A write was refused or aborted before it committed: nothing of it was applied, and the store goes on. */
  | 'WRITE_FAILED'
  /** The browser refused a write for lack of quota: nothing of it was applied; free space or ask for persistence. */
  | 'QUOTA_EXCEEDED'
  /** Too many transactions are waiting for their turn: a caller is not awaiting its writes. */
  | 'STORE_BUSY'
  /** A transaction object was used after its work had finished. */
  | 'TRANSACTION_FINISHED'
  /** A key is not a string, or is longer than the limit. */
  | 'KEY_INVALID'
  /** A value is not a JSON value (undefined, NaN, a Date, a cycle...) or nests too deeply. */
  | 'VALUE_INVALID'
  /** A value or a transaction is larger than the store accepts. */
  | 'TOO_LARGE'
  /** Scan options are not valid (negative or fractional limit). */
  | 'SCAN_OPTIONS_INVALID'
  /** An encrypted value failed authentication: tampered, moved to another key, or the wrong key. */
  | 'DECRYPTION_FAILED'
  /** The stored format is newer than this code understands. */
  | 'FORMAT_UNSUPPORTED';

export class TerminalStoreError extends Error {
  override readonly name = 'TerminalStoreError';

  constructor(
    readonly code: TerminalStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isTerminalStoreError(
  error: unknown,
  code?: TerminalStoreErrorCode,
): error is TerminalStoreError {
  return error instanceof TerminalStoreError && (code === undefined || error.code === code);
}

/** Guards an invariant of the store itself: failing one is a bug here, never the caller's input. */
export function assertStoreInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(`Terminal store invariant broken: ${message}`);
  }
}
