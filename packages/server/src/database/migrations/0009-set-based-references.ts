import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from './0001-foundation';

/**
 * The references a sale writes most of, checked once a statement instead of once a row.
 *
 * A foreign key checks each inserted row on its own: a trigger event, a query run through SPI and
 * a key-share lock on the parent row, about 8–13 µs a row. A pushed sale writes 5 lines, 2 tenders
 * and 5 stock movements, so a 200-sale batch ran 2,400 such checks. Dropping those three keys cut
 * PostgreSQL's CPU a fact from 0.366 to 0.313 ms in a 50 × 400 ingest, with the checks below in
 * their place (docs/performance.md).
 *
 * Each key becomes a statement trigger over the rows the statement inserted (a transition table):
 * one anti-join finds any row whose parent is missing and the statement fails as a foreign key
 * would (SQLSTATE 23503, which the API answers as REFERENCE_NOT_FOUND). What a key also did for
 * the parent side is kept by privileges and triggers:
 *
 * - Lines and tenders are history, like stock movements: the application may insert them, never
 *   change or delete them.
 * - Sales and stock levels are never deleted by the application (a sale is voided, a level stays
 *   at zero), and no one may change the key of a row on either side.
 * - The owner deleting a sale with lines, or a level with movements, is refused as a key would
 *   refuse it.
 *
 * One difference remains: a key locks the parent row until commit, and these checks do not. It
 * could only matter to the owner deleting a parent while a push inserts its children, which no
 * code does.
 *
 * A movement's level must now exist when the movement is inserted (the key was deferred to commit:
 * migration 0005). A push inserts its movements before it takes the locks when every level exists,
 * and after creating the missing levels under the locks when one does not (pending-writes.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    // The checks run once a statement, single-row inserts included (a stock receipt), so their
    // queries are static: PL/pgSQL plans each once a session, where a dynamic one is planned anew
    // on every call (0.1-0.3 ms).
    `CREATE FUNCTION assert_sales_exist() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text;
      BEGIN
        -- A sale has several lines and tenders: each sale is looked up once.
        SELECT row(c.tenant_id, c.sale_id)::text INTO missing
        FROM (SELECT DISTINCT tenant_id, sale_id FROM inserted) c
        WHERE NOT EXISTS (SELECT 1 FROM sales p WHERE p.tenant_id = c.tenant_id AND p.id = c.sale_id)
        LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'insert on table "%" violates its reference to "sales"', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (tenant_id, sale_id)=%s is not present in table "sales".', missing);
        END IF;
        RETURN NULL;
      END
    $$`,
    `CREATE FUNCTION assert_stock_levels_exist() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text;
      BEGIN
        SELECT row(c.tenant_id, c.warehouse_id, c.variant_id)::text INTO missing
        FROM inserted c
        WHERE NOT EXISTS (
          SELECT 1 FROM stock_levels p
          WHERE p.tenant_id = c.tenant_id AND p.warehouse_id = c.warehouse_id AND p.variant_id = c.variant_id
        )
        LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'insert on table "%" violates its reference to "stock_levels"', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation',
              DETAIL = format(
                'Key (tenant_id, warehouse_id, variant_id)=%s is not present in table "stock_levels".', missing);
        END IF;
        RETURN NULL;
      END
    $$`,
    // Deletes of parents are rare (only the owner may), so one function serves every pair.
    `CREATE FUNCTION refuse_orphaning_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        child_table text := TG_ARGV[0];
        child_columns text[] := TG_ARGV[1]::text[];
        parent_columns text[] := TG_ARGV[2]::text[];
        orphaned text;
      BEGIN
        EXECUTE format(
          'SELECT row(%1$s)::text FROM deleted p WHERE EXISTS '
            '(SELECT 1 FROM %2$I c WHERE (%3$s) = (%1$s)) LIMIT 1',
          (SELECT string_agg(format('p.%I', name), ', ') FROM unnest(parent_columns) AS name),
          child_table,
          (SELECT string_agg(format('c.%I', name), ', ') FROM unnest(child_columns) AS name)
        ) INTO orphaned;
        IF orphaned IS NOT NULL THEN
          RAISE EXCEPTION 'delete on table "%" would orphan rows of "%"', TG_TABLE_NAME, child_table
            USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (%s)=%s is still referenced from table "%s".',
                array_to_string(parent_columns, ', '), orphaned, child_table);
        END IF;
        RETURN NULL;
      END
    $$`,
    `CREATE FUNCTION refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        name text;
      BEGIN
        FOREACH name IN ARRAY TG_ARGV LOOP
          IF to_jsonb(NEW) -> name IS DISTINCT FROM to_jsonb(OLD) -> name THEN
            RAISE EXCEPTION 'the key column "%" of table "%" never changes', name, TG_TABLE_NAME
              USING ERRCODE = 'foreign_key_violation';
          END IF;
        END LOOP;
        RETURN NEW;
      END
    $$`,

    'ALTER TABLE sale_lines DROP CONSTRAINT sale_lines_tenant_id_sale_id_fkey',
    'ALTER TABLE sale_tenders DROP CONSTRAINT sale_tenders_tenant_id_sale_id_fkey',
    'ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_tenant_id_warehouse_id_variant_id_fkey',

    `CREATE TRIGGER sale_lines_reference_sales AFTER INSERT ON sale_lines
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
      EXECUTE FUNCTION assert_sales_exist()`,
    `CREATE TRIGGER sale_tenders_reference_sales AFTER INSERT ON sale_tenders
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
      EXECUTE FUNCTION assert_sales_exist()`,
    `CREATE TRIGGER stock_movements_reference_levels AFTER INSERT ON stock_movements
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
      EXECUTE FUNCTION assert_stock_levels_exist()`,

    `CREATE TRIGGER sales_keep_lines AFTER DELETE ON sales
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
      EXECUTE FUNCTION refuse_orphaning_delete('sale_lines', '{tenant_id,sale_id}', '{tenant_id,id}')`,
    `CREATE TRIGGER sales_keep_tenders AFTER DELETE ON sales
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
      EXECUTE FUNCTION refuse_orphaning_delete('sale_tenders', '{tenant_id,sale_id}', '{tenant_id,id}')`,
    `CREATE TRIGGER stock_levels_keep_movements AFTER DELETE ON stock_levels
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
      EXECUTE FUNCTION refuse_orphaning_delete('stock_movements',
        '{tenant_id,warehouse_id,variant_id}', '{tenant_id,warehouse_id,variant_id}')`,

    `CREATE TRIGGER sales_key_fixed BEFORE UPDATE OF tenant_id, id ON sales
      FOR EACH ROW EXECUTE FUNCTION refuse_key_change('tenant_id', 'id')`,
    `CREATE TRIGGER stock_levels_key_fixed BEFORE UPDATE OF tenant_id, warehouse_id, variant_id ON stock_levels
      FOR EACH ROW EXECUTE FUNCTION refuse_key_change('tenant_id', 'warehouse_id', 'variant_id')`,
    `CREATE TRIGGER sale_lines_key_fixed BEFORE UPDATE OF tenant_id, sale_id ON sale_lines
      FOR EACH ROW EXECUTE FUNCTION refuse_key_change('tenant_id', 'sale_id')`,
    `CREATE TRIGGER sale_tenders_key_fixed BEFORE UPDATE OF tenant_id, sale_id ON sale_tenders
      FOR EACH ROW EXECUTE FUNCTION refuse_key_change('tenant_id', 'sale_id')`,
    `CREATE TRIGGER stock_movements_key_fixed BEFORE UPDATE OF tenant_id, warehouse_id, variant_id ON stock_movements
      FOR EACH ROW EXECUTE FUNCTION refuse_key_change('tenant_id', 'warehouse_id', 'variant_id')`,
  ]) {
    await sql.raw(statement).execute(db);
  }
  await sql`REVOKE UPDATE, DELETE ON sale_lines, sale_tenders FROM ${sql.id(APP_ROLE)}`.execute(db);
  await sql`REVOKE DELETE ON sales, stock_levels FROM ${sql.id(APP_ROLE)}`.execute(db);
}
