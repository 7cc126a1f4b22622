import {
  CONFLICT_KINDS,
  type ConflictKind,
  conflictDetailSchema,
  conflictPageSchema,
  conflictSchema,
  roleSpansAllStores,
} from '@mostrador/core';
import { z } from 'zod';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, principalOf, scopeOf } from '../http/authorization';
import { resolveConflict, resolveConflictSchema } from './conflict-resolution';
import { registerQuarantineRoutes } from './quarantine-routes';

export const CONFLICT_PAGE_ITEMS_MAX = 500;

const listQuerySchema = z.strictObject({
  status: z.enum(['open', 'resolved']).optional(),
  storeId: z.uuid().optional(),
  kind: z.enum(CONFLICT_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(CONFLICT_PAGE_ITEMS_MAX).default(100),
  /** The last id of the previous page; pages go from the newest conflict to the oldest. */
  cursor: z.uuid().optional(),
});

const idParams = z.strictObject({ id: z.uuid() });

/**
 * Conflicts for managers: list (newest first, only the stores they may see), inspect with the
 * facts that caused them, and resolve. Also registers the quarantine routes, which decide the
 * facts of a forked terminal.
 */
export function registerConflictRoutes(
  app: AppInstance,
  database: Database,
  clock: () => Date = () => new Date(),
): void {
  app.get(
    '/api/v1/conflicts',
    {
      config: { permission: 'conflicts.resolve' },
      schema: {
        tags: ['conflicts'],
        querystring: listQuerySchema,
        response: { 200: conflictPageSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { status, storeId, kind, limit, cursor } = request.query;
      if (storeId !== undefined) assertStoreAccess(principal, storeId);
      return withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        let query = transaction
          .selectFrom('conflicts')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (status !== undefined) query = query.where('status', '=', status);
        if (kind !== undefined) query = query.where('kind', '=', kind);
        if (cursor !== undefined) query = query.where('id', '<', cursor);
        if (storeId !== undefined) query = query.where('store_id', '=', storeId);
        else if (!roleSpansAllStores(principal.role)) {
          if (principal.storeIds.length === 0) return { items: [], nextCursor: null };
          query = query.where('store_id', 'in', principal.storeIds);
        }
        const rows = await query.execute();
        const items = rows.slice(0, limit).map(conflictView);
        return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
      });
    },
  );

  app.get(
    '/api/v1/conflicts/:id',
    {
      config: { permission: 'conflicts.resolve' },
      schema: {
        tags: ['conflicts'],
        params: idParams,
        response: { 200: conflictDetailSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        const row = await transaction
          .selectFrom('conflicts')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (row === undefined) throw notFound({ conflictId: request.params.id });
        assertStoreAccess(principalOf(request), row.store_id);
        const eventIds = row.event_ids.length === 0 ? [''] : row.event_ids;
        const [journal, quarantine] = await Promise.all([
          transaction
            .selectFrom('facts')
            .select(['event_id', 'terminal_id', 'sequence', 'envelope'])
            .where('event_id', 'in', eventIds)
            .orderBy('sequence')
            .execute(),
          transaction
            .selectFrom('quarantined_facts')
            .select(['event_id', 'terminal_id', 'sequence', 'envelope'])
            .where('event_id', 'in', eventIds)
            .orderBy('sequence')
            .execute(),
        ]);
        const facts = [
          ...journal.map((fact) => ({ ...factView(fact), quarantined: false })),
          ...quarantine.map((fact) => ({ ...factView(fact), quarantined: true })),
        ];
        return { ...conflictView(row), facts };
      }),
  );

  app.post(
    '/api/v1/conflicts/:id/resolve',
    {
      config: { permission: 'conflicts.resolve' },
      schema: {
        tags: ['conflicts'],
        params: idParams,
        body: resolveConflictSchema,
        response: { 200: conflictSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        await resolveConflict(work, principalOf(request), request.params.id, request.body, clock());
        const row = await work.transaction
          .selectFrom('conflicts')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirstOrThrow();
        return conflictView(row);
      }),
  );

  registerQuarantineRoutes(app, database, clock);
}

function conflictView(row: {
  id: string;
  kind: ConflictKind;
  status: 'open' | 'resolved';
  store_id: string;
  terminal_id: string;
  event_ids: string[];
  details: Record<string, unknown>;
  notes: { note: string; byUserId: string; at: string }[];
  resolution: Record<string, unknown> | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
}) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    storeId: row.store_id,
    terminalId: row.terminal_id,
    eventIds: row.event_ids,
    details: row.details,
    notes: row.notes,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function factView(row: {
  event_id: string;
  terminal_id: string;
  sequence: number;
  envelope: Record<string, unknown>;
}) {
  return {
    eventId: row.event_id,
    terminalId: row.terminal_id,
    sequence: row.sequence,
    envelope: row.envelope,
  };
}
