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

describe('catalog API', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 30);
    admin = await login(server.app, tenant, tenant.emails.admin);
  });
  afterAll(async () => server.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
    token = admin,
  ) =>
    server.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

  const brakePads = {
    name: 'Pastillas de freno delanteras',
    brand: 'Bosch',
    taxClass: 'general',
    variants: [
      {
        sku: 'BRK-COR-15',
        name: 'Pastillas de freno — Toyota Corolla 2015',
        attributes: { vehicle: 'Toyota Corolla 2015', position: 'delantera' },
        barcodes: ['7501234567897'],
        prices: [
          { currency: 'CRC', amountMinor: 2_450_000 },
          { currency: 'MXN', amountMinor: 89_900 },
        ],
      },
    ],
  };

  it('creates a category and a product with variant, barcode and prices, each with a new version', async () => {
    const versionBefore = await tenantVersion(server.database, tenant.tenantId);
    const category = await call('POST', '/api/v1/categories', { name: 'Frenos' });
    expect(category.statusCode).toBe(201);
    const created = await call('POST', '/api/v1/products', { ...brakePads, categoryId: category.json().id });
    expect(created.statusCode).toBe(201);
    const product = created.json();
    expect(product.variants).toHaveLength(1);
    expect(product.variants[0].barcodes).toEqual(['7501234567897']);
    expect(product.variants[0].prices.map((price: { currency: string }) => price.currency)).toEqual([
      'CRC',
      'MXN',
    ]);
    const versionAfter = await tenantVersion(server.database, tenant.tenantId);
    expect(versionAfter).toBe(versionBefore + 2);
    expect(product.version).toBe(versionAfter);
    expect(category.json().version).toBe(versionBefore + 1);
  });

  it('looks a variant up by barcode and finds products by name, SKU or barcode', async () => {
    const lookup = await call('GET', '/api/v1/barcodes/7501234567897');
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().variant.sku).toBe('BRK-COR-15');
    expect(lookup.json().product.name).toBe('Pastillas de freno delanteras');
    for (const q of ['freno delanteras', 'brk-cor', '7501234567897', 'BOSCH']) {
      const found = await call('GET', `/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(found.statusCode).toBe(200);
      expect(
        found.json().items.map((item: { name: string }) => item.name),
        q,
      ).toContain('Pastillas de freno delanteras');
    }
    const missing = await call('GET', '/api/v1/barcodes/0000000000000');
    expect(missing.statusCode).toBe(404);
  });

  it('pages through the whole catalog without repeating or skipping a product', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response = await call(
        'GET',
        `/api/v1/products?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      const body = response.json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
    const total = await server.database.system
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('tenant_id', '=', tenant.tenantId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Number(total.count));
  });

  it('keeps a tenant price per currency and a per-store override in the store currency only', async () => {
    const product = (await call('GET', '/api/v1/barcodes/7501234567897')).json();
    const variantId = product.variant.id;
    const override = await call('PUT', `/api/v1/variants/${variantId}/prices`, {
      currency: 'CRC',
      storeId: tenant.storeIds.CR,
      amountMinor: 2_300_000,
    });
    expect(override.statusCode).toBe(200);
    expect(override.json()).toMatchObject({ storeId: tenant.storeIds.CR, amountMinor: 2_300_000 });
    const wrongCurrency = await call('PUT', `/api/v1/variants/${variantId}/prices`, {
      currency: 'MXN',
      storeId: tenant.storeIds.CR,
      amountMinor: 100,
    });
    expect(wrongCurrency.statusCode).toBe(422);
    expect(wrongCurrency.json().error.code).toBe('CURRENCY_MISMATCH');
    const update = await call('PUT', `/api/v1/variants/${variantId}/prices`, {
      currency: 'CRC',
      amountMinor: 2_500_000,
    });
    expect(update.statusCode).toBe(200);
    const prices = (await call('GET', `/api/v1/products/${product.product.id}`)).json().variants[0].prices;
    expect(
      prices.map((price: { storeId: string | null; amountMinor: number }) => [
        price.storeId,
        price.amountMinor,
      ]),
    ).toEqual([
      [null, 2_500_000],
      [tenant.storeIds.CR, 2_300_000],
      [null, 89_900],
    ]);
  });

  it('refuses a barcode already used by another variant', async () => {
    const other = await call('POST', '/api/v1/products', {
      name: 'Filtro de aceite',
      taxClass: 'general',
      variants: [{ sku: 'FLT-OIL-1', name: 'Filtro de aceite', barcodes: [] }],
    });
    const variantId = other.json().variants[0].id;
    const duplicate = await call('POST', `/api/v1/variants/${variantId}/barcodes`, { code: '7501234567897' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('ALREADY_EXISTS');
  });

  it('deletes as tombstones with a new version, and a deleted barcode can be reused', async () => {
    const product = (await call('GET', '/api/v1/barcodes/7501234567897')).json();
    const removed = await call('DELETE', '/api/v1/barcodes/7501234567897');
    expect(removed.statusCode).toBe(204);
    expect((await call('GET', '/api/v1/barcodes/7501234567897')).statusCode).toBe(404);
    const row = await server.database.system
      .selectFrom('barcodes')
      .select(['deleted_at', 'version'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('code', '=', '7501234567897')
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(row.version).toBe(await tenantVersion(server.database, tenant.tenantId));
    const again = await call('POST', `/api/v1/variants/${product.variant.id}/barcodes`, {
      code: '7501234567897',
    });
    expect(again.statusCode).toBe(201);

    const deleted = await call('DELETE', `/api/v1/products/${product.product.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await call('GET', `/api/v1/products/${product.product.id}`)).statusCode).toBe(404);
  });

  it('manages tax rates per class with store overrides, and refuses category cycles', async () => {
    const rates = (await call('GET', '/api/v1/tax-rates')).json();
    expect(rates.filter((rate: { taxClass: string }) => rate.taxClass === 'general')).toHaveLength(2);
    const tenantWide = await call('POST', '/api/v1/tax-rates', {
      taxClass: 'luxury',
      name: 'Lujo',
      rateBasisPoints: 1800,
    });
    expect(tenantWide.statusCode).toBe(201);
    const patched = await call('PATCH', `/api/v1/tax-rates/${tenantWide.json().id}`, {
      rateBasisPoints: 1500,
    });
    expect(patched.json().rateBasisPoints).toBe(1500);

    const parent = (await call('POST', '/api/v1/categories', { name: 'Padre' })).json();
    const child = (await call('POST', '/api/v1/categories', { name: 'Hija', parentId: parent.id })).json();
    const cycle = await call('PATCH', `/api/v1/categories/${parent.id}`, { parentId: child.id });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().error.code).toBe('CATEGORY_CYCLE');
  });
});
