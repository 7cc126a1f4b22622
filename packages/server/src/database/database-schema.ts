import type { ColumnType, Generated } from 'kysely';

/**
 * Row types of the PostgreSQL schema, as Kysely sees them. int8 columns arrive as numbers
 * (checked to be safe integers by the drivers' parsers), numeric columns as exact decimal
 * strings, timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Jsonb<T> = ColumnType<T, string, string>;

export interface ServerSettingsTable {
  key: string;
  value: string;
}

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  prices_include_tax: Generated<boolean>;
  login_max_attempts: Generated<number>;
  lockout_minutes: Generated<number>;
  created_at: Generated<Date>;
  version: Generated<number>;
}

export interface TenantVersionsTable {
  tenant_id: string;
  version: Generated<number>;
}

export interface StoresTable {
  tenant_id: string;
  id: string;
  code: string;
  name: string;
  currency: string;
  locale: string;
  timezone: string;
  country: string;
  cash_rounding_minor: number;
  folio_scope: Generated<'per_store' | 'per_terminal'>;
  version: number;
  deleted_at: Timestamp | null;
}

export interface WarehousesTable {
  tenant_id: string;
  id: string;
  store_id: string;
  code: string;
  name: string;
  is_default: Generated<boolean>;
  version: number;
  deleted_at: Timestamp | null;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  email: string;
  name: string;
  role: 'ADMIN' | 'MANAGER' | 'CASHIER';
  password_hash: string | null;
  pin_hash: string | null;
  max_discount_basis_points: number;
  failed_login_count: Generated<number>;
  locked_until: Timestamp | null;
  failed_pin_count: Generated<number>;
  pin_locked_until: Timestamp | null;
  active: Generated<boolean>;
  version: number;
}

export interface UserStoresTable {
  tenant_id: string;
  user_id: string;
  store_id: string;
}

export interface TerminalsTable {
  tenant_id: string;
  id: string;
  store_id: string;
  name: string;
  public_key: string | null;
  status: 'active' | 'revoked' | 'reactivation_required';
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
  version: number;
  number: Generated<number>;
  device_secret_hash: Generated<string>;
  activated_by: string | null;
  revoked_by: string | null;
  planned_offline: Generated<boolean>;
  last_seen_at: Timestamp | null;
}

export interface FolioSeriesTable {
  tenant_id: string;
  id: string;
  store_id: string;
  terminal_id: string | null;
  document_type: 'sale' | 'refund';
  scope: 'per_store' | 'per_terminal';
  prefix: string;
  next_number: Generated<number>;
  version: number;
  deleted_at: Timestamp | null;
}

export interface SafetyBuffersTable {
  tenant_id: string;
  store_id: string;
  variant_id: string;
  quantity: string;
  version: number;
  deleted_at: Timestamp | null;
}

export interface PriceHistoryTable {
  tenant_id: string;
  price_id: string;
  variant_id: string;
  store_id: string | null;
  currency: string;
  amount_minor: number;
  valid_from: Date;
  deleted: boolean;
}

export interface CategoriesTable {
  tenant_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  version: number;
  deleted_at: Timestamp | null;
}

export interface TaxRatesTable {
  tenant_id: string;
  id: string;
  store_id: string | null;
  tax_class: string;
  name: string;
  rate_basis_points: number;
  version: number;
  deleted_at: Timestamp | null;
}

export interface ProductsTable {
  tenant_id: string;
  id: string;
  category_id: string | null;
  name: string;
  brand: Generated<string>;
  description: Generated<string>;
  tax_class: string;
  sold_by_weight: Generated<boolean>;
  version: number;
  deleted_at: Timestamp | null;
}

export interface VariantsTable {
  tenant_id: string;
  id: string;
  product_id: string;
  sku: string;
  name: string;
  attributes: Jsonb<Record<string, string>>;
  version: number;
  deleted_at: Timestamp | null;
}

export interface BarcodesTable {
  tenant_id: string;
  code: string;
  variant_id: string;
  version: number;
  deleted_at: Timestamp | null;
}

export interface PricesTable {
  tenant_id: string;
  id: string;
  variant_id: string;
  store_id: string | null;
  currency: string;
  amount_minor: number;
  version: number;
  deleted_at: Timestamp | null;
}

export interface StockLevelsTable {
  tenant_id: string;
  warehouse_id: string;
  variant_id: string;
  qty_on_hand: ColumnType<string, string | undefined, string>;
  qty_reserved: ColumnType<string, string | undefined, string>;
  qty_available: ColumnType<string, never, never>;
  version: number;
}

export type StockMovementReason =
  | 'receipt'
  | 'adjustment'
  | 'sale'
  | 'refund'
  | 'void'
  | 'transfer_out'
  | 'transfer_in'
  | 'shrinkage'
  | 'opening';

export interface StockMovementsTable {
  tenant_id: string;
  id: string;
  warehouse_id: string;
  variant_id: string;
  qty_delta: string;
  reason: StockMovementReason;
  reference: Generated<string>;
  user_id: string | null;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  tenant_id: string;
  id: string;
  at: Generated<Date>;
  actor_user_id: string | null;
  action: string;
  entity: string;
  entity_id: string;
  details: Jsonb<Record<string, unknown>>;
}

export interface RefreshTokensTable {
  tenant_id: string;
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface DatabaseSchema {
  server_settings: ServerSettingsTable;
  tenants: TenantsTable;
  tenant_versions: TenantVersionsTable;
  stores: StoresTable;
  warehouses: WarehousesTable;
  users: UsersTable;
  user_stores: UserStoresTable;
  terminals: TerminalsTable;
  categories: CategoriesTable;
  tax_rates: TaxRatesTable;
  products: ProductsTable;
  variants: VariantsTable;
  barcodes: BarcodesTable;
  prices: PricesTable;
  stock_levels: StockLevelsTable;
  stock_movements: StockMovementsTable;
  audit_log: AuditLogTable;
  refresh_tokens: RefreshTokensTable;
  folio_series: FolioSeriesTable;
  safety_buffers: SafetyBuffersTable;
  price_history: PriceHistoryTable;
}
