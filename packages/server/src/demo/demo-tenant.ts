import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../database/database-schema';
import { type SeedProgress, type SeedResult, seedTenant, type TenantSeed } from './seed-tenant';

/**
 * The demo tenant created on first start: a hardware store and pharmacy with an apparel corner,
 * one branch in Costa Rica and one in Mexico. The logins and PINs are printed at start; they are
 * for trying the product and must never reach a real deployment (SEED_DEMO=false).
 */
export const DEMO_TENANT_SLUG = 'demo';
export const DEMO_PRODUCT_COUNT = 2_200;

export const DEMO_SEED: TenantSeed = {
  tenant: {
    id: '01936b1c-0000-7000-8000-000000000001',
    slug: DEMO_TENANT_SLUG,
    name: 'Ferretería y Farmacia La Esquina',
    pricesIncludeTax: true,
  },
  stores: [
    {
      code: 'CR-SJO',
      name: 'San José Centro',
      currency: 'CRC',
      locale: 'es-CR',
      timezone: 'America/Costa_Rica',
      country: 'CR',
      cashRoundingMinor: 500,
      // Costa Rica numbers documents per branch and terminal (consecutivo); each till numbers its own.
      folioScope: 'per_terminal',
      taxRatesBasisPoints: { general: 1300, reduced: 200, exempt: 0 },
    },
    {
      code: 'MX-CDMX',
      name: 'CDMX Roma Norte',
      currency: 'MXN',
      locale: 'es-MX',
      timezone: 'America/Mexico_City',
      country: 'MX',
      cashRoundingMinor: 10,
      taxRatesBasisPoints: { general: 1600, reduced: 0, exempt: 0 },
    },
  ],
  users: [
    {
      email: 'admin@demo.mostrador',
      name: 'Ana Administradora',
      role: 'ADMIN',
      password: 'demo-admin-2026',
      pin: '9000',
      storeCodes: [],
    },
    {
      email: 'gerente.cr@demo.mostrador',
      name: 'Marco Gerente (CR)',
      role: 'MANAGER',
      password: 'demo-gerente-2026',
      pin: '2468',
      storeCodes: ['CR-SJO'],
    },
    {
      email: 'cajera1.cr@demo.mostrador',
      name: 'Sofía Cajera (CR)',
      role: 'CASHIER',
      password: 'demo-cajero-2026',
      pin: '1111',
      storeCodes: ['CR-SJO'],
    },
    {
      email: 'cajero2.cr@demo.mostrador',
      name: 'Luis Cajero (CR)',
      role: 'CASHIER',
      password: 'demo-cajero-2026',
      pin: '2222',
      storeCodes: ['CR-SJO'],
    },
    {
      email: 'gerente.mx@demo.mostrador',
      name: 'Lucía Gerente (MX)',
      role: 'MANAGER',
      password: 'demo-gerente-2026',
      pin: '1357',
      storeCodes: ['MX-CDMX'],
    },
    {
      email: 'cajera1.mx@demo.mostrador',
      name: 'Valeria Cajera (MX)',
      role: 'CASHIER',
      password: 'demo-cajero-2026',
      pin: '3333',
      storeCodes: ['MX-CDMX'],
    },
    {
      email: 'cajero2.mx@demo.mostrador',
      name: 'Diego Cajero (MX)',
      role: 'CASHIER',
      password: 'demo-cajero-2026',
      pin: '4444',
      storeCodes: ['MX-CDMX'],
    },
  ],
  catalog: { seed: 20_261_123, productCount: DEMO_PRODUCT_COUNT },
};

/** Seeds the demo tenant unless it already exists; returns undefined when nothing was done. */
export async function seedDemoTenantOnce(
  system: Kysely<DatabaseSchema>,
  onProgress?: SeedProgress,
): Promise<SeedResult | undefined> {
  const existing = await system
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', DEMO_TENANT_SLUG)
    .executeTakeFirst();
  if (existing !== undefined) return undefined;
  return seedTenant(system, DEMO_SEED, onProgress);
}

export function describeDemoLogins(): string {
  const storeNames = new Map(DEMO_SEED.stores.map((store) => [store.code, store.name]));
  const rows = DEMO_SEED.users.map((user) => {
    const stores = user.storeCodes.map((code) => storeNames.get(code)).join(', ') || 'todas / all';
    return `  ${user.role.padEnd(8)} ${user.email.padEnd(28)} password ${String(user.password).padEnd(18)} PIN ${user.pin}  (${stores})`;
  });
  return [`Demo tenant "${DEMO_TENANT_SLUG}" — logins (for trying Mostrador only):`, ...rows].join('\n');
}
