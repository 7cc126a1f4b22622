import type { AddressInfo } from 'node:net';
import type { Role } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../app';
import { createAccessTokens } from '../auth/access-token';
import { type Database, openDatabase } from '../database/database';
import { seedTenant, type TenantSeed } from '../demo/seed-tenant';
import type { AppInstance } from '../http/app-instance';

/**
 * A real server for tests: PGlite in memory, or the PostgreSQL server when DATABASE_URL is set
 * (the CI runs the server suite on both). Tenants are created fresh for each test file, so files
 * sharing one PostgreSQL database never see each other's rows.
 */
export interface TestClock {
  now: Date;
}

export interface TestServer {
  app: AppInstance;
  database: Database;
  clock: TestClock;
  close(): Promise<void>;
}

export async function startTestServer(options: { webAppDirectory?: string } = {}): Promise<TestServer> {
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  const clock: TestClock = { now: new Date() };
  const app = await buildApp({
    database,
    accessTokens: createAccessTokens(new TextEncoder().encode('test-secret-test-secret-test-secret!'), 900),
    refreshTokenDays: 30,
    clock: () => clock.now,
    ...(options.webAppDirectory === undefined ? {} : { webAppDirectory: options.webAppDirectory }),
  });
  return {
    app,
    database,
    clock,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export const TEST_PASSWORD = 'correct-horse-battery';
export const TEST_PINS: Record<Role, string> = { ADMIN: '9999', MANAGER: '2468', CASHIER: '1111' };

export interface TestTenant {
  tenantId: string;
  slug: string;
  storeIds: { CR: string; MX: string };
  warehouseIds: { CR: string; MX: string };
  userIds: { admin: string; managerCr: string; cashierCr: string; managerMx: string };
  emails: { admin: string; managerCr: string; cashierCr: string; managerMx: string };
}

/** A small tenant: two stores (CRC and MXN), four users, and a generated catalog of `productCount`. */
export async function createTestTenant(database: Database, productCount = 10): Promise<TestTenant> {
  const tenantId = uuidv7();
  const slug = `t-${tenantId.slice(-12)}`;
  const email = (name: string) => `${name}@${slug}.test`;
  const seed: TenantSeed = {
    tenant: { id: tenantId, slug, name: `Test ${slug}`, pricesIncludeTax: true },
    stores: [
      {
        code: 'CR',
        name: 'Tienda CR',
        currency: 'CRC',
        locale: 'es-CR',
        timezone: 'America/Costa_Rica',
        country: 'CR',
        cashRoundingMinor: 500,
        folioScope: 'per_terminal',
        taxRatesBasisPoints: { general: 1300, reduced: 200, exempt: 0 },
      },
      {
        code: 'MX',
        name: 'Tienda MX',
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
        email: email('admin'),
        name: 'Admin',
        role: 'ADMIN',
        password: TEST_PASSWORD,
        pin: TEST_PINS.ADMIN,
        storeCodes: [],
      },
      {
        email: email('manager.cr'),
        name: 'Manager CR',
        role: 'MANAGER',
        password: TEST_PASSWORD,
        pin: TEST_PINS.MANAGER,
        storeCodes: ['CR'],
      },
      {
        email: email('cashier.cr'),
        name: 'Cashier CR',
        role: 'CASHIER',
        password: TEST_PASSWORD,
        pin: TEST_PINS.CASHIER,
        storeCodes: ['CR'],
      },
      {
        email: email('manager.mx'),
        name: 'Manager MX',
        role: 'MANAGER',
        password: TEST_PASSWORD,
        pin: TEST_PINS.MANAGER,
        storeCodes: ['MX'],
      },
    ],
    catalog: { seed: 7, productCount },
  };
  const result = await seedTenant(database.system, seed);
  const emails = {
    admin: email('admin'),
    managerCr: email('manager.cr'),
    cashierCr: email('cashier.cr'),
    managerMx: email('manager.mx'),
  };
  return {
    tenantId,
    slug,
    storeIds: { CR: result.storeIds.CR!, MX: result.storeIds.MX! },
    warehouseIds: { CR: result.warehouseIds.CR!, MX: result.warehouseIds.MX! },
    userIds: {
      admin: result.userIds[emails.admin]!,
      managerCr: result.userIds[emails.managerCr]!,
      cashierCr: result.userIds[emails.cashierCr]!,
      managerMx: result.userIds[emails.managerMx]!,
    },
    emails,
  };
}

export async function login(app: AppInstance, tenant: TestTenant, email: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { tenant: tenant.slug, email, password: TEST_PASSWORD },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { accessToken: string }).accessToken;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function tenantVersion(database: Database, tenantId: string): Promise<number> {
  const row = await database.system
    .selectFrom('tenant_versions')
    .select('version')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return row.version;
}

/**
 * The real server listening on a loopback port, for terminals and benchmarks that pay for real
 * HTTP: sockets, parsing and serialisation.
 */
export interface ListeningServer extends TestServer {
  readonly url: string;
}

export async function startListeningServer(
  options: { webAppDirectory?: string } = {},
): Promise<ListeningServer> {
  const server = await startTestServer(options);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}
