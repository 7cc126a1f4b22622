import { z } from 'zod';
import { stateChangeSchema } from './pull';

/**
 * The bootstrap snapshot, `GET /api/v1/sync/snapshot` (docs/sync-protocol.md §6): the state the
 * change feed would deliver from cursor 0, as of one moment, streamed as NDJSON (one JSON value a
 * line, compressed when the client accepts it):
 *
 *   {"begin":{"cursor":"…","serverTime":"…"}}     the feed cursor to continue from afterwards
 *   {"changes":[…]}                               ≤ SNAPSHOT_LINE_CHANGES_MAX changes, no tombstones
 *   {"end":{"changeCount":N}}                     N = all changes of all lines
 *
 * A stream that breaks off before its end line is incomplete and must not be taken as the state.
 * A server without the endpoint answers 404; the terminal then pages the feed from cursor 0.
 */
export const SNAPSHOT_MEDIA_TYPE = 'application/x-ndjson';
export const SNAPSHOT_LINE_CHANGES_MAX = 5_000;

const snapshotBeginSchema = z.object({
  begin: z.object({
    /** Pass as the pull `cursor` once the snapshot is stored: deltas committed after it follow. */
    cursor: z.string().max(200),
    serverTime: z.string(),
  }),
});
const snapshotChangesSchema = z.object({
  changes: z.array(stateChangeSchema).max(SNAPSHOT_LINE_CHANGES_MAX),
});
const snapshotEndSchema = z.object({
  end: z.object({ changeCount: z.number().int().nonnegative() }),
});

export const snapshotLineSchema = z.union([snapshotBeginSchema, snapshotChangesSchema, snapshotEndSchema]);
export type SnapshotLine = z.infer<typeof snapshotLineSchema>;
