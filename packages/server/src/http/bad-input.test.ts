import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
  tenantVersion,
} from '../testing/test-server';

describe('bad input gets a clear 4xx error and changes nothing', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 3);
    other = await createTestTenant(server.database, 3);
    admin = await login(server.app, tenant, tenant.emails.admin);
  });
  afterAll(async () => server.close());

  const validProduct: { name: string; taxClass: string; variants: Record<string, unknown>[] } = {
    name: 'Martillo de uña 16 oz',
    taxClass: 'general',
    variants: [
      { sku: 'HAM-16', name: 'Martillo 16 oz', prices: [{ currency: 'CRC', amountMinor: 650_000 }] },
    ],
  };

  const cases: { name: string; status: number; code: string; request: () => InjectOptions }[] = [
    {
      name: 'malformed JSON',
      status: 400,
      code: 'MALFORMED_JSON',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: '{"name": "Martillo", ',
      }),
    },
    {
      name: 'unknown field',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: { ...validProduct, isAdmin: true },
      }),
    },
    {
      name: 'wrong type',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: { ...validProduct, name: 42 },
      }),
    },
    {
      name: 'money as a float',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: {
          ...validProduct,
          variants: [{ ...validProduct.variants[0], prices: [{ currency: 'CRC', amountMinor: 10.5 }] }],
        },
      }),
    },
    {
      name: 'negative price',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: {
          ...validProduct,
          variants: [{ ...validProduct.variants[0], prices: [{ currency: 'CRC', amountMinor: -1 }] }],
        },
      }),
    },
    {
      name: 'oversize body',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: { ...validProduct, description: 'x'.repeat(2_000_000) },
      }),
    },
    {
      name: 'not JSON at all',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      request: () => ({
        method: 'POST',
        url: '/api/v1/categories',
        headers: { ...bearer(admin), 'content-type': 'text/plain' },
        payload: 'name=Frenos',
      }),
    },
    {
      name: 'an id that is not a UUID',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({ method: 'GET', url: "/api/v1/products/1'%20OR%201=1", headers: bearer(admin) }),
    },
    {
      name: "another tenant's category as a reference",
      status: 422,
      code: 'REFERENCE_NOT_FOUND',
      request: () => ({
        method: 'POST',
        url: '/api/v1/products',
        headers: bearer(admin),
        payload: { ...validProduct, categoryId: otherCategoryId },
      }),
    },
    {
      name: "another tenant's store for a price override",
      status: 422,
      code: 'REFERENCE_NOT_FOUND',
      request: () => ({
        method: 'PUT',
        url: `/api/v1/variants/${ownVariantId}/prices`,
        headers: bearer(admin),
        payload: { currency: 'CRC', storeId: other.storeIds.CR, amountMinor: 100 },
      }),
    },
    {
      name: "another tenant's warehouse for a receipt",
      status: 404,
      code: 'NOT_FOUND',
      request: () => ({
        method: 'POST',
        url: '/api/v1/stock/receipts',
        headers: bearer(admin),
        payload: { warehouseId: other.warehouseIds.CR, lines: [{ variantId: ownVariantId, quantity: '5' }] },
      }),
    },
    {
      name: 'a quantity with four decimals',
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => ({
        method: 'POST',
        url: '/api/v1/stock/receipts',
        headers: bearer(admin),
        payload: {
          warehouseId: tenant.warehouseIds.CR,
          lines: [{ variantId: ownVariantId, quantity: '1.0001' }],
        },
      }),
    },
  ];

  let otherCategoryId = '';
  let ownVariantId = '';
  beforeAll(async () => {
    otherCategoryId = (
      await server.database.system
        .selectFrom('categories')
        .select('id')
        .where('tenant_id', '=', other.tenantId)
        .executeTakeFirstOrThrow()
    ).id;
    ownVariantId = (
      await server.database.system
        .selectFrom('variants')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .executeTakeFirstOrThrow()
    ).id;
  });

  const snapshot = async () => ({
    own: await tenantVersion(server.database, tenant.tenantId),
    other: await tenantVersion(server.database, other.tenantId),
    products: (
      await server.database.system
        .selectFrom('products')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
    movements: (
      await server.database.system
        .selectFrom('stock_movements')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  });

  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.status} ${testCase.code}`, async () => {
      const before = await snapshot();
      const response = await server.app.inject(testCase.request());
      expect(response.statusCode).toBe(testCase.status);
      const body = response.json();
      expect(body.error.code).toBe(testCase.code);
      expect(typeof body.error.message).toBe('string');
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('names the offending field in validation errors', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: bearer(admin),
      payload: { ...validProduct, taxClass: 'Not A Class' },
    });
    expect(response.json().error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('taxClass') })]),
    );
  });

  it('answers an unknown route with a JSON error', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: bearer(admin),
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
