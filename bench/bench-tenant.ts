import type { ListeningServer } from '@mostrador/server/testing';
import { createTestTenant, TEST_PASSWORD, type TestTenant } from '@mostrador/server/testing';
import { sql } from 'kysely';

/**
 * The tenant a benchmark sells from: the test tenant with a generated catalog, the MX store's
 * manager signed in over HTTP, and the variants the run will sell, stocked through the API.
 */
export interface BenchTenant {
  readonly tenant: TestTenant;
  readonly managerToken: string;
  /** The variants sold, in the order the run walks them. */
  readonly variants: readonly PricedVariant[];
  readonly variantCount: number;
}

export interface PricedVariant {
  readonly variantId: string;
  readonly sku: string;
  readonly priceMinor: number;
}

const HTTP_TIMEOUT_MS = 120_000;
/** The most lines one stock receipt may carry (core's stockReceiptSchema). */
const STOCK_RECEIPT_LINES_MAX = 1000;

/**
 * Seeds the tenant and picks up to `linesSold` variants sold by the unit with a tenant-wide MXN
 * price and no MX override (so no line is a stale price), then receives enough of each into the
 * MX warehouse (POST /api/v1/stock/receipts, as a store receiving goods) that no sale takes a
 * level below `stockLeftMin`: neither the terminal's offline guard blocks nor the server opens an
 * oversell conflict, so the run measures the normal path. The generated stock is too thin for
 * thousands of sales.
 */
export async function prepareBenchTenant(
  server: ListeningServer,
  options: { readonly productCount: number; readonly linesSold: number; readonly stockLeftMin: number },
): Promise<BenchTenant> {
  const tenant = await createTestTenant(server.database, options.productCount);
  const managerToken = await loginOverHttp(server, tenant);
  const variants = await pricedVariants(server, tenant, options.linesSold);
  const timesSold = Math.ceil(options.linesSold / variants.length);
  await receiveStock(
    server,
    managerToken,
    tenant.warehouseIds.MX,
    variants,
    timesSold + options.stockLeftMin,
  );
  // As `npm run generate` does after a bulk load (PGlite has no autovacuum to do it).
  await server.database.statistics.refresh();
  return { tenant, managerToken, variants, variantCount: await countVariants(server, tenant) };
}

async function loginOverHttp(server: ListeningServer, tenant: TestTenant): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, email: tenant.emails.managerMx, password: TEST_PASSWORD }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function pricedVariants(
  server: ListeningServer,
  tenant: TestTenant,
  wanted: number,
): Promise<PricedVariant[]> {
  const result = await sql<{ variantId: string; sku: string; priceMinor: number | string }>`
    SELECT v.id AS "variantId", v.sku, p.amount_minor AS "priceMinor"
    FROM variants v
    JOIN products pr ON pr.tenant_id = v.tenant_id AND pr.id = v.product_id
      AND pr.deleted_at IS NULL AND NOT pr.sold_by_weight
    JOIN prices p ON p.tenant_id = v.tenant_id AND p.variant_id = v.id
      AND p.currency = 'MXN' AND p.store_id IS NULL AND p.deleted_at IS NULL
    WHERE v.tenant_id = ${tenant.tenantId} AND v.deleted_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM prices o
        WHERE o.tenant_id = v.tenant_id AND o.variant_id = v.id AND o.store_id = ${tenant.storeIds.MX}
          AND o.deleted_at IS NULL)
    ORDER BY v.sku
    LIMIT ${wanted}
  `.execute(server.database.system);
  if (result.rows.length === 0) throw new Error('the catalog has no variant priced in MXN');
  return result.rows.map((row) => ({ ...row, priceMinor: Number(row.priceMinor) }));
}

/** Receives `quantityEach` units of every variant into a warehouse, as a store receiving goods. */
export async function receiveStock(
  server: ListeningServer,
  managerToken: string,
  warehouseId: string,
  variants: readonly PricedVariant[],
  quantityEach: number,
): Promise<void> {
  for (const chunk of inBatches(variants, STOCK_RECEIPT_LINES_MAX)) {
    const response = await fetch(`${server.url}/api/v1/stock/receipts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${managerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        warehouseId,
        reference: 'benchmark stock',
        lines: chunk.map((variant) => ({ variantId: variant.variantId, quantity: String(quantityEach) })),
      }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    if (response.status !== 201)
      throw new Error(`stock receipt answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }
}

async function countVariants(server: ListeningServer, tenant: TestTenant): Promise<number> {
  const row = await server.database.system
    .selectFrom('variants')
    .select((builder) => builder.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenant.tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
