import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../database/database';
import { type StoreSeed, seedTenant, type TenantSeed } from './seed-tenant';

/**
 * Creates a large tenant for benchmarks and the simulator:
 *   npm run generate -- --slug big --products 22000 --stores 50 [--seed 1]
 * (22,000 products give about 100,000 SKUs.) Uses DATABASE_URL, or the PGlite in DATA_DIR.
 */
const STORE_TEMPLATES: Omit<StoreSeed, 'code' | 'name'>[] = [
  {
    currency: 'CRC',
    locale: 'es-CR',
    timezone: 'America/Costa_Rica',
    country: 'CR',
    cashRoundingMinor: 500,
    taxRatesBasisPoints: { general: 1300, reduced: 200, exempt: 0 },
  },
  {
    currency: 'MXN',
    locale: 'es-MX',
    timezone: 'America/Mexico_City',
    country: 'MX',
    cashRoundingMinor: 10,
    taxRatesBasisPoints: { general: 1600, reduced: 0, exempt: 0 },
  },
  {
    currency: 'PEN',
    locale: 'es-PE',
    timezone: 'America/Lima',
    country: 'PE',
    cashRoundingMinor: 10,
    taxRatesBasisPoints: { general: 1800, reduced: 1800, exempt: 0 },
  },
  {
    currency: 'COP',
    locale: 'es-CO',
    timezone: 'America/Bogota',
    country: 'CO',
    cashRoundingMinor: 5000,
    taxRatesBasisPoints: { general: 1900, reduced: 500, exempt: 0 },
  },
  {
    currency: 'PKR',
    locale: 'en-PK',
    timezone: 'Asia/Karachi',
    country: 'PK',
    cashRoundingMinor: 100,
    taxRatesBasisPoints: { general: 1800, reduced: 0, exempt: 0 },
  },
];

export function largeTenantSeed(options: {
  slug: string;
  productCount: number;
  storeCount: number;
  seed: number;
}): TenantSeed {
  const stores = Array.from({ length: options.storeCount }, (_, index) => {
    const template = STORE_TEMPLATES[index % STORE_TEMPLATES.length]!;
    const number = String(index + 1).padStart(3, '0');
    return { ...template, code: `${template.country}-${number}`, name: `Sucursal ${number}` };
  });
  return {
    tenant: { id: uuidv7(), slug: options.slug, name: `Cadena ${options.slug}`, pricesIncludeTax: true },
    stores,
    users: [
      {
        email: `admin@${options.slug}.mostrador`,
        name: 'Admin',
        role: 'ADMIN',
        password: 'generated-admin-2026',
        pin: '9000',
        storeCodes: [],
      },
      ...stores.map((store) => ({
        email: `cajero.${store.code.toLowerCase()}@${options.slug}.mostrador`,
        name: `Cajero ${store.code}`,
        role: 'CASHIER' as const,
        password: null,
        pin: '1111',
        storeCodes: [store.code],
      })),
    ],
    catalog: { seed: options.seed, productCount: options.productCount },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      slug: { type: 'string', default: 'big' },
      products: { type: 'string', default: '22000' },
      stores: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
    },
  });
  const productCount = Number(values.products);
  const storeCount = Number(values.stores);
  if (
    !Number.isSafeInteger(productCount) ||
    productCount < 1 ||
    !Number.isSafeInteger(storeCount) ||
    storeCount < 1
  ) {
    throw new Error('--products and --stores must be positive integers');
  }
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR ?? '.data/pglite',
  });
  const startedAtMs = performance.now();
  const bar = new SingleBar({ format: 'products [{bar}] {percentage}% {value}/{total} eta {eta}s' });
  bar.start(productCount, 0);
  try {
    const result = await seedTenant(
      database.system,
      largeTenantSeed({ slug: values.slug, productCount, storeCount, seed: Number(values.seed) }),
      (done) => bar.update(done),
    );
    bar.stop();
    await database.statistics.refresh();
    const seconds = (performance.now() - startedAtMs) / 1000;
    process.stdout.write(
      `${JSON.stringify({ tenant: values.slug, database: database.kind, products: result.productCount, skus: result.variantCount, stores: storeCount, seconds: Number(seconds.toFixed(1)) })}\n`,
    );
  } finally {
    bar.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`generate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
