import { seedTenant, type TenantSeed } from '@mostrador/server';
import type { ListeningServer } from '@mostrador/server/testing';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { PricedVariant } from './bench-tenant';

/**
 * A retail chain for benchmarks that need many stores: S stores in Mexico (pesos, per-store folio
 * series, so the server assigns every final folio), an admin who signs in over HTTP and manages
 * every store, one cashier per store (the actor of its tills' sales) and a generated catalog.
 */
export interface ChainTenant {
  readonly tenantId: string;
  readonly slug: string;
  /** The admin's access token: activates terminals and receives stock in any store. */
  readonly adminToken: string;
  readonly stores: readonly ChainStore[];
  /** Variants sold by the unit with a tenant-wide MXN price, by SKU. */
  readonly variants: readonly PricedVariant[];
}

export interface ChainStore {
  readonly id: string;
  readonly code: string;
  readonly warehouseId: string;
  readonly cashierUserId: string;
}

/** The tax rates of every store (general class); sales are signed with the general rate. */
export const CHAIN_TAX_BASIS_POINTS = 1600;
export const CHAIN_CURRENCY = 'MXN';

const STORES_MAX = 500;
const ADMIN_PASSWORD = 'bench-admin-password';
const CASHIER_PIN = '1357';
const HTTP_TIMEOUT_MS = 120_000;
/**
 * A benchmark tenant lives for one run and its secrets protect nothing: cheap argon2id costs keep
 * its setup in sync work (as the simulator does); the one login verifies them as it would any hash.
 */
const THROWAWAY_HASH_COSTS: NonNullable<TenantSeed['hashCosts']> = {
  password: { memoryKibibytes: 256, iterations: 1 },
  pin: { memoryKibibytes: 256, iterations: 1 },
};

export async function prepareChainTenant(
  server: ListeningServer,
  options: { readonly storeCount: number; readonly productCount: number },
): Promise<ChainTenant> {
  if (!Number.isInteger(options.storeCount) || options.storeCount < 1 || options.storeCount > STORES_MAX)
    throw new Error(`storeCount must be an integer from 1 to ${STORES_MAX}; got ${options.storeCount}`);
  const tenantId = uuidv7();
  const slug = `chain-${tenantId.slice(-12)}`;
  const adminEmail = `admin@${slug}.bench`;
  const codes = Array.from(
    { length: options.storeCount },
    (_, index) => `S${String(index + 1).padStart(3, '0')}`,
  );
  const cashierEmail = (code: string) => `cajero.${code.toLowerCase()}@${slug}.bench`;
  const seeded = await seedTenant(server.database.system, {
    tenant: { id: tenantId, slug, name: `Cadena ${slug}`, pricesIncludeTax: true },
    stores: codes.map((code) => ({
      code,
      name: `Sucursal ${code}`,
      currency: CHAIN_CURRENCY,
      locale: 'es-MX',
      timezone: 'America/Mexico_City',
      country: 'MX',
      cashRoundingMinor: 10,
      folioScope: 'per_store',
      taxRatesBasisPoints: { general: CHAIN_TAX_BASIS_POINTS, reduced: 0, exempt: 0 },
    })),
    users: [
      {
        email: adminEmail,
        name: 'Admin',
        role: 'ADMIN',
        password: ADMIN_PASSWORD,
        pin: null,
        storeCodes: [],
      },
      ...codes.map((code) => ({
        email: cashierEmail(code),
        name: `Cajero ${code}`,
        role: 'CASHIER' as const,
        password: null,
        pin: CASHIER_PIN,
        storeCodes: [code],
      })),
    ],
    catalog: { seed: 11, productCount: options.productCount },
    hashCosts: THROWAWAY_HASH_COSTS,
  });
  // As `npm run generate` does after a bulk load (PGlite has no autovacuum to do it).
  await server.database.statistics.refresh();
  const stores = codes.map((code) => ({
    id: seeded.storeIds[code]!,
    code,
    warehouseId: seeded.warehouseIds[code]!,
    cashierUserId: seeded.userIds[cashierEmail(code)]!,
  }));
  const adminToken = await loginOverHttp(server, slug, adminEmail);
  return { tenantId, slug, adminToken, stores, variants: await unitVariants(server, tenantId) };
}

async function loginOverHttp(server: ListeningServer, slug: string, email: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: slug, email, password: ADMIN_PASSWORD }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function unitVariants(server: ListeningServer, tenantId: string): Promise<PricedVariant[]> {
  const result = await sql<{ variantId: string; sku: string; priceMinor: number | string }>`
    SELECT v.id AS "variantId", v.sku, p.amount_minor AS "priceMinor"
    FROM variants v
    JOIN products pr ON pr.tenant_id = v.tenant_id AND pr.id = v.product_id
      AND pr.deleted_at IS NULL AND NOT pr.sold_by_weight
    JOIN prices p ON p.tenant_id = v.tenant_id AND p.variant_id = v.id
      AND p.currency = ${CHAIN_CURRENCY} AND p.store_id IS NULL AND p.deleted_at IS NULL
    WHERE v.tenant_id = ${tenantId} AND v.deleted_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM prices o
        WHERE o.tenant_id = v.tenant_id AND o.variant_id = v.id AND o.store_id IS NOT NULL
          AND o.deleted_at IS NULL)
    ORDER BY v.sku
  `.execute(server.database.system);
  if (result.rows.length === 0) throw new Error(`the catalog has no variant priced in ${CHAIN_CURRENCY}`);
  return result.rows.map((row) => ({ ...row, priceMinor: Number(row.priceMinor) }));
}

/**
 * The seed writes every price's history at the moment it ran, but a till that went offline this
 * morning sold at yesterday's prices: without an earlier row, every offline sale would find no
 * price in force and open a stale-price conflict. One earlier row per price says the catalog was
 * loaded `hoursEarlier` ago, with the same amounts (price_history is append-only; nothing moves).
 */
export async function datePriceHistoryBack(
  server: ListeningServer,
  tenantId: string,
  hoursEarlier: number,
): Promise<void> {
  await sql`
    INSERT INTO price_history (tenant_id, price_id, variant_id, store_id, currency, amount_minor, valid_from, deleted)
    SELECT tenant_id, price_id, variant_id, store_id, currency, amount_minor,
           valid_from - make_interval(hours => ${hoursEarlier}), deleted
    FROM price_history WHERE tenant_id = ${tenantId}
  `.execute(server.database.system);
}
