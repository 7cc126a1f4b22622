import type { Database } from '../database/database';
import type { AppInstance } from '../http/app-instance';
import { registerCategoryRoutes } from './category-routes';
import { registerProductRoutes } from './product-routes';
import { registerTaxRateRoutes } from './tax-rate-routes';

export function registerCatalogRoutes(app: AppInstance, database: Database): void {
  registerCategoryRoutes(app, database);
  registerTaxRateRoutes(app, database);
  registerProductRoutes(app, database);
}
