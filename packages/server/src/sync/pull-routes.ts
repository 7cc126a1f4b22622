import { pullQuerySchema, pullResponseSchema } from '@mostrador/core';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { deviceOf } from '../http/authorization';
import { decodeCursor, encodeCursor, readFeedPage } from './pull-feed';

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
          const warehouses = await work.transaction
            .selectFrom('warehouses')
            .select('id')
            .where('store_id', '=', device.storeId)
            .execute();
          const page = await readFeedPage(
            work.transaction,
            {
              storeId: device.storeId,
              terminalId: device.terminalId,
              warehouseIds: warehouses.map((row) => row.id),
            },
            cursor,
            request.query.limit,
          );
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
}
