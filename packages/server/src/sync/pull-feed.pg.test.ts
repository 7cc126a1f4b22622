import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TenantTransaction, withTenant } from '../database/tenant-transaction';
import { createTestTenant, startTestServer, type TestServer, type TestTenant } from '../testing/test-server';
import { beginFeedRead } from './pull-feed';

/**
 * The feed reads with sorting switched off, which gives a query that must still sort (the tenants
 * table has no feed index) a cost far above `jit_above_cost`. PostgreSQL then compiled that
 * query with LLVM on every pull (100–370 ms of CPU for a 0.02 ms query); the feed's transaction
 * must switch JIT off too. PGlite has no JIT, so this runs in the PostgreSQL leg alone.
 */
describe.skipIf(process.env.DATABASE_URL === undefined)('pull feed: no JIT compilation', () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 5);
  });
  afterAll(async () => server.close());

  /** The plan of the feed's tenants query, run for real, as EXPLAIN's JSON document. */
  async function explainTenantsQuery(transaction: TenantTransaction): Promise<Record<string, unknown>> {
    const result = await sql<{ 'QUERY PLAN': Record<string, unknown>[] }>`
      EXPLAIN (ANALYZE, FORMAT JSON)
      SELECT json_agg(page) FROM (SELECT id, version FROM tenants WHERE version > ${-1} ORDER BY version LIMIT ${500}) AS page
    `.execute(transaction);
    const document = result.rows[0]?.['QUERY PLAN'][0];
    if (document === undefined) throw new Error('EXPLAIN returned no plan');
    return document;
  }

  const scope = () => ({ tenantId: tenant.tenantId, userId: null });

  it('compiles nothing in a feed read, where sorting off alone would have the query compiled', async () => {
    const jitAvailable = await sql<{ available: boolean }>`SELECT pg_jit_available() AS available`.execute(
      server.database.app,
    );
    // The control: on a server that can compile, sorting off alone makes this query compile.
    if (jitAvailable.rows[0]?.available === true) {
      const sortingOffAlone = await withTenant(server.database.app, scope(), async ({ transaction }) => {
        await sql`SELECT set_config('enable_sort', 'off', true), set_config('jit', 'on', true)`.execute(
          transaction,
        );
        return explainTenantsQuery(transaction);
      });
      expect(sortingOffAlone).toHaveProperty('JIT');
    }

    const inFeedRead = await withTenant(
      server.database.app,
      scope(),
      async ({ transaction }) => {
        await sql`SELECT set_config('jit', 'on', true)`.execute(transaction);
        await beginFeedRead(transaction, { storeId: tenant.storeIds.MX, terminalId: tenant.tenantId });
        return explainTenantsQuery(transaction);
      },
      { isolationLevel: 'repeatable read' },
    );
    expect(inFeedRead).not.toHaveProperty('JIT');
    expect(JSON.stringify(inFeedRead.Plan)).toContain('"Node Type":"Sort"');
  });
});
