import type { Kysely } from 'kysely';
import { executeStatements } from './row-level-security';

/**
 * A push writes a batch's lines, tenders and stock movements before it takes the locks that
 * order a tenant's writers (folio series, then the change version), and the sales, refunds and
 * stock levels those rows point to after, under the locks. These foreign keys are therefore
 * checked when the transaction commits instead of row by row: the same rule, held at the same
 * moment the rows become visible to anyone else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    ALTER TABLE sale_lines ALTER CONSTRAINT sale_lines_tenant_id_sale_id_fkey DEFERRABLE INITIALLY DEFERRED;
    ALTER TABLE sale_tenders ALTER CONSTRAINT sale_tenders_tenant_id_sale_id_fkey DEFERRABLE INITIALLY DEFERRED;
    ALTER TABLE refund_lines ALTER CONSTRAINT refund_lines_tenant_id_refund_id_fkey DEFERRABLE INITIALLY DEFERRED;
    ALTER TABLE stock_movements
      ALTER CONSTRAINT stock_movements_tenant_id_warehouse_id_variant_id_fkey DEFERRABLE INITIALLY DEFERRED
    `,
  );
}
