import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import { withTenant } from './tenant-transaction';

describe('tenant isolation (row-level security)', () => {
  let server: TestServer;
  let tenantA: TestTenant;
  let tenantB: TestTenant;

  beforeAll(async () => {
    server = await startTestServer();
    tenantA = await createTestTenant(server.database, 5);
    tenantB = await createTestTenant(server.database, 5);
  });
  afterAll(async () => server.close());

  const scopeA = () => ({ tenantId: tenantA.tenantId, userId: tenantA.userIds.admin });

  it('a query that forgets its tenant filter still sees only its own tenant', async () => {
    const rows = await withTenant(server.database.app, scopeA(), ({ transaction }) =>
      transaction.selectFrom('products').select('tenant_id').execute(),
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(new Set(rows.map((row) => row.tenant_id))).toEqual(new Set([tenantA.tenantId]));

    const raw = await withTenant(server.database.app, scopeA(), async ({ transaction }) =>
      sql<{ tenants: number }>`SELECT count(DISTINCT tenant_id)::int AS tenants FROM variants`.execute(
        transaction,
      ),
    );
    expect(raw.rows[0]?.tenants).toBe(1);
  });

  it('an unfiltered UPDATE changes only its own tenant', async () => {
    const before = await server.database.system
      .selectFrom('categories')
      .select(['id', 'name'])
      .where('tenant_id', '=', tenantB.tenantId)
      .orderBy('id')
      .execute();
    const updated = await withTenant(server.database.app, scopeA(), ({ transaction }) =>
      transaction.updateTable('categories').set({ name: 'renamed by A' }).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBeGreaterThan(0);
    const after = await server.database.system
      .selectFrom('categories')
      .select(['id', 'name'])
      .where('tenant_id', '=', tenantB.tenantId)
      .orderBy('id')
      .execute();
    expect(after).toEqual(before);
  });

  it("refuses to write a row carrying another tenant's id", async () => {
    await expect(
      withTenant(server.database.app, scopeA(), ({ transaction }) =>
        transaction
          .insertInto('categories')
          .values({
            tenant_id: tenantB.tenantId,
            id: '01936b1c-0000-7000-8000-00000000beef',
            parent_id: null,
            name: 'smuggled',
            version: 1,
            deleted_at: null,
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('sees nothing at all without a tenant set, and the app role cannot bypass the policies', async () => {
    const result = await server.database.app.transaction().execute(async (transaction) => {
      await sql`SELECT set_config('role', 'mostrador_app', true)`.execute(transaction);
      const products = await transaction.selectFrom('products').select('id').execute();
      const role = await sql<{ user: string; bypass: boolean; superuser: boolean }>`
        SELECT current_user AS user, rolbypassrls AS bypass, rolsuper AS superuser
        FROM pg_roles WHERE rolname = current_user
      `.execute(transaction);
      return { products, role: role.rows[0] };
    });
    expect(result.products).toEqual([]);
    expect(result.role).toEqual({ user: 'mostrador_app', bypass: false, superuser: false });
  });

  it('on a PostgreSQL server the application logs in as the restricted role', async () => {
    const row = await sql<{ user: string }>`SELECT session_user AS user`.execute(server.database.app);
    expect(row.rows[0]?.user).toBe(server.database.kind === 'postgres' ? 'mostrador_app' : 'postgres');
  });

  it("over HTTP, another tenant's ids are not found and stay unchanged", async () => {
    const tokenA = await login(server.app, tenantA, tenantA.emails.admin);
    const productB = await server.database.system
      .selectFrom('products')
      .select(['id', 'name', 'version'])
      .where('tenant_id', '=', tenantB.tenantId)
      .executeTakeFirstOrThrow();
    const read = await server.app.inject({
      method: 'GET',
      url: `/api/v1/products/${productB.id}`,
      headers: bearer(tokenA),
    });
    expect(read.statusCode).toBe(404);
    expect(read.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const write = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${productB.id}`,
      headers: bearer(tokenA),
      payload: { name: 'hijacked' },
    });
    expect(write.statusCode).toBe(404);
    const still = await server.database.system
      .selectFrom('products')
      .select(['name', 'version'])
      .where('tenant_id', '=', tenantB.tenantId)
      .where('id', '=', productB.id)
      .executeTakeFirstOrThrow();
    expect(still).toEqual({ name: productB.name, version: productB.version });

    const receive = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/receipts',
      headers: bearer(tokenA),
      payload: { warehouseId: tenantB.warehouseIds.CR, lines: [{ variantId: productB.id, quantity: '1' }] },
    });
    expect(receive.statusCode).toBe(404);
  });
});
