import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../database/database-schema';

export interface TenantInput {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly pricesIncludeTax: boolean;
}

/** Creates a tenant and its version counter. Runs as the owner: no tenant exists yet to scope to. */
export async function provisionTenant(system: Kysely<DatabaseSchema>, tenant: TenantInput): Promise<void> {
  await system.transaction().execute(async (transaction) => {
    await transaction
      .insertInto('tenants')
      .values({
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        prices_include_tax: tenant.pricesIncludeTax,
      })
      .execute();
    await transaction.insertInto('tenant_versions').values({ tenant_id: tenant.id }).execute();
  });
}
