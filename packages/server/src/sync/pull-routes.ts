import {
  pullQuerySchema,
  pullResponseSchema,
  SNAPSHOT_MEDIA_TYPE,
  snapshotLineSchema,
} from '@mostrador/core';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { deviceOf } from '../http/authorization';
import { streamFeedSnapshot } from './feed-snapshot';
import { beginFeedRead, decodeCursor, encodeCursor, readFeedPage } from './pull-feed';

export function registerPullRoutes(app: AppInstance, database: Database, clock: () => Date): void {
  app.get(
    '/api/v1/sync/pull',
    {
      config: { device: true },
      schema: {
        tags: ['sync'],
        querystring: pullQuerySchema,
        response: { 200: pullResponseSchema },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      const cursor = decodeCursor(request.query.cursor);
      if (cursor === undefined) throw new ApiError('VALIDATION_FAILED', 400, { cursor: 'unreadable cursor' });
      // One snapshot for the whole page: reading the entities at different moments could put half
      // of a later commit in the page and advance the cursor past the other half.
      return withTenant(
        database.app,
        { tenantId: device.tenantId, userId: null },
        async (work) => {
          const scope = await beginFeedRead(work.transaction, device);
          const page = await readFeedPage(work.transaction, scope, cursor, request.query.limit);
          return {
            changes: page.changes,
            nextCursor: encodeCursor(page.nextCursor),
            hasMore: page.hasMore,
            serverTime: clock().toISOString(),
          };
        },
        { isolationLevel: 'repeatable read' },
      );
    },
  );

  app.get(
    '/api/v1/sync/snapshot',
    {
      config: { device: true },
      schema: {
        tags: ['sync'],
        description:
          'The bootstrap snapshot: the state the pull feed would deliver from cursor 0, as of one moment, ' +
          'as NDJSON (one line per JSON value below: begin, changes…, end). Continue with the pull feed ' +
          'from the cursor of the begin line. A stream without its end line is incomplete.',
        produces: [SNAPSHOT_MEDIA_TYPE],
        response: { 200: snapshotLineSchema },
      },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      const stream = streamFeedSnapshot(database, device, clock);
      // The status is sent by then: the client sees a stream without its end line.
      stream.on('error', (error) => request.log.warn({ err: error }, 'the snapshot ended early'));
      // A stream skips the response serializer: each line is written from the feed's own types.
      return reply.type(SNAPSHOT_MEDIA_TYPE).send(stream as never);
    },
  );
}
