import type { Product, Variant } from '@mostrador/core';
import type { TenantWork } from '../database/tenant-transaction';

/** Loads products with their live variants, barcodes and prices, in the order of `productIds`. */
export async function readProducts(work: TenantWork, productIds: readonly string[]): Promise<Product[]> {
  if (productIds.length === 0) return [];
  const { transaction } = work;
  const [products, variants] = await Promise.all([
    transaction
      .selectFrom('products')
      .selectAll()
      .where('id', 'in', productIds)
      .where('deleted_at', 'is', null)
      .execute(),
    transaction
      .selectFrom('variants')
      .selectAll()
      .where('product_id', 'in', productIds)
      .where('deleted_at', 'is', null)
      .orderBy('sku')
      .execute(),
  ]);
  const variantIds = variants.map((variant) => variant.id);
  const [barcodes, prices] =
    variantIds.length === 0
      ? [[], []]
      : await Promise.all([
          transaction
            .selectFrom('barcodes')
            .select(['code', 'variant_id'])
            .where('variant_id', 'in', variantIds)
            .where('deleted_at', 'is', null)
            .orderBy('code')
            .execute(),
          transaction
            .selectFrom('prices')
            .selectAll()
            .where('variant_id', 'in', variantIds)
            .where('deleted_at', 'is', null)
            .orderBy('currency')
            .orderBy('store_id', (order) => order.nullsFirst())
            .execute(),
        ]);

  const variantsByProduct = new Map<string, Variant[]>();
  for (const variant of variants) {
    const entry: Variant = {
      id: variant.id,
      productId: variant.product_id,
      sku: variant.sku,
      name: variant.name,
      attributes: variant.attributes,
      barcodes: barcodes
        .filter((barcode) => barcode.variant_id === variant.id)
        .map((barcode) => barcode.code),
      prices: prices
        .filter((price) => price.variant_id === variant.id)
        .map((price) => ({
          id: price.id,
          variantId: price.variant_id,
          storeId: price.store_id,
          currency: price.currency,
          amountMinor: price.amount_minor,
          version: price.version,
        })),
      version: variant.version,
    };
    variantsByProduct.set(variant.product_id, [...(variantsByProduct.get(variant.product_id) ?? []), entry]);
  }
  const byId = new Map(products.map((product) => [product.id, product]));
  return productIds.flatMap((id) => {
    const product = byId.get(id);
    if (product === undefined) return [];
    return [
      {
        id: product.id,
        categoryId: product.category_id,
        name: product.name,
        brand: product.brand,
        description: product.description,
        taxClass: product.tax_class,
        soldByWeight: product.sold_by_weight,
        variants: variantsByProduct.get(product.id) ?? [],
        version: product.version,
      },
    ];
  });
}
