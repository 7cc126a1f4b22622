import { type Kysely, sql, type Transaction } from 'kysely';
import type { DatabaseSchema } from './database-schema';
import { APP_ROLE } from './migrations/0001-foundation';

export type TenantTransaction = Transaction<DatabaseSchema>;

export interface TenantScope {
  readonly tenantId: string;
  readonly userId: string | null;
}

/** What a unit of tenant work gets: its transaction, who it acts for, and the change version. */
export interface TenantWork {
  readonly transaction: TenantTransaction;
  readonly scope: TenantScope;
  /**
   * The tenant's change version for everything this transaction writes. The first call takes the
   * tenant's version row lock until commit, so versions commit in the order they are handed out.
   *
   * `takeWithin`, used only if the version is not taken yet, takes it inside the caller's own
   * statement (with TAKE_VERSION_CTE) and returns it, saving a round trip under the lock.
   */
  changeVersion(takeWithin?: () => Promise<number>): Promise<number>;
}

/**
 * A WITH item, named `taken_version`, that takes the tenant's next change version: a statement
 * reads it as `(SELECT version FROM taken_version)` before it writes a versioned row, so the
 * version row is locked first, as everywhere.
 */
export function takeVersionCte(tenantId: string) {
  return sql`taken_version AS (
    UPDATE tenant_versions SET version = version + 1 WHERE tenant_id = ${tenantId} RETURNING version
  )`;
}

/**
 * Runs `work` in one transaction bound to one tenant. The role switch and the tenant setting are
 * transaction-local, so they end with the transaction and a pooled connection carries nothing
 * over to the next request. Row-level security then filters every statement, including one
 * whose author forgot `where tenant_id = ...`.
 */
export async function withTenant<T>(
  app: Kysely<DatabaseSchema>,
  scope: TenantScope,
  work: (tenantWork: TenantWork) => Promise<T>,
  options: { isolationLevel?: 'read committed' | 'repeatable read' | 'serializable' } = {},
): Promise<T> {
  return app
    .transaction()
    .setIsolationLevel(options.isolationLevel ?? 'read committed')
    .execute(async (transaction) => {
      await sql`
      SELECT set_config('role', ${APP_ROLE}, true),
             set_config('app.tenant_id', ${scope.tenantId}, true),
             set_config('app.user_id', ${scope.userId ?? ''}, true)
    `.execute(transaction);
      let version: Promise<number> | undefined;
      return work({
        transaction,
        scope,
        changeVersion(takeWithin) {
          version ??=
            takeWithin === undefined ? bumpTenantVersion(transaction, scope.tenantId) : takeWithin();
          return version;
        },
      });
    });
}

async function bumpTenantVersion(transaction: TenantTransaction, tenantId: string): Promise<number> {
  const result = await sql<{ version: number }>`
    WITH ${takeVersionCte(tenantId)} SELECT version FROM taken_version
  `.execute(transaction);
  const version = result.rows[0]?.version;
  if (version === undefined) throw new Error(`tenant ${tenantId} has no version row`);
  return version;
}
