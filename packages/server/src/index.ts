// The public surface of @mostrador/server, for the simulator, the agent and benchmarks.
export { type AppDependencies, buildApp } from './app';
export { createAccessTokens } from './auth/access-token';
export { type Database, type DatabaseKind, openDatabase } from './database/database';
export { withTenant } from './database/tenant-transaction';
export { type GeneratedProduct, generateProducts } from './demo/catalog-generator';
export { DEMO_SEED, seedDemoTenantOnce } from './demo/demo-tenant';
export { seedTenant, type TenantSeed } from './demo/seed-tenant';
export { provisionTenant } from './tenants/provision-tenant';
