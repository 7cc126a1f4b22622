/**
 * The sync wire protocol between terminals and the server (docs/sync-protocol.md).
 *
 * History:
 * - 1 (2026-11): activation with a device key, push of signed facts in sequence batches, pull of
 *   state changes by a commit-ordered cursor.
 *   Later in 1, additive: GET /api/v1/sync/snapshot, the bootstrap snapshot (sync/snapshot.ts). A
 *   terminal falls back to the feed from cursor 0 when a server answers 404; a server keeps that
 *   feed for terminals that never ask for a snapshot.
 *
 * A server answers every version from SYNC_PROTOCOL_MIN_SUPPORTED to SYNC_PROTOCOL_VERSION; a terminal
 * older than the minimum is told to update (it keeps its outbox meanwhile).
 */
export const SYNC_PROTOCOL_VERSION = 1;
export const SYNC_PROTOCOL_MIN_SUPPORTED = 1;
