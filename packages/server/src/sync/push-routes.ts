import { pushRequestSchema, pushResponseSchema } from '@mostrador/core';
import type { Database } from '../database/database';
import type { AppInstance } from '../http/app-instance';
import { deviceOf } from '../http/authorization';
import { pushFacts } from './push-service';

/**
 * A batch holds up to 200 facts and a sale up to 500 lines, so push takes more than the API's
 * 1 MiB; terminals should still cut batches by size as well as by count.
 */
export const PUSH_BODY_LIMIT_BYTES = 4 * 1_048_576;

/**
 * POST /api/v1/sync/push — a terminal uploads its outbox in sequence order (docs/sync-protocol.md).
 * Every outcome (applied, gap, fork, rejected) is a 200 with the same body: the terminal acts on
 * `outcome` and forgets pending facts only up to `acknowledgedSequence`.
 */
export function registerPushRoutes(app: AppInstance, database: Database, clock: () => Date): void {
  app.post(
    '/api/v1/sync/push',
    {
      bodyLimit: PUSH_BODY_LIMIT_BYTES,
      config: { device: true },
      schema: {
        tags: ['sync'],
        body: pushRequestSchema,
        response: { 200: pushResponseSchema },
      },
    },
    async (request) =>
      pushFacts({ database, logger: request.log }, deviceOf(request), request.body.facts, clock()),
  );
}
