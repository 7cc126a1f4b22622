import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTenant,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../../testing/test-server';
import { withTenant } from '../tenant-transaction';

describe('the bound tenant is read once a statement (migration 0010)', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 3);
    other = await createTestTenant(server.database, 3);
  });
  afterAll(async () => server.close());

  it('gives every table under row-level security a tenant policy with the setting as a subquery', async () => {
    const tables = await sql<{ table: string; qual: string | null; check: string | null }>`
      SELECT c.relname AS table, p.qual, p.with_check AS check
      FROM pg_class c
      LEFT JOIN pg_policies p ON p.tablename = c.relname AND p.schemaname = current_schema()
        AND p.policyname = 'tenant_isolation'
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relrowsecurity
      ORDER BY c.relname
    `.execute(server.database.system);
    expect(tables.rows.length).toBeGreaterThan(20);
    for (const { table, qual, check } of tables.rows) {
      const column = table === 'tenants' ? 'id' : 'tenant_id';
      const expected = new RegExp(
        `^\\(${column} = \\( SELECT \\(NULLIF\\(current_setting\\('app\\.tenant_id'`,
      );
      expect({ table, qual }).toEqual({ table, qual: expect.stringMatching(expected) });
      expect({ table, check }).toEqual({ table, check: expect.stringMatching(expected) });
    }
  });

  it('evaluates the setting once for the statement, as an InitPlan, and still uses the index', async () => {
    const plan = await withTenant(
      server.database.app,
      { tenantId: tenant.tenantId, userId: null },
      async (work) => {
        // A table this small is cheaper to scan whole; with scans priced out, the plan shows whether
        // the policy's comparison can serve as an index condition at all.
        await sql`SET LOCAL enable_seqscan = off`.execute(work.transaction);
        return sql<{ 'QUERY PLAN': string }>`
          EXPLAIN (COSTS OFF) SELECT name FROM stores WHERE id = ${tenant.storeIds.MX}
        `.execute(work.transaction);
      },
    );
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/InitPlan/);
    expect(text).toMatch(/Index (Only )?Scan/);
  });

  it('still admits only the bound tenant: reads, writes and rows carrying another tenant', async () => {
    const scope = { tenantId: tenant.tenantId, userId: null };
    const seen = await withTenant(server.database.app, scope, (work) =>
      sql<{ tenants: number }>`SELECT count(DISTINCT tenant_id)::int AS tenants FROM variants`.execute(
        work.transaction,
      ),
    );
    expect(seen.rows[0]?.tenants).toBe(1);
    const foreign = await withTenant(server.database.app, scope, (work) =>
      work.transaction.selectFrom('stores').select('id').where('id', '=', other.storeIds.MX).execute(),
    );
    expect(foreign).toEqual([]);
    const refused = await withTenant(server.database.app, scope, (work) =>
      work.transaction
        .updateTable('tenants')
        .set({ name: 'renamed' })
        .where('id', '=', other.tenantId)
        .executeTakeFirst(),
    );
    expect(refused.numUpdatedRows).toBe(0n);
    await expect(
      withTenant(server.database.app, scope, (work) =>
        sql`INSERT INTO categories (tenant_id, id, name, version) VALUES (${other.tenantId}, gen_random_uuid(), 'x', 1)`.execute(
          work.transaction,
        ),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
