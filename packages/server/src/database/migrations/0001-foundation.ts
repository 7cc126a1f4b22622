import { type Kysely, sql } from 'kysely';

/**
 * The foundation schema. Every tenant table leads its primary and foreign keys with tenant_id
 * (so the schema can later be distributed by tenant) and is guarded by row-level security keyed
 * on the transaction-local setting app.tenant_id, which only the server sets, from the
 * authenticated principal. FORCE makes the policies apply to the table owner too.
 */
export const APP_ROLE = 'mostrador_app';

const TENANT_TABLES = [
  'stores',
  'warehouses',
  'users',
  'user_stores',
  'terminals',
  'categories',
  'tax_rates',
  'products',
  'variants',
  'barcodes',
  'prices',
  'stock_levels',
  'stock_movements',
  'audit_log',
  'refresh_tokens',
  'tenant_versions',
] as const;

const APPEND_ONLY_TABLES: ReadonlySet<string> = new Set(['audit_log', 'stock_movements']);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      CREATE ROLE mostrador_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
  `.execute(db);

  const tableStatements = `
    CREATE TABLE server_settings (
      key text PRIMARY KEY,
      value text NOT NULL
    );

    CREATE TABLE tenants (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL,
      prices_include_tax boolean NOT NULL DEFAULT true,
      login_max_attempts integer NOT NULL DEFAULT 5 CHECK (login_max_attempts BETWEEN 1 AND 100),
      lockout_minutes integer NOT NULL DEFAULT 15 CHECK (lockout_minutes BETWEEN 1 AND 10080),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- The per-tenant change version. Writers take this row's lock for the rest of their
    -- transaction, so versions become visible in the order they were assigned: a reader of the
    -- change feed can never see version N+1 committed while N is still in flight.
    CREATE TABLE tenant_versions (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
      version bigint NOT NULL DEFAULT 0
    );

    CREATE TABLE stores (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      locale text NOT NULL,
      timezone text NOT NULL,
      country char(2) NOT NULL,
      cash_rounding_minor integer NOT NULL CHECK (cash_rounding_minor >= 1),
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, code)
    );

    CREATE TABLE warehouses (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      store_id uuid NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, code),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
    );

    CREATE TABLE users (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('ADMIN', 'MANAGER', 'CASHIER')),
      password_hash text,
      pin_hash text,
      max_discount_basis_points integer NOT NULL CHECK (max_discount_basis_points BETWEEN 0 AND 10000),
      failed_login_count integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      failed_pin_count integer NOT NULL DEFAULT 0,
      pin_locked_until timestamptz,
      active boolean NOT NULL DEFAULT true,
      version bigint NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, email)
    );

    CREATE TABLE user_stores (
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      store_id uuid NOT NULL,
      PRIMARY KEY (tenant_id, user_id, store_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
    );

    CREATE TABLE terminals (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      store_id uuid NOT NULL,
      name text NOT NULL,
      public_key text,
      status text NOT NULL CHECK (status IN ('active', 'revoked')),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      version bigint NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
    );

    CREATE TABLE categories (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      parent_id uuid,
      name text NOT NULL,
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, parent_id) REFERENCES categories (tenant_id, id)
    );

    -- A tax class (general, reduced, exempt...) resolves to a rate per store: a row with a
    -- store_id overrides the tenant-wide row of the same class.
    CREATE TABLE tax_rates (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      store_id uuid,
      tax_class text NOT NULL,
      name text NOT NULL,
      rate_basis_points integer NOT NULL CHECK (rate_basis_points BETWEEN 0 AND 10000),
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
    );
    CREATE UNIQUE INDEX tax_rates_class_scope ON tax_rates
      (tenant_id, tax_class, coalesce(store_id, '00000000-0000-0000-0000-000000000000'::uuid))
      WHERE deleted_at IS NULL;

    CREATE TABLE products (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      category_id uuid,
      name text NOT NULL,
      brand text NOT NULL DEFAULT '',
      description text NOT NULL DEFAULT '',
      tax_class text NOT NULL,
      sold_by_weight boolean NOT NULL DEFAULT false,
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
    );
    CREATE INDEX products_name ON products (tenant_id, lower(name));

    CREATE TABLE variants (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      product_id uuid NOT NULL,
      sku text NOT NULL,
      name text NOT NULL,
      attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, sku),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
    );
    CREATE INDEX variants_product ON variants (tenant_id, product_id);

    CREATE TABLE barcodes (
      tenant_id uuid NOT NULL,
      code text NOT NULL,
      variant_id uuid NOT NULL,
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, code),
      FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id)
    );
    CREATE INDEX barcodes_variant ON barcodes (tenant_id, variant_id);

    -- Prices are kept per currency at tenant level (store_id NULL) with per-store overrides.
    CREATE TABLE prices (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      variant_id uuid NOT NULL,
      store_id uuid,
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      version bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id),
      FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
    );
    CREATE UNIQUE INDEX prices_scope ON prices
      (tenant_id, variant_id, currency, coalesce(store_id, '00000000-0000-0000-0000-000000000000'::uuid))
      WHERE deleted_at IS NULL;

    CREATE TABLE stock_levels (
      tenant_id uuid NOT NULL,
      warehouse_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      qty_on_hand numeric(14, 3) NOT NULL DEFAULT 0,
      qty_reserved numeric(14, 3) NOT NULL DEFAULT 0 CHECK (qty_reserved >= 0),
      qty_available numeric(14, 3) GENERATED ALWAYS AS (qty_on_hand - qty_reserved) STORED,
      version bigint NOT NULL,
      PRIMARY KEY (tenant_id, warehouse_id, variant_id),
      FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
      FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id)
    );

    CREATE TABLE stock_movements (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      warehouse_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      qty_delta numeric(14, 3) NOT NULL CHECK (qty_delta <> 0),
      reason text NOT NULL CHECK (reason IN ('receipt', 'adjustment', 'sale', 'refund', 'void', 'transfer_out', 'transfer_in', 'shrinkage', 'opening')),
      reference text NOT NULL DEFAULT '',
      user_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, warehouse_id, variant_id) REFERENCES stock_levels (tenant_id, warehouse_id, variant_id)
    );
    CREATE INDEX stock_movements_level ON stock_movements (tenant_id, warehouse_id, variant_id);

    CREATE TABLE audit_log (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX audit_log_at ON audit_log (tenant_id, at DESC);

    CREATE TABLE refresh_tokens (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      token_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
    );
  `;
  // One statement per call: the embedded PGlite runs parameterised (extended protocol) queries,
  // which take a single statement each. None of these statements contains a semicolon inside.
  for (const statement of tableStatements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }

  // Change versions are indexed per table so a terminal's pull (by cursor) is an index range scan.
  for (const table of [
    'stores',
    'warehouses',
    'users',
    'terminals',
    'categories',
    'tax_rates',
    'products',
    'variants',
    'barcodes',
    'prices',
    'stock_levels',
  ]) {
    await sql`CREATE INDEX ${sql.id(`${table}_version`)} ON ${sql.table(table)} (tenant_id, version)`.execute(
      db,
    );
  }

  await sql`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE tenants FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON tenants
      USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  `.execute(db);
  await sql`GRANT SELECT, UPDATE ON tenants TO ${sql.id(APP_ROLE)}`.execute(db);

  for (const table of TENANT_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
        USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    `.execute(db);
    // The audit log and stock movements are append-only for the application.
    const privileges = APPEND_ONLY_TABLES.has(table)
      ? sql`SELECT, INSERT`
      : sql`SELECT, INSERT, UPDATE, DELETE`;
    await sql`GRANT ${privileges} ON ${sql.table(table)} TO ${sql.id(APP_ROLE)}`.execute(db);
  }
}
