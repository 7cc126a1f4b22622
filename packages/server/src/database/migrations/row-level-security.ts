import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from './0001-foundation';

/**
 * The tenant a transaction is bound to (the transaction-local app.tenant_id), as policies compare
 * it. As a scalar subquery it is read once a statement (an InitPlan), not once a row: a push
 * writes about fifteen rows a fact, and reading and casting the setting for each row cost
 * 0.3 µs (migration 0010).
 */
export const BOUND_TENANT_ID = sql.raw(`(SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)`);

/**
 * Puts a tenant table under the same row-level security as every other: enabled and forced, one
 * policy on the transaction-local app.tenant_id, and the application role's privileges.
 */
export async function protectTenantTable(
  db: Kysely<unknown>,
  table: string,
  privileges: 'read-write' | 'append-only',
): Promise<void> {
  await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = ${BOUND_TENANT_ID})
      WITH CHECK (tenant_id = ${BOUND_TENANT_ID})
  `.execute(db);
  const granted = privileges === 'append-only' ? sql`SELECT, INSERT` : sql`SELECT, INSERT, UPDATE, DELETE`;
  await sql`GRANT ${granted} ON ${sql.table(table)} TO ${sql.id(APP_ROLE)}`.execute(db);
}

/** Runs a block of DDL one statement at a time (PGlite's extended protocol takes one per call). */
export async function executeStatements(db: Kysely<unknown>, statements: string): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}
