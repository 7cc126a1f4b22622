// The public surface of @mostrador/web. The app itself is a static bundle (npm run build -w
// @mostrador/web → packages/web/dist, served by the server); '@mostrador/web/testing' drives it
// in Chromium for the end-to-end tests and the web-pos benchmark.
export {
  buildCatalogIndex,
  type CatalogEntry,
  type CatalogIndex,
  normalizeSearchText,
} from './catalog/catalog-index';
export { variantName } from './catalog/catalog-loader';
