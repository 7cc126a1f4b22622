import type { FactEnvelope, SaleCompleted } from '@mostrador/core';
import { sql } from 'kysely';
import type { TenantWork } from '../database/tenant-transaction';
import { uuidArray } from '../database/uuid-array';
import { groupBy } from '../group-by';
import { factTime } from './fact-time';

/**
 * The price in force for every line of every sale in the batch, keyed `${saleId}:${lineId}`; null
 * where the server knows no price. The rule (docs/sync-protocol.md, "Stale price"): at the sale's
 * time t (factTime: device time clamped to [lastServerTime, now]), in price_history for the line's
 * variant and the sale's currency, the latest row with valid_from <= t of the store's override; if
 * there is none or it is a deletion, the latest such row of the tenant-wide price (store_id null);
 * a deletion there too means no price.
 *
 * One index probe per distinct variant reads its latest rows up to the batch's last sale time
 * (a few a variant: prices change seldom), and each line is decided from them here, where the
 * query per line took two probes a line. A line the rows read cannot decide (a variant with more
 * changes than were read) is asked of the database line by line.
 */
export async function loadPricesInForce(
  work: TenantWork,
  storeId: string,
  sales: readonly { fact: FactEnvelope; sale: SaleCompleted }[],
  now: Date,
): Promise<Map<string, number | null>> {
  const lines = sales.flatMap(({ fact, sale }) => {
    const at = factTime(fact, now);
    return sale.lines.map(
      (line): PricedLine => ({
        key: `${sale.saleId}:${line.lineId}`,
        variantId: line.variantId,
        currency: sale.currency,
        at,
      }),
    );
  });
  const prices = new Map<string, number | null>();
  const undecided: PricedLine[] = [];
  for (const [currency, ofCurrency] of groupBy(lines, (line) => line.currency)) {
    const histories = await loadRecentHistories(work, storeId, currency, ofCurrency);
    for (const line of ofCurrency) {
      const price = priceInForceAt(histories.get(line.variantId) ?? COMPLETE_EMPTY_HISTORY, line.at);
      if (price === 'undecided') undecided.push(line);
      else prices.set(line.key, price);
    }
  }
  if (undecided.length > 0) {
    for (const [key, price] of await loadPricesLineByLine(work, storeId, undecided)) prices.set(key, price);
  }
  return prices;
}

/** Rows of price history read per variant; a variant with more changes than this is rare. */
export const PRICE_ROWS_PER_VARIANT = 64;

interface PricedLine {
  readonly key: string;
  readonly variantId: string;
  readonly currency: string;
  readonly at: Date;
}

/** One row of a variant's price history in one currency, at the store or tenant-wide. */
export interface PriceHistoryRow {
  readonly storeOverride: boolean;
  readonly validFrom: Date;
  readonly deleted: boolean;
  readonly amountMinor: number;
}

/**
 * A variant's latest rows, newest first. `complete`: these are all its rows up to the time read
 * (fewer than the limit came back), so a time before the oldest row has no price.
 */
export interface RecentPriceHistory {
  readonly rows: readonly PriceHistoryRow[];
  readonly complete: boolean;
}

const COMPLETE_EMPTY_HISTORY: RecentPriceHistory = { rows: [], complete: true };

/**
 * The price in force at `at` by the rule above, from a variant's latest rows: null for no price,
 * 'undecided' when the answer lies in older rows than were read.
 */
export function priceInForceAt(history: RecentPriceHistory, at: Date): number | null | 'undecided' {
  const latest = (storeOverride: boolean) =>
    history.rows.find((row) => row.storeOverride === storeOverride && row.validFrom <= at);
  const override = latest(true);
  if (override !== undefined && !override.deleted) return override.amountMinor;
  if (override === undefined && !history.complete) return 'undecided';
  const tenantWide = latest(false);
  if (tenantWide === undefined) return history.complete ? null : 'undecided';
  return tenantWide.deleted ? null : tenantWide.amountMinor;
}

async function loadRecentHistories(
  work: TenantWork,
  storeId: string,
  currency: string,
  lines: readonly PricedLine[],
): Promise<Map<string, RecentPriceHistory>> {
  const variantIds = [...new Set(lines.map((line) => line.variantId))];
  const until = new Date(Math.max(...lines.map((line) => line.at.getTime())));
  const result = await sql<{
    variant_id: string;
    store_override: boolean;
    valid_from: Date;
    deleted: boolean;
    amount_minor: number;
  }>`
    SELECT v.id AS variant_id, h.store_id IS NOT NULL AS store_override, h.valid_from, h.deleted,
      h.amount_minor
    FROM unnest(${uuidArray(variantIds)}) AS v(id)
    CROSS JOIN LATERAL (
      SELECT h.store_id, h.valid_from, h.deleted, h.amount_minor FROM price_history h
      WHERE h.variant_id = v.id AND h.currency = ${currency}
        AND (h.store_id = ${storeId} OR h.store_id IS NULL) AND h.valid_from <= ${until}
      ORDER BY h.valid_from DESC
      LIMIT ${PRICE_ROWS_PER_VARIANT}
    ) h
    ORDER BY v.id, h.valid_from DESC
  `.execute(work.transaction);
  const rowsByVariant = groupBy(result.rows, (row) => row.variant_id);
  return new Map(
    [...rowsByVariant].map(([variantId, rows]) => [
      variantId,
      {
        complete: rows.length < PRICE_ROWS_PER_VARIANT,
        rows: rows.map((row) => ({
          storeOverride: row.store_override,
          validFrom: new Date(row.valid_from),
          deleted: row.deleted,
          amountMinor: Number(row.amount_minor),
        })),
      },
    ]),
  );
}

/** The rule asked of the database for each line: two index probes a line. */
async function loadPricesLineByLine(
  work: TenantWork,
  storeId: string,
  lines: readonly PricedLine[],
): Promise<Map<string, number | null>> {
  const rows = lines.map((line) => ({
    key: line.key,
    variant_id: line.variantId,
    currency: line.currency,
    at: line.at.toISOString(),
  }));
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
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS l(key text, variant_id uuid, currency text, at timestamptz)
  `.execute(work.transaction);
  return new Map(
    result.rows.map((row) => [row.key, row.amount_minor === null ? null : Number(row.amount_minor)]),
  );
}
