import type { Kysely } from 'kysely';
import { executeStatements, protectTenantTable } from './row-level-security';

/**
 * What terminals report about their own sync health: the latest figures per terminal, and the
 * sampled history of connectivity and backlog (taken on the terminal, offline stretches included,
 * uploaded when it reaches the server) for the manager's dashboard. Samples are keyed by the
 * terminal's clock so a re-sent report inserts nothing twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    CREATE TABLE terminal_health (
      tenant_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      reported_at timestamptz NOT NULL,
      pending_count integer NOT NULL CHECK (pending_count >= 0),
      oldest_pending_at timestamptz,
      last_successful_sync_at timestamptz,
      offline_seconds_total bigint NOT NULL CHECK (offline_seconds_total >= 0),
      head_sequence bigint NOT NULL,
      acknowledged_sequence bigint NOT NULL,
      PRIMARY KEY (tenant_id, terminal_id),
      FOREIGN KEY (tenant_id, terminal_id) REFERENCES terminals (tenant_id, id)
    );

    CREATE TABLE terminal_health_samples (
      tenant_id uuid NOT NULL,
      terminal_id uuid NOT NULL,
      sampled_at timestamptz NOT NULL,
      online boolean NOT NULL,
      pending_count integer NOT NULL CHECK (pending_count >= 0),
      PRIMARY KEY (tenant_id, terminal_id, sampled_at),
      FOREIGN KEY (tenant_id, terminal_id) REFERENCES terminals (tenant_id, id)
    )
    `,
  );
  await protectTenantTable(db, 'terminal_health', 'read-write');
  await protectTenantTable(db, 'terminal_health_samples', 'read-write');
}
