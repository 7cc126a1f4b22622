import {
  type HealthSample,
  healthReportRequestSchema,
  healthReportResponseSchema,
  roleSpansAllStores,
  type SyncHealthTerminal,
  syncHealthQuerySchema,
  syncHealthResponseSchema,
} from '@mostrador/core';
import { sql } from 'kysely';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import type { AppInstance } from '../http/app-instance';
import { assertStoreAccess, deviceOf, principalOf, scopeOf } from '../http/authorization';

/** Samples older than this are dropped when a terminal reports; the dashboard shows at most 31 days. */
export const HEALTH_SAMPLE_RETENTION_DAYS = 35;
/** A dashboard answer carries at most this many samples per terminal (the newest). */
export const HEALTH_SAMPLES_PER_TERMINAL_MAX = 5_000;

/**
 * POST /api/v1/sync/status — a terminal reports its sync health and the samples it took since its
 * last report (idempotent: a re-sent sample inserts nothing).
 * GET /api/v1/sync/health — the manager's dashboard: per terminal the latest report, open
 * conflicts and the sampled history of the last days.
 */
export function registerHealthRoutes(app: AppInstance, database: Database, clock: () => Date): void {
  app.post(
    '/api/v1/sync/status',
    {
      config: { device: true },
      schema: {
        tags: ['sync'],
        body: healthReportRequestSchema,
        response: { 200: healthReportResponseSchema },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      const { health, samples } = request.body;
      const now = clock();
      return withTenant(
        database.app,
        { tenantId: device.tenantId, userId: null },
        async ({ transaction }) => {
          const row = {
            reported_at: now,
            pending_count: health.pendingCount,
            oldest_pending_at: health.oldestPendingAt,
            last_successful_sync_at: health.lastSuccessfulSyncAt,
            offline_seconds_total: health.offlineSecondsTotal,
            head_sequence: health.headSequence,
            acknowledged_sequence: health.acknowledgedSequence,
          };
          await transaction
            .insertInto('terminal_health')
            .values({ tenant_id: device.tenantId, terminal_id: device.terminalId, ...row })
            .onConflict((conflict) => conflict.columns(['tenant_id', 'terminal_id']).doUpdateSet(row))
            .execute();
          let acceptedSamples = 0;
          if (samples.length > 0) {
            const inserted = await transaction
              .insertInto('terminal_health_samples')
              .values(
                samples.map((sample) => ({
                  tenant_id: device.tenantId,
                  terminal_id: device.terminalId,
                  sampled_at: sample.at,
                  online: sample.online,
                  pending_count: sample.pendingCount,
                })),
              )
              .onConflict((conflict) =>
                conflict.columns(['tenant_id', 'terminal_id', 'sampled_at']).doNothing(),
              )
              .executeTakeFirst();
            acceptedSamples = Number(inserted.numInsertedOrUpdatedRows ?? 0n);
          }
          await transaction
            .deleteFrom('terminal_health_samples')
            .where('terminal_id', '=', device.terminalId)
            .where('sampled_at', '<', new Date(now.getTime() - HEALTH_SAMPLE_RETENTION_DAYS * 86_400_000))
            .execute();
          await transaction
            .updateTable('terminals')
            .set({ last_seen_at: now })
            .where('id', '=', device.terminalId)
            .execute();
          return { acceptedSamples };
        },
      );
    },
  );

  app.get(
    '/api/v1/sync/health',
    {
      config: { permission: 'terminals.manage' },
      schema: {
        tags: ['sync'],
        querystring: syncHealthQuerySchema,
        response: { 200: syncHealthResponseSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { storeId, days } = request.query;
      if (storeId !== undefined) assertStoreAccess(principal, storeId);
      const now = clock();
      const since = new Date(now.getTime() - days * 86_400_000);
      const terminals = await withTenant(database.app, scopeOf(request), async ({ transaction }) => {
        let query = transaction
          .selectFrom('terminals')
          .leftJoin('terminal_health', 'terminal_health.terminal_id', 'terminals.id')
          .select([
            'terminals.id',
            'terminals.name',
            'terminals.store_id',
            'terminals.status',
            'terminals.last_seen_at',
            'terminal_health.reported_at',
            'terminal_health.pending_count',
            'terminal_health.oldest_pending_at',
            'terminal_health.last_successful_sync_at',
            'terminal_health.offline_seconds_total',
          ])
          .select((eb) =>
            eb
              .selectFrom('conflicts')
              .select(sql<number>`count(*)::int`.as('count'))
              .whereRef('conflicts.terminal_id', '=', 'terminals.id')
              .where('conflicts.status', '=', 'open')
              .as('open_conflicts'),
          )
          .orderBy('terminals.store_id')
          .orderBy('terminals.number');
        if (storeId !== undefined) query = query.where('terminals.store_id', '=', storeId);
        else if (!roleSpansAllStores(principal.role)) {
          if (principal.storeIds.length === 0) return [];
          query = query.where('terminals.store_id', 'in', principal.storeIds);
        }
        const rows = await query.execute();
        const samplesByTerminal = new Map<string, HealthSample[]>();
        if (rows.length > 0) {
          const sampleRows = await transaction
            .selectFrom('terminal_health_samples')
            .select(['terminal_id', 'sampled_at', 'online', 'pending_count'])
            .where(
              'terminal_id',
              'in',
              rows.map((row) => row.id),
            )
            .where('sampled_at', '>=', since)
            .orderBy('terminal_id')
            .orderBy('sampled_at', 'desc')
            .execute();
          for (const sample of sampleRows) {
            const list = samplesByTerminal.get(sample.terminal_id) ?? [];
            if (list.length >= HEALTH_SAMPLES_PER_TERMINAL_MAX) continue;
            list.push({
              at: new Date(sample.sampled_at).toISOString(),
              online: sample.online,
              pendingCount: sample.pending_count,
            });
            samplesByTerminal.set(sample.terminal_id, list);
          }
        }
        return rows.map(
          (row): SyncHealthTerminal => ({
            terminalId: row.id,
            name: row.name,
            storeId: row.store_id,
            status: row.status,
            lastSeenAt: isoOrNull(row.last_seen_at),
            lastReportAt: isoOrNull(row.reported_at),
            pendingCount: row.pending_count,
            oldestPendingAt: isoOrNull(row.oldest_pending_at),
            lastSuccessfulSyncAt: isoOrNull(row.last_successful_sync_at),
            offlineSecondsTotal:
              row.offline_seconds_total === null ? null : Number(row.offline_seconds_total),
            openConflicts: Number(row.open_conflicts ?? 0),
            samples: (samplesByTerminal.get(row.id) ?? []).reverse(),
          }),
        );
      });
      return { generatedAt: now.toISOString(), days, terminals };
    },
  );
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
