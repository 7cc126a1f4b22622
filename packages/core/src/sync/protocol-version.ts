/**
 * The sync wire protocol between terminals and the server (docs/sync-protocol.md).
 *
 * History:
 * - 1 (2026-11): activation with a device key, push of signed facts in sequence batches, pull of
 *   state changes by a commit-ordered cursor.
 *
 * A server answers every version from SYNC_PROTOCOL_MIN_SUPPORTED to SYNC_PROTOCOL_VERSION; a terminal
 * older than the minimum is told to update (it keeps its outbox meanwhile).
 */
export const SYNC_PROTOCOL_VERSION = 1;
export const SYNC_PROTOCOL_MIN_SUPPORTED = 1;
