import { DEFAULT_MAX_DISCOUNT_BASIS_POINTS, type Role } from '@mostrador/core';
import type { Insertable, Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type HashCost, hashSecret, PASSWORD_HASH_COST, PIN_HASH_COST } from '../auth/secret-hash';
import type { DatabaseSchema } from '../database/database-schema';
import { createStoreFolioSeries } from '../folios/folio-series';
import { provisionTenant, type TenantInput } from '../tenants/provision-tenant';
import { type CatalogGeneratorOptions, generateCategories, generateProducts } from './catalog-generator';

/**
 * Bulk-loads a whole tenant (stores, users, taxes, a generated catalog with stock) as the owner,
 * in one transaction per batch of products, every row at change version 1. Used for the demo
 * tenant on first start and by the large-tenant generator for benchmarks and the simulator.
 */
export interface StoreSeed {
  code: string;
  name: string;
  currency: string;
  locale: string;
  timezone: string;
  country: string;
  cashRoundingMinor: number;
  /** Per store: one series shared by the store's tills; per terminal: each till numbers its own. */
  folioScope?: 'per_store' | 'per_terminal';
  taxRatesBasisPoints: Record<'general' | 'reduced' | 'exempt', number>;
}

export interface UserSeed {
  email: string;
  name: string;
  role: Role;
  password: string | null;
  pin: string | null;
  storeCodes: string[];
}

export interface TenantSeed {
  tenant: TenantInput;
  stores: StoreSeed[];
  users: UserSeed[];
  catalog: Omit<CatalogGeneratorOptions, 'storeCount' | 'currencies'>;
  /**
   * The argon2id costs of the seeded users' password and PIN hashes; production costs by default.
   * The simulator seeds thousands of throwaway tenants whose secrets protect nothing, and lower
   * costs keep a seed's time in its sync work (hashes carry their parameters, so they verify the same way).
   */
  hashCosts?: { readonly password: HashCost; readonly pin: HashCost };
}

export type SeedProgress = (done: number, total: number) => void;

export interface SeedResult {
  storeIds: Record<string, string>;
  warehouseIds: Record<string, string>;
  userIds: Record<string, string>;
  productCount: number;
  variantCount: number;
}

const INSERT_BATCH_ROWS = 1000;
const SEED_VERSION = 1;
const TAX_CLASS_NAMES = { general: 'IVA general', reduced: 'IVA reducido', exempt: 'Exento' } as const;

async function insertInBatches<T extends keyof DatabaseSchema & string>(
  transaction: Transaction<DatabaseSchema>,
  table: T,
  rows: Insertable<DatabaseSchema[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    // Kysely cannot type an insert into a table chosen at run time; the row type above stands in.
    await transaction
      .insertInto(table)
      .values(rows.slice(start, start + INSERT_BATCH_ROWS) as never)
      .execute();
  }
}

