import { type Kysely, sql } from 'kysely';
import { executeStatements, protectTenantTable } from './row-level-security';

/**
 * What terminals need from the server: device credentials and chain heads on terminals, folio
 * series, per-SKU safety buffers for the offline stock guard, price history (to judge stale
 * prices at a sale's time), and a version on tenant settings for the change feed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    ALTER TABLE tenants ADD COLUMN version bigint NOT NULL DEFAULT 0;

    ALTER TABLE stores ADD COLUMN folio_scope text NOT NULL DEFAULT 'per_store'
      CHECK (folio_scope IN ('per_store', 'per_terminal'));

    ALTER TABLE terminals DROP CONSTRAINT terminals_status_check;
    ALTER TABLE terminals ADD CONSTRAINT terminals_status_check
      CHECK (status IN ('active', 'revoked', 'reactivation_required'));
    ALTER TABLE terminals ADD COLUMN number integer NOT NULL DEFAULT 1;
    ALTER TABLE terminals ADD COLUMN device_secret_hash text NOT NULL DEFAULT '';
    ALTER TABLE terminals ADD COLUMN activated_by uuid;
    ALTER TABLE terminals ADD COLUMN revoked_by uuid;
    ALTER TABLE terminals ADD COLUMN planned_offline boolean NOT NULL DEFAULT false;
    ALTER TABLE terminals ADD COLUMN last_seen_at timestamptz;

    CREATE TABLE folio_series (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid,
      document_type text NOT NULL CHECK (document_type IN ('sale', 'refund')),
      scope text NOT NULL CHECK (scope IN ('per_store', 'per_terminal')),
      prefix text NOT NULL,
      next_number bigint NOT NULL DEFAULT 1 CHECK (next_number >= 1),
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
      FOREIGN KEY (tenant_id, terminal_id) REFERENCES terminals (tenant_id, id),
      CHECK ((scope = 'per_terminal') = (terminal_id IS NOT NULL))
    );
    CREATE UNIQUE INDEX folio_series_scope ON folio_series
      (tenant_id, store_id, document_type, coalesce(terminal_id, '00000000-0000-0000-0000-000000000000'::uuid))
      WHERE deleted_at IS NULL;
    CREATE INDEX folio_series_version ON folio_series (tenant_id, version);

    CREATE TABLE safety_buffers (
      tenant_id uuid NOT NULL,
      store_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      quantity numeric(14, 3) NOT NULL CHECK (quantity >= 0),
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, store_id, variant_id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
      FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id)
    );
    CREATE INDEX safety_buffers_version ON safety_buffers (tenant_id, version);

    CREATE TABLE price_history (
      tenant_id uuid NOT NULL,
      price_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      store_id uuid,
      currency char(3) NOT NULL,
      amount_minor bigint NOT NULL,
      valid_from timestamptz NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      PRIMARY KEY (tenant_id, price_id, valid_from)
    );
    CREATE INDEX price_history_lookup ON price_history (tenant_id, variant_id, currency, valid_from);

    DROP INDEX stock_levels_version;
    CREATE INDEX stock_levels_feed ON stock_levels (tenant_id, version, warehouse_id, variant_id);
    DROP INDEX barcodes_version;
    CREATE INDEX barcodes_feed ON barcodes (tenant_id, version, code COLLATE "C");
    DROP INDEX variants_version;
    CREATE INDEX variants_feed ON variants (tenant_id, version, id);
    DROP INDEX prices_version;
    CREATE INDEX prices_feed ON prices (tenant_id, version, id);
    DROP INDEX products_version;
    CREATE INDEX products_feed ON products (tenant_id, version, id)
  `,
  );

  // Every price change leaves a dated row, so a sale made offline can be judged against the price
  // that was in force when it happened, not the one in force when it synced.
  await sql
    .raw(`
    CREATE FUNCTION record_price_history() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO price_history (tenant_id, price_id, variant_id, store_id, currency, amount_minor, valid_from, deleted)
      VALUES (NEW.tenant_id, NEW.id, NEW.variant_id, NEW.store_id, NEW.currency, NEW.amount_minor,
              clock_timestamp(), NEW.deleted_at IS NOT NULL)
      ON CONFLICT (tenant_id, price_id, valid_from) DO NOTHING;
      RETURN NEW;
    END $$
  `)
    .execute(db);
  await sql
    .raw(`
    CREATE TRIGGER prices_history AFTER INSERT OR UPDATE OF amount_minor, deleted_at ON prices
      FOR EACH ROW EXECUTE FUNCTION record_price_history()
  `)
    .execute(db);

  await protectTenantTable(db, 'folio_series', 'read-write');
  await protectTenantTable(db, 'safety_buffers', 'read-write');
  await protectTenantTable(db, 'price_history', 'append-only');
}
