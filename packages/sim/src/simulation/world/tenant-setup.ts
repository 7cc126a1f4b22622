import type { Database, TenantSeed } from '@mostrador/server';
import { seedTenant } from '@mostrador/server';
import type { SeededRandom } from '../random/seeded-random';
import { type BackOffice, SIMULATION_PASSWORD } from './back-office';

/**
 * A seed's tenant lives for one run and its secrets protect nothing: cheap argon2id parameters keep
 * the run's time in sync work instead of in hashing (the hash carries its parameters, so tills and
 * servers verify these exactly as they verify production hashes).
 */
const THROWAWAY_HASH_COSTS = {
  password: { memoryKibibytes: 256, iterations: 1 },
  pin: { memoryKibibytes: 256, iterations: 1 },
} as const;

export const MANAGER_PIN = '2468';
export const CASHIER_PIN = '1357';

export interface SimulatedStore {
  readonly index: number;
  readonly id: string;
  readonly code: string;
  readonly warehouseId: string;
  readonly currency: 'MXN' | 'CRC';
  readonly folioScope: 'per_store' | 'per_terminal';
  readonly managerEmail: string;
  readonly managerUserId: string;
  readonly cashierUserId: string;
}

export interface SimulatedItem {
  readonly variantId: string;
  readonly sku: string;
  /** One unit left in every store at the start: several tills will sell it. */
  readonly hot: boolean;
}

export interface SimulatedTenant {
  readonly tenantId: string;
  readonly slug: string;
  readonly adminEmail: string;
  readonly stores: readonly SimulatedStore[];
  readonly items: readonly SimulatedItem[];
}

const STORE_SHAPES = [
  { currency: 'MXN', locale: 'es-MX', timezone: 'America/Mexico_City', country: 'MX', cashRoundingMinor: 10 },
  { currency: 'CRC', locale: 'es-CR', timezone: 'America/Costa_Rica', country: 'CR', cashRoundingMinor: 500 },
] as const;

export interface TenantSetupOptions {
  readonly storeCount: number;
  readonly itemCount: number;
  readonly hotItemCount: number;
}

/**
 * A fresh small tenant for one seed: S stores (alternately numbering per store and per
 * terminal, in pesos and colones), an admin, a manager and a cashier per store, a generated
 * catalog, and a working set of SKUs whose stock the back office sets by count (the hot ones to
 * a single unit). Everything the seed decides comes from `random`.
 */
export async function setUpTenant(
  database: Database,
  random: SeededRandom,
  options: TenantSetupOptions,
  backOfficeFor: (slug: string) => BackOffice,
  tenantId: string,
): Promise<{ tenant: SimulatedTenant; backOffice: BackOffice }> {
  const slug = `sim-${tenantId.slice(-12)}`;
  const email = (name: string) => `${name}@${slug}.sim`;
  const storeCodes = Array.from({ length: options.storeCount }, (_, index) => `S${index}`);
  const seed: TenantSeed = {
    tenant: { id: tenantId, slug, name: `Simulated ${slug}`, pricesIncludeTax: true },
    stores: storeCodes.map((code, index) => ({
      ...STORE_SHAPES[index % STORE_SHAPES.length]!,
      code,
      name: `Tienda ${code}`,
      folioScope: index % 2 === 0 ? 'per_store' : 'per_terminal',
      taxRatesBasisPoints: { general: 1600, reduced: 800, exempt: 0 },
    })),
    users: [
      {
        email: email('admin'),
        name: 'Admin',
        role: 'ADMIN',
        password: SIMULATION_PASSWORD,
        pin: null,
        storeCodes: [],
      },
      ...storeCodes.flatMap((code) => [
        {
          email: email(`manager.${code.toLowerCase()}`),
          name: `Manager ${code}`,
          role: 'MANAGER' as const,
          password: SIMULATION_PASSWORD,
          pin: MANAGER_PIN,
          storeCodes: [code],
        },
        {
          email: email(`cashier.${code.toLowerCase()}`),
          name: `Cashier ${code}`,
          role: 'CASHIER' as const,
          password: null,
          pin: CASHIER_PIN,
          storeCodes: [code],
        },
      ]),
    ],
    catalog: { seed: random.integer(1, 1_000_000), productCount: options.itemCount },
    hashCosts: THROWAWAY_HASH_COSTS,
  };
  const seeded = await seedTenant(database.system, seed);
  const stores: SimulatedStore[] = storeCodes.map((code, index) => {
    const shape = STORE_SHAPES[index % STORE_SHAPES.length]!;
    return {
      index,
      id: seeded.storeIds[code]!,
      code,
      warehouseId: seeded.warehouseIds[code]!,
      currency: shape.currency,
      folioScope: index % 2 === 0 ? 'per_store' : 'per_terminal',
      managerEmail: email(`manager.${code.toLowerCase()}`),
      managerUserId: seeded.userIds[email(`manager.${code.toLowerCase()}`)]!,
      cashierUserId: seeded.userIds[email(`cashier.${code.toLowerCase()}`)]!,
    };
  });
  const variants = await database.system
    .selectFrom('variants')
    .innerJoin('products', (join) =>
      join
        .onRef('products.tenant_id', '=', 'variants.tenant_id')
        .onRef('products.id', '=', 'variants.product_id'),
    )
    .select(['variants.id', 'variants.sku'])
    .where('variants.tenant_id', '=', tenantId)
    .where('products.sold_by_weight', '=', false)
    .orderBy('variants.sku')
    .execute();
  const chosen = variants.slice(0, options.itemCount);
  const items: SimulatedItem[] = chosen.map((variant, index) => ({
    variantId: variant.id,
    sku: variant.sku,
    hot: index < options.hotItemCount,
  }));
  const tenant: SimulatedTenant = { tenantId, slug, adminEmail: email('admin'), stores, items };
  const backOffice = backOfficeFor(slug);
  for (const store of stores) {
    await backOffice.expectOk(store.managerEmail, 'POST', '/api/v1/stock/adjustments', {
      warehouseId: store.warehouseId,
      reason: 'conteo inicial de la simulación',
      lines: items.map((item) => ({
        variantId: item.variantId,
        countedQuantity: item.hot ? '1' : String(random.integer(2, 12)),
      })),
    });
  }
  return { tenant, backOffice };
}
