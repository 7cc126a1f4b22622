import type { Kysely } from 'kysely';
import { executeStatements, protectTenantTable } from './row-level-security';

/**
 * Facts pushed by terminals and what the server derives from them. `facts` is the append-only
 * journal: its primary key (tenant, terminal, sequence) and its unique event id are what make a
 * fact land exactly once, whichever server instance takes the push. A terminal's chain head is
 * its highest stored sequence, read from this table, so a database restored from an older
 * backup asks for exactly the facts it lost. The projections (sales, refunds, voids, shifts,
 * cash movements, folio assignments) are written in the same transaction as the facts. Facts
 * that fork a terminal's chain go to quarantine, never into `facts`. Conflicts are the facts
 * that broke a rule, kept for a manager.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    CREATE TABLE facts (
      tenant_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      sequence bigint NOT NULL CHECK (sequence >= 1),
      event_id uuid NOT NULL,
      store_id uuid NOT NULL,
      fact_type text NOT NULL,
      hash text NOT NULL,
      prev_hash text NOT NULL,
      envelope jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, terminal_id, sequence),
      UNIQUE (tenant_id, event_id),
      FOREIGN KEY (tenant_id, terminal_id) REFERENCES terminals (tenant_id, id)
    );

    CREATE TABLE quarantined_facts (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      store_id uuid NOT NULL,
      sequence bigint NOT NULL,
      event_id uuid NOT NULL,
      hash text NOT NULL,
      stored_hash text,
      envelope jsonb NOT NULL,
      conflict_id uuid,
      status text NOT NULL DEFAULT 'quarantined' CHECK (status IN ('quarantined', 'accepted', 'rejected')),
      received_at timestamptz NOT NULL,
      decided_by uuid,
      decided_at timestamptz,
      decision_note text,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, terminal_id, hash),
      FOREIGN KEY (tenant_id, terminal_id) REFERENCES terminals (tenant_id, id),
      CHECK ((status = 'quarantined') = (decided_at IS NULL))
    );
    CREATE INDEX quarantined_facts_status ON quarantined_facts (tenant_id, status, terminal_id, sequence);

    CREATE TABLE security_alerts (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('fork')),
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      details jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX security_alerts_created ON security_alerts (tenant_id, created_at DESC);

    CREATE TABLE shifts (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      cashier_user_id uuid NOT NULL,
      currency char(3) NOT NULL,
      opened_event_id uuid NOT NULL,
      opened_at timestamptz NOT NULL,
      opening_float_minor bigint NOT NULL CHECK (opening_float_minor >= 0),
      cash_tendered_minor bigint NOT NULL DEFAULT 0,
      change_given_minor bigint NOT NULL DEFAULT 0,
      cash_refunded_minor bigint NOT NULL DEFAULT 0,
      cash_voided_minor bigint NOT NULL DEFAULT 0,
      cash_in_minor bigint NOT NULL DEFAULT 0,
      cash_out_minor bigint NOT NULL DEFAULT 0,
      cash_after_close_minor bigint NOT NULL DEFAULT 0,
      closed_event_id uuid,
      closed_at timestamptz,
      counted_cash_minor bigint,
      expected_cash_minor bigint,
      device_expected_cash_minor bigint,
      over_short_minor bigint,
      denominations jsonb,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, opened_event_id),
      CHECK ((closed_event_id IS NULL) = (closed_at IS NULL)),
      CHECK (closed_event_id IS NULL OR (
        expected_cash_minor = opening_float_minor + cash_tendered_minor - change_given_minor
          - cash_refunded_minor - cash_voided_minor + cash_in_minor - cash_out_minor
        AND over_short_minor = counted_cash_minor - expected_cash_minor))
    );
    CREATE INDEX shifts_open_on_terminal ON shifts (tenant_id, terminal_id) WHERE closed_at IS NULL;

    CREATE TABLE sales (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      event_id uuid NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      shift_id uuid,
      cashier_user_id uuid NOT NULL,
      approved_by_user_id uuid,
      customer_id uuid,
      currency char(3) NOT NULL,
      prices_include_tax boolean NOT NULL,
      subtotal_minor bigint NOT NULL,
      discount_total_minor bigint NOT NULL,
      tax_total_minor bigint NOT NULL,
      total_minor bigint NOT NULL CHECK (total_minor >= 0),
      tendered_minor bigint NOT NULL,
      cash_tendered_minor bigint NOT NULL,
      change_minor bigint NOT NULL,
      cash_rounding_minor bigint NOT NULL,
      offline boolean NOT NULL,
      provisional_folio text NOT NULL,
      folio_series_id uuid,
      final_folio text,
      device_time timestamptz NOT NULL,
      sale_time timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'voided')),
      voided_event_id uuid,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, event_id),
      CHECK (tendered_minor - change_minor = total_minor + cash_rounding_minor),
      CHECK ((status = 'voided') = (voided_event_id IS NOT NULL))
    );
    CREATE INDEX sales_store_time ON sales (tenant_id, store_id, sale_time);

    CREATE TABLE sale_lines (
      tenant_id uuid NOT NULL,
      sale_id uuid NOT NULL,
      line_id uuid NOT NULL,
      position integer NOT NULL,
      variant_id uuid NOT NULL,
      sku text NOT NULL,
      name text NOT NULL,
      quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
      unit_price_minor bigint NOT NULL,
      discount_minor bigint NOT NULL,
      tax_rate_basis_points integer NOT NULL,
      tax_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      warehouse_id uuid NOT NULL,
      server_price_minor bigint,
      PRIMARY KEY (tenant_id, sale_id, line_id),
      FOREIGN KEY (tenant_id, sale_id) REFERENCES sales (tenant_id, id)
    );

    CREATE TABLE sale_tenders (
      tenant_id uuid NOT NULL,
      sale_id uuid NOT NULL,
      position integer NOT NULL,
      kind text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      reference text,
      PRIMARY KEY (tenant_id, sale_id, position),
      FOREIGN KEY (tenant_id, sale_id) REFERENCES sales (tenant_id, id)
    );

    CREATE TABLE refunds (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      event_id uuid NOT NULL,
      sale_id uuid NOT NULL,
      sale_known boolean NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      shift_id uuid,
      cashier_user_id uuid NOT NULL,
      approved_by_user_id uuid,
      currency char(3) NOT NULL,
      total_minor bigint NOT NULL CHECK (total_minor > 0),
      cash_refunded_minor bigint NOT NULL,
      tenders jsonb NOT NULL,
      reason text NOT NULL,
      folio_series_id uuid,
      final_folio text,
      device_time timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, event_id)
    );
    CREATE INDEX refunds_sale ON refunds (tenant_id, sale_id);

    CREATE TABLE refund_lines (
      tenant_id uuid NOT NULL,
      refund_id uuid NOT NULL,
      position integer NOT NULL,
      line_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      quantity numeric(14, 3) NOT NULL CHECK (quantity > 0),
      amount_minor bigint NOT NULL,
      stock_destination text NOT NULL CHECK (stock_destination IN ('restock', 'shrinkage')),
      warehouse_id uuid NOT NULL,
      PRIMARY KEY (tenant_id, refund_id, position),
      FOREIGN KEY (tenant_id, refund_id) REFERENCES refunds (tenant_id, id)
    );

    CREATE TABLE voids (
      tenant_id uuid NOT NULL,
      sale_id uuid NOT NULL,
      event_id uuid NOT NULL,
      sale_known boolean NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      shift_id uuid,
      cashier_user_id uuid NOT NULL,
      approved_by_user_id uuid,
      reason text NOT NULL,
      stock_destination text NOT NULL CHECK (stock_destination IN ('restock', 'shrinkage')),
      cash_returned_minor bigint NOT NULL,
      device_time timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, sale_id),
      UNIQUE (tenant_id, event_id)
    );

    CREATE TABLE cash_movements (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      event_id uuid NOT NULL,
      shift_id uuid NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('pay_in', 'pay_out', 'drop')),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      reason text NOT NULL,
      user_id uuid NOT NULL,
      approved_by_user_id uuid,
      device_time timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, event_id)
    );
    CREATE INDEX cash_movements_shift ON cash_movements (tenant_id, shift_id);

    CREATE TABLE folio_assignments (
      tenant_id uuid NOT NULL,
      series_id uuid NOT NULL,
      number bigint NOT NULL CHECK (number >= 1),
      document_type text NOT NULL CHECK (document_type IN ('sale', 'refund')),
      document_id uuid NOT NULL,
      event_id uuid NOT NULL,
      provisional_folio text NOT NULL,
      final_folio text NOT NULL,
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      assigned_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, series_id, number),
      FOREIGN KEY (tenant_id, series_id) REFERENCES folio_series (tenant_id, id)
    );
    CREATE INDEX folio_assignments_event ON folio_assignments (tenant_id, event_id);

    CREATE TABLE conflicts (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('oversell', 'stale_price', 'revoked_actor', 'unknown_sale',
        'folio_gap', 'fork', 'duplicate_document', 'unknown_item')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      store_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      event_ids jsonb NOT NULL,
      details jsonb NOT NULL,
      notes jsonb NOT NULL DEFAULT '[]'::jsonb,
      resolution jsonb,
      resolved_by uuid,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
    );
    CREATE INDEX conflicts_status ON conflicts (tenant_id, status, store_id, id)
  `,
  );

  // Facts, alerts and folio assignments are history: the application may add, never change.
  for (const table of ['facts', 'security_alerts', 'folio_assignments']) {
    await protectTenantTable(db, table, 'append-only');
  }
  for (const table of [
    'quarantined_facts',
    'shifts',
    'sales',
    'sale_lines',
    'sale_tenders',
    'refunds',
    'refund_lines',
    'voids',
    'cash_movements',
    'conflicts',
  ]) {
    await protectTenantTable(db, table, 'read-write');
  }
}
