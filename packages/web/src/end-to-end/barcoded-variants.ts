import type { Database } from '@mostrador/server';

/**
 * Variants a till can ring by scanning: sold by the unit, with a tenant-wide price in `currency`
 * and a barcode. One row per barcode, so a variant with two barcodes appears twice; callers order
 * and pick from this query (`variants.sku`, `barcodes.code`).
 */
export function barcodedUnitVariants(database: Database, tenantId: string, currency: string) {
  return database.system
    .selectFrom('variants')
    .innerJoin('products', (join) =>
      join
        .onRef('products.id', '=', 'variants.product_id')
        .onRef('products.tenant_id', '=', 'variants.tenant_id'),
    )
    .innerJoin('prices', (join) =>
      join
        .onRef('prices.variant_id', '=', 'variants.id')
        .onRef('prices.tenant_id', '=', 'variants.tenant_id'),
    )
    .innerJoin('barcodes', (join) =>
      join
        .onRef('barcodes.variant_id', '=', 'variants.id')
        .onRef('barcodes.tenant_id', '=', 'variants.tenant_id'),
    )
    .select(['variants.id', 'variants.sku', 'barcodes.code'])
    .where('variants.tenant_id', '=', tenantId)
    .where('products.sold_by_weight', '=', false)
    .where('prices.currency', '=', currency)
    .where('prices.store_id', 'is', null);
}
