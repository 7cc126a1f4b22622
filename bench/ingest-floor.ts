import type { FactEnvelope, SaleCompleted } from '@mostrador/core';
import type { Database } from '@mostrador/server';
import { type Kysely, sql } from 'kysely';

/**
 * The floor under push: the same facts stored with no logic at all. Per batch, one transaction
 * with one multi-row INSERT into a copy of `facts` (envelope as jsonb) and one into a copy of
 * `sale_lines`. The copies keep the columns, defaults, checks, primary keys and unique indexes
 * (storing a journal row costs at least that) but no foreign keys, row-level security, chain
 * checks, signatures, projections, stock, folios or change versions.
 */
export interface IngestFloor {
  /** Stores one batch of facts and their lines in one transaction. */
  insertBatch(facts: readonly FactEnvelope[]): Promise<void>;
  /** Rows stored so far in the copy of `facts`. */
  countFacts(): Promise<number>;
  drop(): Promise<void>;
}

/** The role the request pool logs in as on a PostgreSQL server (migration 0001). */
const APP_ROLE = 'mostrador_app';

export async function createIngestFloor(database: Database): Promise<IngestFloor> {
  // Unique names, so runs sharing one PostgreSQL database never meet.
  const suffix = `${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const factsTable = `bench_floor_facts_${suffix}`;
  const linesTable = `bench_floor_sale_lines_${suffix}`;
  const owner = database.system as unknown as Kysely<unknown>;
  // The floor writes through the same pool as the server's requests, so it gets the same connections.
  const writer = database.app as unknown as Kysely<unknown>;
  const copy = sql`INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES`;
  await sql`CREATE TABLE ${sql.id(factsTable)} (LIKE facts ${copy})`.execute(owner);
  await sql`CREATE TABLE ${sql.id(linesTable)} (LIKE sale_lines ${copy})`.execute(owner);
  await sql`GRANT SELECT, INSERT ON ${sql.id(factsTable)}, ${sql.id(linesTable)} TO ${sql.id(APP_ROLE)}`.execute(
    owner,
  );

  return {
    async insertBatch(facts) {
      const receivedAt = new Date().toISOString();
      const factRows = facts.map(
        (
          fact,
        ) => sql`(${fact.tenantId}, ${fact.terminalId}, ${fact.sequence}, ${fact.eventId}, ${fact.storeId},
          ${fact.payload.type}, ${fact.hash}, ${fact.prevHash}, ${JSON.stringify(fact)}::jsonb, ${receivedAt}::timestamptz)`,
      );
      const lineRows = facts.flatMap((fact) => {
        const sale = fact.payload as SaleCompleted;
        return sale.lines.map(
          (
            line,
            position,
          ) => sql`(${fact.tenantId}, ${sale.saleId}, ${line.lineId}, ${position}, ${line.variantId},
            ${line.sku}, ${line.name}, ${line.quantity}::numeric, ${line.unitPriceMinor}, ${line.discountMinor},
            ${line.taxRateBasisPoints}, ${line.taxMinor}, ${line.totalMinor}, ${line.warehouseId}, ${line.unitPriceMinor})`,
        );
      });
      await writer.transaction().execute(async (transaction) => {
        await sql`INSERT INTO ${sql.id(factsTable)} (tenant_id, terminal_id, sequence, event_id, store_id,
          fact_type, hash, prev_hash, envelope, received_at) VALUES ${sql.join(factRows)}`.execute(
          transaction,
        );
        await sql`INSERT INTO ${sql.id(linesTable)} (tenant_id, sale_id, line_id, position, variant_id, sku,
          name, quantity, unit_price_minor, discount_minor, tax_rate_basis_points, tax_minor, total_minor,
          warehouse_id, server_price_minor) VALUES ${sql.join(lineRows)}`.execute(transaction);
      });
    },
    async countFacts() {
      const result = await sql<{
        count: string;
      }>`SELECT count(*) AS count FROM ${sql.id(factsTable)}`.execute(owner);
      return Number(result.rows[0]?.count ?? 0);
    },
    async drop() {
      await sql`DROP TABLE IF EXISTS ${sql.id(factsTable)}, ${sql.id(linesTable)}`.execute(owner);
    },
  };
}
