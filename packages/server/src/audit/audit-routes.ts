import { pageOf } from '@mostrador/core';
import { z } from 'zod';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import type { AppInstance } from '../http/app-instance';
import { scopeOf } from '../http/authorization';

const auditEntrySchema = z.object({
  id: z.uuid(),
  at: z.string(),
  actorUserId: z.uuid().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  details: z.record(z.string(), z.unknown()),
});
const auditQuerySchema = z.strictObject({
  action: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.uuid().optional(),
});

export function registerAuditRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: { tags: ['audit'], querystring: auditQuerySchema, response: { 200: pageOf(auditEntrySchema) } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        const { action, entityId, limit, cursor } = request.query;
        // Newest first: ids are UUIDv7, ordered by time.
        let query = transaction
          .selectFrom('audit_log')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (action !== undefined) query = query.where('action', '=', action);
        if (entityId !== undefined) query = query.where('entity_id', '=', entityId);
        if (cursor !== undefined) query = query.where('id', '<', cursor);
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => ({
            id: row.id,
            at: new Date(row.at).toISOString(),
            actorUserId: row.actor_user_id,
            action: row.action,
            entity: row.entity,
            entityId: row.entity_id,
            details: row.details,
          })),
          nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
        };
      }),
  );
}
