import { type TerminalStore, variantDisplayName } from '@mostrador/terminal';
import { scanEntity } from '../terminal-host/local-state';
import { buildCatalogIndex, type CatalogEntry, type CatalogIndex } from './catalog-index';

const PAGE_ROWS = 5_000;

/**
 * Builds the search index from the catalog the terminal pulled (products, variants, barcodes),
 * page by page so the counter stays responsive while a large catalog loads; scanning by code
 * works through the engine meanwhile.
 */
export async function loadCatalogIndex(store: TerminalStore): Promise<CatalogIndex> {
  const products = new Map<string, string>();
  for await (const page of scanEntity(store, 'product', PAGE_ROWS)) {
    for (const product of page) products.set(product.id, product.name);
    await yieldToUi();
  }
  const barcodes = new Map<string, string[]>();
  for await (const page of scanEntity(store, 'barcode', PAGE_ROWS)) {
    for (const barcode of page) {
      const list = barcodes.get(barcode.variantId);
      if (list === undefined) barcodes.set(barcode.variantId, [barcode.code]);
      else list.push(barcode.code);
    }
    await yieldToUi();
  }
  const entries: CatalogEntry[] = [];
  for await (const page of scanEntity(store, 'variant', PAGE_ROWS)) {
    for (const variant of page) {
      const productName = products.get(variant.productId) ?? '';
      entries.push({
        variantId: variant.id,
        sku: variant.sku,
        name: variantName(productName, variant.name),
        barcodes: barcodes.get(variant.id) ?? [],
      });
    }
    await yieldToUi();
  }
  return buildCatalogIndex(entries);
}

/** The name a line gets at the till (the terminal's rule, so search and receipt agree). */
export const variantName = variantDisplayName;

function yieldToUi(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
