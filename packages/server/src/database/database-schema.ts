import type { ConflictKind } from '@mostrador/core';
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

/* Facts pushed by terminals and their projections (migration 0003). */

export type FactTypeName =
  | 'SaleCompleted'
  | 'SaleVoided'
  | 'RefundIssued'
  | 'CashMovementRecorded'
  | 'ShiftOpened'
  | 'ShiftClosed';

export interface FactsTable {
  tenant_id: string;
  terminal_id: string;
  sequence: number;
  event_id: string;
  store_id: string;
  fact_type: FactTypeName;
  hash: string;
  prev_hash: string;
  envelope: Jsonb<Record<string, unknown>>;
  received_at: Timestamp;
}

export type QuarantineStatus = 'quarantined' | 'accepted' | 'rejected';

export interface QuarantinedFactsTable {
  tenant_id: string;
  id: string;
  terminal_id: string;
  store_id: string;
  sequence: number;
  event_id: string;
  hash: string;
  stored_hash: string | null;
  envelope: Jsonb<Record<string, unknown>>;
  conflict_id: string | null;
  status: Generated<QuarantineStatus>;
  received_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
}

export interface SecurityAlertsTable {
  tenant_id: string;
  id: string;
  kind: 'fork';
  store_id: string;
  terminal_id: string;
  details: Jsonb<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface ShiftsTable {
  tenant_id: string;
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_user_id: string;
  currency: string;
  opened_event_id: string;
  opened_at: Timestamp;
  opening_float_minor: number;
  cash_tendered_minor: Generated<number>;
  change_given_minor: Generated<number>;
  cash_refunded_minor: Generated<number>;
  cash_voided_minor: Generated<number>;
  cash_in_minor: Generated<number>;
  cash_out_minor: Generated<number>;
  cash_after_close_minor: Generated<number>;
  closed_event_id: string | null;
  closed_at: Timestamp | null;
  counted_cash_minor: number | null;
  expected_cash_minor: number | null;
  device_expected_cash_minor: number | null;
  over_short_minor: number | null;
  denominations: Jsonb<{ valueMinor: number; count: number }[]> | null;
}

export interface SalesTable {
  tenant_id: string;
  id: string;
  event_id: string;
  store_id: string;
  terminal_id: string;
  shift_id: string | null;
  cashier_user_id: string;
  approved_by_user_id: string | null;
  customer_id: string | null;
  currency: string;
  prices_include_tax: boolean;
  subtotal_minor: number;
  discount_total_minor: number;
  tax_total_minor: number;
  total_minor: number;
  tendered_minor: number;
  cash_tendered_minor: number;
  change_minor: number;
  cash_rounding_minor: number;
  offline: boolean;
  provisional_folio: string;
  folio_series_id: string | null;
  final_folio: string | null;
  device_time: Timestamp;
  sale_time: Timestamp;
  status: Generated<'completed' | 'voided'>;
  voided_event_id: string | null;
}

export interface SaleLinesTable {
  tenant_id: string;
  sale_id: string;
  line_id: string;
  position: number;
  variant_id: string;
  sku: string;
  name: string;
  quantity: string;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_basis_points: number;
  tax_minor: number;
  total_minor: number;
  warehouse_id: string;
  server_price_minor: number | null;
}

export interface SaleTendersTable {
  tenant_id: string;
  sale_id: string;
  position: number;
  kind: string;
  amount_minor: number;
  reference: string | null;
}

export interface RefundsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  sale_id: string;
  sale_known: boolean;
  store_id: string;
  terminal_id: string;
  shift_id: string | null;
  cashier_user_id: string;
  approved_by_user_id: string | null;
  currency: string;
  total_minor: number;
  cash_refunded_minor: number;
  tenders: Jsonb<{ kind: string; amountMinor: number; reference: string | null }[]>;
  reason: string;
  folio_series_id: string | null;
  final_folio: string | null;
  device_time: Timestamp;
}

export interface RefundLinesTable {
  tenant_id: string;
  refund_id: string;
  position: number;
  line_id: string;
  variant_id: string;
  quantity: string;
  amount_minor: number;
  stock_destination: 'restock' | 'shrinkage';
  warehouse_id: string;
}

export interface VoidsTable {
  tenant_id: string;
  sale_id: string;
  event_id: string;
  sale_known: boolean;
  store_id: string;
  terminal_id: string;
  shift_id: string | null;
  cashier_user_id: string;
  approved_by_user_id: string | null;
  reason: string;
  stock_destination: 'restock' | 'shrinkage';
  cash_returned_minor: number;
  device_time: Timestamp;
}

export interface CashMovementsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  shift_id: string;
  store_id: string;
  terminal_id: string;
  kind: 'pay_in' | 'pay_out' | 'drop';
  amount_minor: number;
  currency: string;
  reason: string;
  user_id: string;
  approved_by_user_id: string | null;
  device_time: Timestamp;
}

export interface FolioAssignmentsTable {
  tenant_id: string;
  series_id: string;
  number: number;
  document_type: 'sale' | 'refund';
  document_id: string;
  event_id: string;
  provisional_folio: string;
  final_folio: string;
  store_id: string;
  terminal_id: string;
  assigned_at: Timestamp;
}

export type { ConflictKind };

export interface ConflictNote {
  note: string;
  byUserId: string;
  at: string;
}

export interface ConflictsTable {
  tenant_id: string;
  id: string;
  kind: ConflictKind;
  status: Generated<'open' | 'resolved'>;
  store_id: string;
  terminal_id: string;
  event_ids: Jsonb<string[]>;
  details: Jsonb<Record<string, unknown>>;
  notes: ColumnType<ConflictNote[], string | undefined, string>;
  resolution: Jsonb<Record<string, unknown>> | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Timestamp;
}

// Declaration merging adds the tables of migration 0003 to the schema above.
export interface DatabaseSchema {
  facts: FactsTable;
  quarantined_facts: QuarantinedFactsTable;
  security_alerts: SecurityAlertsTable;
  shifts: ShiftsTable;
  sales: SalesTable;
  sale_lines: SaleLinesTable;
  sale_tenders: SaleTendersTable;
  refunds: RefundsTable;
  refund_lines: RefundLinesTable;
  voids: VoidsTable;
  cash_movements: CashMovementsTable;
  folio_assignments: FolioAssignmentsTable;
  conflicts: ConflictsTable;
}

export interface TerminalHealthTable {
  tenant_id: string;
  terminal_id: string;
  reported_at: Timestamp;
  pending_count: number;
  oldest_pending_at: Timestamp | null;
  last_successful_sync_at: Timestamp | null;
  offline_seconds_total: number;
  head_sequence: number;
  acknowledged_sequence: number;
}

export interface TerminalHealthSamplesTable {
  tenant_id: string;
  terminal_id: string;
  sampled_at: Timestamp;
  online: boolean;
  pending_count: number;
}

// Declaration merging adds the tables of migration 0004.
export interface DatabaseSchema {
  terminal_health: TerminalHealthTable;
  terminal_health_samples: TerminalHealthSamplesTable;
}
