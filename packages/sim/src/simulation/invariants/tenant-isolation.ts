import { type Database, withTenant } from '@mostrador/server';
import type { InvariantReport } from './invariant-report';
import type { ServerRecords } from './server-records';

const ISOLATED_TABLES = ['facts', 'sales', 'conflicts', 'stock_levels', 'terminals', 'shifts'] as const;

/**
 * §5.7: through the application's connection, bound to this tenant, every table shows exactly
 * this tenant's rows, although the shared database holds the tenants of every earlier seed; and
 * a write carrying another tenant's id is refused by the database.
 */
export async function checkTenantIsolation(
  report: InvariantReport,
  database: Database,
  tenantId: string,
  records: ServerRecords,
  neighbourTenantId: string | undefined,
): Promise<void> {
  const owned = {
    facts: records.facts.length,
    sales: records.sales.length,
    conflicts: records.conflicts.length,
    stock_levels: records.stockLevels.length,
    terminals: records.terminals.length,
    shifts: records.shifts.length,
  };
  const seen = await withTenant(database.app, { tenantId, userId: null }, async (work) => {
    const counts: Record<string, number> = {};
    for (const table of ISOLATED_TABLES) {
      const row = await work.transaction
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.count);
    }
    return counts;
  });
  for (const table of ISOLATED_TABLES) {
    report.check(
      'tenant-isolation',
      seen[table] === owned[table],
      () => `${table}: the tenant's connection sees ${seen[table]} rows, it owns ${owned[table]}`,
    );
  }
  const terminalIds = new Set(records.terminals.map((terminal) => terminal.id));
  for (const row of records.facts) {
    report.check(
      'tenant-isolation',
      terminalIds.has(row.terminal_id),
      () => `fact of terminal ${row.terminal_id} that is not this tenant's`,
    );
  }
  if (neighbourTenantId === undefined) return;
  // The same insert, rolled back either way: for this tenant it must go through (the control),
  // for the neighbour the row-level security policy must refuse it.
  const own = await attemptAuditInsert(database, tenantId, tenantId);
  const cross = await attemptAuditInsert(database, tenantId, neighbourTenantId);
  report.check(
    'tenant-isolation',
    own === 'written' && cross === 'refused',
    () => `insert as this tenant: ${own}; with the neighbour's id: ${cross}`,
  );
}

class RollBack extends Error {}

async function attemptAuditInsert(
  database: Database,
  scopeTenantId: string,
  rowTenantId: string,
): Promise<'written' | 'refused'> {
  try {
    await withTenant(database.app, { tenantId: scopeTenantId, userId: null }, async (work) => {
      await work.transaction
        .insertInto('audit_log')
        .values({
          tenant_id: rowTenantId,
          id: '00000000-0000-7000-8000-000000000001',
          actor_user_id: null,
          action: 'simulator.isolation-probe',
          entity: 'tenant',
          entity_id: rowTenantId,
          details: JSON.stringify({}),
        } as never)
        .execute();
      throw new RollBack();
    });
  } catch (error) {
    return error instanceof RollBack ? 'written' : 'refused';
  }
  return 'written';
}