export async function seedTenant(
  system: Kysely<DatabaseSchema>,
  seed: TenantSeed,
  onProgress: SeedProgress = () => {},
): Promise<SeedResult> {
  const tenantId = seed.tenant.id;
  await provisionTenant(system, seed.tenant);
  const storeIds: Record<string, string> = {};
  const warehouseIds: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  const hashedUsers = await Promise.all(
    seed.users.map(async (user) => ({
      ...user,
      passwordHash:
        user.password === null
          ? null
          : await hashSecret(user.password, seed.hashCosts?.password ?? PASSWORD_HASH_COST),
      pinHash: user.pin === null ? null : await hashSecret(user.pin, seed.hashCosts?.pin ?? PIN_HASH_COST),
    })),
  );

  const categories = generateCategories();
  const categoryIds = new Map(categories.map((category) => [category.key, uuidv7()]));
  await system.transaction().execute(async (transaction) => {
    for (const store of seed.stores) {
      const storeId = uuidv7();
      const warehouseId = uuidv7();
      storeIds[store.code] = storeId;
      warehouseIds[store.code] = warehouseId;
      await transaction
        .insertInto('stores')
        .values({
          tenant_id: tenantId,
          id: storeId,
          code: store.code,
          name: store.name,
          currency: store.currency,
          locale: store.locale,
          timezone: store.timezone,
          country: store.country,
          cash_rounding_minor: store.cashRoundingMinor,
          folio_scope: store.folioScope ?? 'per_store',
          version: SEED_VERSION,
          deleted_at: null,
        })
        .execute();
      if ((store.folioScope ?? 'per_store') === 'per_store') {
        await createStoreFolioSeries(transaction, tenantId, { id: storeId, code: store.code }, SEED_VERSION);
      }
      await transaction
        .insertInto('warehouses')
        .values({
          tenant_id: tenantId,
          id: warehouseId,
          store_id: storeId,
          code: `${store.code}-MAIN`,
          name: 'Principal',
          is_default: true,
          version: SEED_VERSION,
          deleted_at: null,
        })
        .execute();
      for (const [taxClass, rate] of Object.entries(store.taxRatesBasisPoints)) {
        await transaction
          .insertInto('tax_rates')
          .values({
            tenant_id: tenantId,
            id: uuidv7(),
            store_id: storeId,
            tax_class: taxClass,
            name: `${TAX_CLASS_NAMES[taxClass as keyof typeof TAX_CLASS_NAMES]} ${rate / 100} %`,
            rate_basis_points: rate,
            version: SEED_VERSION,
            deleted_at: null,
          })
          .execute();
      }
    }
    for (const user of hashedUsers) {
      const userId = uuidv7();
      userIds[user.email] = userId;
      await transaction
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          id: userId,
          email: user.email,
          name: user.name,
          role: user.role,
          password_hash: user.passwordHash,
          pin_hash: user.pinHash,
          max_discount_basis_points: DEFAULT_MAX_DISCOUNT_BASIS_POINTS[user.role],
          locked_until: null,
          pin_locked_until: null,
          version: SEED_VERSION,
        })
        .execute();
      for (const code of user.storeCodes) {
        const storeId = storeIds[code];
        if (storeId === undefined) throw new Error(`user ${user.email} names unknown store ${code}`);
        await transaction
          .insertInto('user_stores')
          .values({ tenant_id: tenantId, user_id: userId, store_id: storeId })
          .execute();
      }
    }
    await insertInBatches(
      transaction,
      'categories',
      categories.map((category) => ({
        tenant_id: tenantId,
        id: categoryIds.get(category.key)!,
        parent_id: category.parentKey === null ? null : categoryIds.get(category.parentKey)!,
        name: category.name,
        version: SEED_VERSION,
        deleted_at: null,
      })),
    );
    await transaction
      .updateTable('tenant_versions')
      .set({ version: SEED_VERSION })
      .where('tenant_id', '=', tenantId)
      .execute();
  });

  const currencies = [...new Set(seed.stores.map((store) => store.currency))];
  const storeCodes = seed.stores.map((store) => store.code);
  const generatorOptions: CatalogGeneratorOptions = {
    ...seed.catalog,
    storeCount: seed.stores.length,
    currencies,
  };
  let productCount = 0;
  let variantCount = 0;
  let batch: ReturnType<typeof emptyBatch> = emptyBatch();
  const flush = async () => {
    const current = batch;
    batch = emptyBatch();
    await system.transaction().execute(async (transaction) => {
      await insertInBatches(transaction, 'products', current.products);
      await insertInBatches(transaction, 'variants', current.variants);
      await insertInBatches(transaction, 'barcodes', current.barcodes);
      await insertInBatches(transaction, 'prices', current.prices);
      await insertInBatches(transaction, 'stock_levels', current.stockLevels);
      await insertInBatches(transaction, 'stock_movements', current.stockMovements);
    });
    onProgress(productCount, seed.catalog.productCount);
  };

  for (const product of generateProducts(generatorOptions)) {
    const productId = uuidv7();
    productCount += 1;
    batch.products.push({
      tenant_id: tenantId,
      id: productId,
      category_id: categoryIds.get(product.categoryKey) ?? null,
      name: product.name,
      brand: product.brand,
      description: product.description,
      tax_class: product.taxClass,
      sold_by_weight: product.soldByWeight,
      version: SEED_VERSION,
      deleted_at: null,
    });
    for (const variant of product.variants) {
      const variantId = uuidv7();
      variantCount += 1;
      batch.variants.push({
        tenant_id: tenantId,
        id: variantId,
        product_id: productId,
        sku: variant.sku,
        name: variant.name,
        attributes: JSON.stringify(variant.attributes),
        version: SEED_VERSION,
        deleted_at: null,
      });
      for (const code of variant.barcodes) {
        batch.barcodes.push({
          tenant_id: tenantId,
          code,
          variant_id: variantId,
          version: SEED_VERSION,
          deleted_at: null,
        });
      }
      for (const [currency, amountMinor] of Object.entries(variant.pricesMinor)) {
        batch.prices.push({
          tenant_id: tenantId,
          id: uuidv7(),
          variant_id: variantId,
          store_id: null,
          currency,
          amount_minor: amountMinor,
          version: SEED_VERSION,
          deleted_at: null,
        });
      }
      variant.stockByStore.forEach((quantity, storeIndex) => {
        const warehouseId = warehouseIds[storeCodes[storeIndex]!]!;
        batch.stockLevels.push({
          tenant_id: tenantId,
          warehouse_id: warehouseId,
          variant_id: variantId,
          qty_on_hand: quantity,
          version: SEED_VERSION,
        });
        if (/[1-9]/.test(quantity)) {
          batch.stockMovements.push({
            tenant_id: tenantId,
            id: uuidv7(),
            warehouse_id: warehouseId,
            variant_id: variantId,
            qty_delta: quantity,
            reason: 'opening',
            reference: 'demo opening stock',
            user_id: null,
          });
        }
      });
    }
    if (batch.products.length >= INSERT_BATCH_ROWS) await flush();
  }
  if (batch.products.length > 0) await flush();
  return { storeIds, warehouseIds, userIds, productCount, variantCount };
}

function emptyBatch() {
  return {
    products: [] as Insertable<DatabaseSchema['products']>[],
    variants: [] as Insertable<DatabaseSchema['variants']>[],
    barcodes: [] as Insertable<DatabaseSchema['barcodes']>[],
    prices: [] as Insertable<DatabaseSchema['prices']>[],
    stockLevels: [] as Insertable<DatabaseSchema['stock_levels']>[],
    stockMovements: [] as Insertable<DatabaseSchema['stock_movements']>[],
  };
}
