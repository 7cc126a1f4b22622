import type { Kysely } from 'kysely';
import { executeStatements } from './row-level-security';

/**
 * A push writes a batch's movements before it takes the locks that order a tenant's writers
 * (folio series, then the change version) and creates any missing stock level they point to
 * after, under the locks. This foreign key may therefore be checked later than row by row: the
 * push checks it itself (SET CONSTRAINTS … IMMEDIATE) before it takes the locks when every
 * level exists, else at commit: the same rule, held before the rows become visible to anyone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    ALTER TABLE stock_movements
      ALTER CONSTRAINT stock_movements_tenant_id_warehouse_id_variant_id_fkey DEFERRABLE INITIALLY DEFERRED
    `,
  );
}
