import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../database/bulk-insert';
import { type Database, openDatabase } from '../database/database';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { loadFolioBook } from '../folios/folio-assignment';
import { createTestTenant, type TestTenant } from '../testing/test-server';
import { type FolioDocument, writeFolioNumbers } from './pending-writes';

/** A push's batch: 200 facts. */
const SALES = 200;
const REFUNDS = 40;

/** Ends the transaction the test looked into, carrying out what it saw. */
class RolledBack extends Error {
  constructor(readonly seen: object) {
    super('rolled back on purpose');
  }
}

/** Updates of `table` in this transaction so far, and how many of them were HOT. */
async function updatesOf(work: TenantWork, table: 'sales' | 'refunds') {
  const result = await sql<{ updated: number; hot: number }>`
    SELECT pg_stat_get_xact_tuples_updated(${table}::regclass)::int AS updated,
      pg_stat_get_xact_tuples_hot_updated(${table}::regclass)::int AS hot
  `.execute(work.transaction);
  return result.rows[0];
}

describe('final folios of a batch (writeFolioNumbers)', () => {
  let database: Database;
  let tenant: TestTenant;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
    tenant = await createTestTenant(database, 1);
  });
  afterAll(async () => database.close());

  it('gives sales and refunds inserted earlier in the transaction their folios with HOT updates: no new index entries (migration 0008)', async () => {
    const storeId = tenant.storeIds.MX;
    const terminalId = uuidv7();
    const now = new Date();
    const outcome = withTenant(database.app, { tenantId: tenant.tenantId, userId: null }, async (work) => {
      const book = await loadFolioBook(work, { storeId, terminalId, seriesIds: [] });
      const seriesOf = (type: 'sale' | 'refund') => {
        const series = [...book.values()].find((entry) => entry.documentType === type);
        if (series?.scope !== 'per_store') throw new Error(`store MX has no per-store ${type} series`);
        return series.id;
      };
      const common = { tenant_id: tenant.tenantId, store_id: storeId, terminal_id: terminalId };
      const documents: FolioDocument[] = [];
      const sales = Array.from({ length: SALES }, (_, index) => {
        const row = {
          ...common,
          id: uuidv7(),
          event_id: uuidv7(),
          shift_id: uuidv7(),
          cashier_user_id: uuidv7(),
          approved_by_user_id: null,
          customer_id: null,
          currency: 'MXN',
          prices_include_tax: true,
          subtotal_minor: 10_000,
          discount_total_minor: 0,
          tax_total_minor: 1_379,
          total_minor: 10_000,
          tendered_minor: 10_000,
          cash_tendered_minor: 5_000,
          change_minor: 0,
          cash_rounding_minor: 0,
          offline: false,
          provisional_folio: `P-${terminalId.slice(-4)}-${String(index + 1).padStart(6, '0')}`,
          folio_series_id: seriesOf('sale'),
          final_folio: null,
          device_time: now,
          sale_time: now,
          status: 'completed' as const,
          voided_event_id: null,
        };
        documents.push(folioDocument(row, 'sale', row.provisional_folio));
        return row;
      });
      const refunds = Array.from({ length: REFUNDS }, () => {
        const row = {
          ...common,
          id: uuidv7(),
          event_id: uuidv7(),
          sale_id: uuidv7(),
          sale_known: false,
          shift_id: uuidv7(),
          cashier_user_id: uuidv7(),
          approved_by_user_id: null,
          currency: 'MXN',
          total_minor: 2_500,
          cash_refunded_minor: 2_500,
          tenders: JSON.stringify([{ kind: 'cash', amountMinor: 2_500, reference: null }]),
          reason: 'devolución',
          folio_series_id: seriesOf('refund'),
          final_folio: null,
          device_time: now,
        };
        documents.push(folioDocument(row, 'refund', row.id));
        return row;
      });
      await insertRows(work, 'sales', sales);
      await insertRows(work, 'refunds', refunds);

      const recorded = await writeFolioNumbers(work, book, documents, [], now);
      const numbered = await work.transaction
        .selectFrom('sales')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('final_folio', 'like', 'MX-01-%')
        .executeTakeFirstOrThrow();
      throw new RolledBack({
        recorded: recorded.length,
        numberedSales: numbered.count,
        sales: await updatesOf(work, 'sales'),
        refunds: await updatesOf(work, 'refunds'),
      });
    });
    const seen = await outcome.then(
      () => undefined,
      (error: unknown) => (error instanceof RolledBack ? error.seen : Promise.reject(error)),
    );
    expect(seen).toEqual({
      recorded: SALES + REFUNDS,
      numberedSales: SALES,
      sales: { updated: SALES, hot: SALES },
      refunds: { updated: REFUNDS, hot: REFUNDS },
    });
  });
});

function folioDocument(
  row: { id: string; event_id: string; folio_series_id: string; store_id: string; terminal_id: string },
  documentType: 'sale' | 'refund',
  provisionalFolio: string,
): FolioDocument {
  return {
    seriesId: row.folio_series_id,
    documentType,
    documentId: row.id,
    provisionalFolio,
    eventId: row.event_id,
    storeId: row.store_id,
    terminalId: row.terminal_id,
  };
}
