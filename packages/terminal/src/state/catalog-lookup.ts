import { type CatalogItem, money } from '@mostrador/core';
import { type Refusal, refuse } from '../engine-outcome';
import type { ReadTransaction } from '../storage/terminal-store';
import { readStore, resolvePriceMinor, resolveTaxRateBasisPoints } from './state-reader';
import { readState, stateIndexKeys } from './state-records';

const LINE_NAME_LENGTH_MAX = 200;

export type ItemLookupOutcome =
  | { readonly ok: true; readonly item: CatalogItem }
  | Refusal<'LOCAL_DATA_NOT_LOADED'>
  | Refusal<'PRODUCT_NOT_FOUND', { productCode: string }>
  | Refusal<'PRICE_NOT_FOUND', { sku: string }>
  | Refusal<'TAX_RATE_NOT_FOUND', { sku: string; taxClass: string }>;

/**
 * Finds what a typed SKU or a scanned barcode sells as at this store, from the local copy of the
 * catalog: the variant, its store price (or the tenant-wide one) and its store tax rate (or the
 * tenant-wide one). It reads only local state, so it answers the same online and offline.
 */
export async function lookupItem(
  transaction: ReadTransaction,
  code: string,
  storeId: string,
): Promise<ItemLookupOutcome> {
  const productCode = code.trim();
  const store = await readStore(transaction, storeId);
  if (store === undefined) return refuse('LOCAL_DATA_NOT_LOADED');
  const bySku = await transaction.get(stateIndexKeys.sku(productCode));
  const barcode = bySku === undefined ? await readState(transaction, 'barcode', productCode) : undefined;
  const variantId = typeof bySku === 'string' ? bySku : barcode?.variantId;
  const variant = variantId === undefined ? undefined : await readState(transaction, 'variant', variantId);
  const product =
    variant === undefined ? undefined : await readState(transaction, 'product', variant.productId);
  if (variant === undefined || product === undefined) return refuse('PRODUCT_NOT_FOUND', { productCode });
  const priceMinor = await resolvePriceMinor(transaction, variant.id, storeId, store.currency);
  if (priceMinor === undefined) return refuse('PRICE_NOT_FOUND', { sku: variant.sku });
  const taxRateBasisPoints = await resolveTaxRateBasisPoints(transaction, product.taxClass, storeId);
  if (taxRateBasisPoints === undefined) {
    return refuse('TAX_RATE_NOT_FOUND', { sku: variant.sku, taxClass: product.taxClass });
  }
  return {
    ok: true,
    item: {
      variantId: variant.id,
      sku: variant.sku,
      name: lineName(product.name, variant.name),
      unitPrice: money(priceMinor, store.currency),
      taxRateBasisPoints,
      barcodes: barcode === undefined ? [] : [barcode.code],
      soldByWeight: product.soldByWeight,
    },
  };
}

function lineName(productName: string, variantName: string): string {
  return (
    truncateText(variantDisplayName(productName, variantName), LINE_NAME_LENGTH_MAX).trim() || 'Producto'
  );
}

/**
 * The name a variant goes by at the till and on the receipt: the product's, with the variant's
 * when it says more. A variant name that already starts with the product's (the catalog
 * generator's "Sudadera Ciudad — M / Coral") is used as it is, not after the product's again.
 */
export function variantDisplayName(productName: string, variantName: string): string {
  const product = productName.trim();
  const variant = variantName.trim();
  if (variant === '' || variant === product) return product;
  return product === '' || variant.startsWith(product) ? variant : `${product} ${variant}`;
}

/** Cuts at a code point boundary: half of a surrogate pair would make the fact unencodable. */
function truncateText(text: string, lengthMax: number): string {
  if (text.length <= lengthMax) return text;
  let truncated = '';
  for (const character of text) {
    if (truncated.length + character.length > lengthMax) break;
    truncated += character;
  }
  return truncated;
}
