import type { Database } from '@mostrador/server';

/** Everything of one tenant the checks read, through the owner connection, in one go. */
export async function loadServerRecords(database: Database, tenantId: string) {
  const db = database.system;
  const [
    facts,
    quarantined,
    terminals,
    sales,
    saleLines,
    saleTenders,
    refunds,
    voids,
    cashMovements,
    shifts,
    stockLevels,
    stockMovements,
    conflicts,
    folioAssignments,
    folioSeries,
    prices,
  ] = await Promise.all([
    db
      .selectFrom('facts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('terminal_id')
      .orderBy('sequence')
      .execute(),
    db.selectFrom('quarantined_facts').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('terminals').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('sales').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('sale_lines').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('sale_tenders').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('refunds').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('voids').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('cash_movements').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('shifts').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('stock_levels').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('stock_movements').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('conflicts').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('folio_assignments').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('folio_series').selectAll().where('tenant_id', '=', tenantId).execute(),
    db
      .selectFrom('prices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is', null)
      .execute(),
  ]);
  return {
    facts,
    quarantined,
    terminals,
    sales,
    saleLines,
    saleTenders,
    refunds,
    voids,
    cashMovements,
    shifts,
    stockLevels,
    stockMovements,
    conflicts,
    folioAssignments,
    folioSeries,
    prices,
  };
}

export type ServerRecords = Awaited<ReturnType<typeof loadServerRecords>>;
