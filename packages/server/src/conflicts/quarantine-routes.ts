import { roleSpansAllStores } from '@mostrador/core';
import { z } from 'zod';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';
import { acceptQuarantinedFact, rejectQuarantinedFact } from './quarantine-decisions';

export const QUARANTINE_PAGE_ITEMS_MAX = 500;

const quarantinedFactSchema = z.object({
  id: z.string(),
  terminalId: z.string(),
  storeId: z.string(),
  sequence: z.number().int(),
  eventId: z.string(),
  hash: z.string(),
  storedHash: z.string().nullable(),
  factType: z.string(),
  status: z.enum(['quarantined', 'accepted', 'rejected']),
  conflictId: z.string().nullable(),
  receivedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  envelope: z.record(z.string(), z.unknown()),
});

const listQuerySchema = z.strictObject({
  status: z.enum(['quarantined', 'accepted', 'rejected']).optional(),
  terminalId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(QUARANTINE_PAGE_ITEMS_MAX).default(100),
  /** The last id of the previous page; pages follow the order the facts arrived in. */
  cursor: z.uuid().optional(),
});

const decisionSchema = z.strictObject({ note: z.string().trim().min(1).max(2000) });
const idParams = z.strictObject({ id: z.uuid() });

const acceptedSchema = z.object({
  id: z.string(),
  status: z.literal('accepted'),
  folios: z.array(
    z.object({
      eventId: z.string(),
      documentId: z.string(),
      provisionalFolio: z.string(),
      finalFolio: z.string(),
      folioSeriesId: z.string().nullable(),
    }),
  ),
});

/** The facts of forked terminals, kept aside until a manager accepts or rejects each one. */
export function registerQuarantineRoutes(app: AppInstance, database: Database, clock: () => Date): void {
  app.get(
    '/api/v1/quarantine',
    {
      config: { permission: 'conflicts.resolve' },
      schema: {
        tags: ['conflicts'],
        querystring: listQuerySchema,
        response: {
          200: z.object({ items: z.array(quarantinedFactSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { status, terminalId, limit, cursor } = request.query;
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        let query = transaction
          .selectFrom('quarantined_facts')
          .selectAll()
          .orderBy('id')
          .limit(limit + 1);
        if (status !== undefined) query = query.where('status', '=', status);
        if (terminalId !== undefined) query = query.where('terminal_id', '=', terminalId);
        if (cursor !== undefined) query = query.where('id', '>', cursor);
        if (!roleSpansAllStores(principal.role)) {
          if (principal.storeIds.length === 0) return { items: [], nextCursor: null };
          query = query.where('store_id', 'in', principal.storeIds);
        }
        const rows = await query.execute();
        const items = rows.slice(0, limit).map((row) => ({
          id: row.id,
          terminalId: row.terminal_id,
          storeId: row.store_id,
          sequence: row.sequence,
          eventId: row.event_id,
          hash: row.hash,
          storedHash: row.stored_hash,
          factType: String((row.envelope.payload as { type?: unknown } | undefined)?.type ?? ''),
          status: row.status,
          conflictId: row.conflict_id,
          receivedAt: new Date(row.received_at).toISOString(),
          decidedBy: row.decided_by,
          decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
          decisionNote: row.decision_note,
          envelope: row.envelope,
        }));
        return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
      });
    },
  );

  app.post(
    '/api/v1/quarantine/:id/accept',
    {
      config: { permission: 'conflicts.resolve' },
      schema: {
        tags: ['conflicts'],
        params: idParams,
        body: decisionSchema,
        response: { 200: acceptedSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return withTenant(database.app, scopeOf(request), async (work) => {
        const folios = await acceptQuarantinedFact(work, {
          quarantineId: request.params.id,
          note: request.body.note,
          now: clock(),
          authorize: (storeId) => assertStoreAccess(principal, storeId),
          userId: principal.userId,
        });
        return { id: request.params.id, status: 'accepted' as const, folios };
      });
    },
  );

  app.post(
    '/api/v1/quarantine/:id/reject',
    {
      config: { permission: 'conflicts.resolve' },
      schema: { tags: ['conflicts'], params: idParams, body: decisionSchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await withTenant(database.app, scopeOf(request), (work) =>
        rejectQuarantinedFact(work, {
          quarantineId: request.params.id,
          note: request.body.note,
          now: clock(),
          authorize: (storeId) => assertStoreAccess(principal, storeId),
          userId: principal.userId,
        }),
      );
      return reply.status(204).send(null);
    },
  );
}
