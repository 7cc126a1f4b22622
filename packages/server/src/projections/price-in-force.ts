import type { FactEnvelope, SaleCompleted } from '@mostrador/core';
import { sql } from 'kysely';
import type { TenantWork } from '../database/tenant-transaction';
import { factTime } from './fact-time';

/**
 * The price in force for every line of every sale in the batch, in one query, keyed
 * `${saleId}:${lineId}`; null where the server knows no price. The rule (docs/sync-protocol.md,
 * "Stale price"): at the sale's time t (factTime: device time clamped to [lastServerTime, now]),
 * in price_history for the line's variant and the sale's currency, the latest row with
 * valid_from <= t of the store's override; if there is none or it is a deletion, the latest such
 * row of the tenant-wide price (store_id null); a deletion there too means no price.
 */
export async function loadPricesInForce(
  work: TenantWork,
  storeId: string,
  sales: readonly { fact: FactEnvelope; sale: SaleCompleted }[],
  now: Date,
): Promise<Map<string, number | null>> {
  const lines = sales.flatMap(({ fact, sale }) => {
    const at = factTime(fact, now).toISOString();
    return sale.lines.map((line) => ({
      key: `${sale.saleId}:${line.lineId}`,
      variant_id: line.variantId,
      currency: sale.currency,
      at,
    }));
  });
  if (lines.length === 0) return new Map();
  const result = await sql<{ key: string; amount_minor: number | null }>`
    SELECT l.key, coalesce(
      (SELECT CASE WHEN h.deleted THEN NULL ELSE h.amount_minor END FROM price_history h
        WHERE h.variant_id = l.variant_id AND h.currency = l.currency AND h.store_id = ${storeId}
          AND h.valid_from <= l.at
        ORDER BY h.valid_from DESC LIMIT 1),
      (SELECT CASE WHEN h.deleted THEN NULL ELSE h.amount_minor END FROM price_history h
        WHERE h.variant_id = l.variant_id AND h.currency = l.currency AND h.store_id IS NULL
          AND h.valid_from <= l.at
        ORDER BY h.valid_from DESC LIMIT 1)
    ) AS amount_minor
    FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
      AS l(key text, variant_id uuid, currency text, at timestamptz)
  `.execute(work.transaction);
  return new Map(
    result.rows.map((row) => [row.key, row.amount_minor === null ? null : Number(row.amount_minor)]),
  );
}
