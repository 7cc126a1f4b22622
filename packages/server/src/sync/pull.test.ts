import type { StateChange } from '@mostrador/core';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';

interface PullBody {
  changes: StateChange[];
  nextCursor: string;
  hasMore: boolean;
}

describe('terminal activation and the pull feed', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let credential: string;
  let terminalId: string;

  const publicKeyHex = bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(7)));

  const activate = (token: string, storeId: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/terminals/activate',
      headers: bearer(token),
      payload: { storeId, name: 'Caja 1', publicKeyHex },
    });

  const pull = (deviceCredential: string, cursor?: string, limit = 500) =>
    server.app.inject({
      method: 'GET',
      url: `/api/v1/sync/pull?limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}`,
      headers: { authorization: `Device ${deviceCredential}` },
    });

  async function pullAll(deviceCredential: string, cursor?: string, limit = 500) {
    const changes: StateChange[] = [];
    let next = cursor;
    for (let page = 0; page < 1000; page += 1) {
      const response = await pull(deviceCredential, next, limit);
      expect(response.statusCode).toBe(200);
      const body = response.json() as PullBody;
      changes.push(...body.changes);
      next = body.nextCursor;
      if (!body.hasMore) break;
    }
    return { changes, cursor: next! };
  }

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 40);
    other = await createTestTenant(server.database, 5);
    const manager = await login(server.app, tenant, tenant.emails.managerCr);
    const response = await activate(manager, tenant.storeIds.CR);
    expect(response.statusCode).toBe(201);
    credential = response.json().deviceCredential;
    terminalId = response.json().terminalId;
  });
  afterAll(async () => server.close());

  it('lets only a manager of the store activate a terminal', async () => {
    const cashier = await login(server.app, tenant, tenant.emails.cashierCr);
    expect((await activate(cashier, tenant.storeIds.CR)).statusCode).toBe(403);
    const managerMx = await login(server.app, tenant, tenant.emails.managerMx);
    const foreign = await activate(managerMx, tenant.storeIds.CR);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('STORE_NOT_ASSIGNED');
  });

  it('delivers a full snapshot in pages, each change once, with the store-scoped state', async () => {
    const { changes } = await pullAll(credential, undefined, 97);
    const keys = changes.map((change) => `${change.entity}/${change.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    const count = (entity: StateChange['entity']) =>
      changes.filter((change) => change.entity === entity).length;
    const variants = await server.database.system
      .selectFrom('variants')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(count('variant')).toBe(Number(variants.count));
    expect(count('tenant')).toBe(1);
    expect(count('store')).toBe(2);
    // Stock only for this store's warehouse; prices only tenant-wide or for this store.
    expect(count('stock_level')).toBe(Number(variants.count));
    expect(
      changes
        .filter((change) => change.entity === 'stock_level')
        .every((change) => change.data?.warehouseId === tenant.warehouseIds.CR),
    ).toBe(true);
    // Costa Rica numbers per terminal: the terminal gets its own two series and no other terminal's.
    const series = changes.filter((change) => change.entity === 'folio_series');
    expect(series.map((change) => change.data?.terminalId)).toEqual([terminalId, terminalId]);
    expect(changes.find((change) => change.entity === 'terminal')?.data).toMatchObject({
      id: terminalId,
      status: 'active',
    });
    // PIN hashes only of the users who can work at this store.
    const users = changes.filter((change) => change.entity === 'user');
    const managerMx = users.find((change) => change.key === tenant.userIds.managerMx);
    const managerCr = users.find((change) => change.key === tenant.userIds.managerCr);
    expect(managerMx?.data?.pinHash).toBeNull();
    expect(managerCr?.data?.pinHash).toMatch(/^\$argon2id\$/);
    // Never another tenant's rows.
    const otherStoreIds = Object.values(other.storeIds);
    expect(changes.some((change) => change.entity === 'store' && otherStoreIds.includes(change.key))).toBe(
      false,
    );
  });

  it('compresses pages for clients that accept it', async () => {
    const plain = await pull(credential, undefined, 500);
    const compressed = await server.app.inject({
      method: 'GET',
      url: '/api/v1/sync/pull?limit=500',
      headers: { authorization: `Device ${credential}`, 'accept-encoding': 'gzip' },
    });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.rawPayload.length * 4).toBeLessThan(plain.rawPayload.length);
  });

  it('then delivers only what changed, including tombstones', async () => {
    const { cursor } = await pullAll(credential);
    expect((await pull(credential, cursor)).json().changes).toEqual([]);
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const product = (
      await server.app.inject({ method: 'GET', url: '/api/v1/products?limit=1', headers: bearer(admin) })
    ).json().items[0];
    const variant = product.variants[0];
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/variants/${variant.id}/prices`,
      headers: bearer(admin),
      payload: { currency: 'CRC', amountMinor: 123_400 },
    });
    await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/barcodes/${variant.barcodes[0]}`,
      headers: bearer(admin),
    });
    const delta = (await pull(credential, cursor)).json() as PullBody;
    expect(delta.changes.map((change) => [change.entity, change.deleted])).toEqual([
      ['price', false],
      ['barcode', true],
    ]);
    expect(delta.changes[0]?.data).toMatchObject({ variantId: variant.id, amountMinor: 123_400 });
  });

  it('pages through interleaved versions in exactly the order of one big page, whatever the page size', async () => {
    const { cursor } = await pullAll(credential);
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const products = (
      await server.app.inject({ method: 'GET', url: '/api/v1/products?limit=3', headers: bearer(admin) })
    ).json().items;
    // Versions alternate between entities that sort in different orders: price, product, barcode,
    // price again — so a later entity's row must come before an earlier entity's newer row.
    const expectedEntities: string[] = [];
    for (const [index, product] of products.entries()) {
      const priced = await server.app.inject({
        method: 'PUT',
        url: `/api/v1/variants/${product.variants[0].id}/prices`,
        headers: bearer(admin),
        payload: { currency: 'CRC', amountMinor: 50_000 + index },
      });
      const renamed = await server.app.inject({
        method: 'PATCH',
        url: `/api/v1/products/${product.id}`,
        headers: bearer(admin),
        payload: { name: `Renombrado ${index}` },
      });
      // An earlier test deleted the first product's barcode; a second delete changes nothing.
      const unbarcoded = await server.app.inject({
        method: 'DELETE',
        url: `/api/v1/barcodes/${product.variants[0].barcodes.at(-1)}`,
        headers: bearer(admin),
      });
      expect([priced.statusCode, renamed.statusCode]).toEqual([200, 200]);
      expectedEntities.push('price', 'product', ...(unbarcoded.statusCode < 300 ? ['barcode'] : []));
    }
    const whole = (await pullAll(credential, cursor, 1000)).changes.map((change) => [
      change.entity,
      change.key,
    ]);
    expect(whole.map(([entity]) => entity)).toEqual(expectedEntities);
    expect(expectedEntities.filter((entity) => entity === 'barcode').length).toBeGreaterThanOrEqual(2);
    for (const limit of [1, 2, 3]) {
      const paged = (await pullAll(credential, cursor, limit)).changes;
      expect(paged.map((change) => [change.entity, change.key])).toEqual(whole);
    }
  });

  it('never skips a change committed while it was paging (concurrent writers)', async () => {
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const { cursor: start } = await pullAll(credential);
    const variantIds = (
      await server.database.system
        .selectFrom('variants')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .orderBy('id')
        .limit(12)
        .execute()
    ).map((row) => row.id);
    const finalPrice = new Map<string, number>();
    const writers = variantIds.map(async (variantId, index) => {
      for (let round = 1; round <= 3; round += 1) {
        const amountMinor = 100_000 + index * 100 + round;
        const response = await server.app.inject({
          method: 'PUT',
          url: `/api/v1/variants/${variantId}/prices`,
          headers: bearer(admin),
          payload: { currency: 'CRC', amountMinor },
        });
        expect(response.statusCode).toBe(200);
        finalPrice.set(variantId, amountMinor);
      }
    });
    const seen = new Map<string, number>();
    let cursor = start;
    const reader = (async () => {
      for (let round = 0; round < 40; round += 1) {
        const body = (await pull(credential, cursor, 5)).json() as PullBody;
        for (const change of body.changes) {
          if (change.entity === 'price' && change.data !== null)
            seen.set(change.data.variantId, change.data.amountMinor);
        }
        cursor = body.nextCursor;
      }
    })();
    await Promise.all([...writers, reader]);
    const rest = await pullAll(credential, cursor, 5);
    for (const change of rest.changes) {
      if (change.entity === 'price' && change.data !== null)
        seen.set(change.data.variantId, change.data.amountMinor);
    }
    for (const [variantId, amountMinor] of finalPrice) expect(seen.get(variantId)).toBe(amountMinor);
  });

  it('refuses forged credentials and unreadable cursors, and lets a revoked terminal learn it is revoked', async () => {
    const forged = `${credential.slice(0, -4)}AAAA`;
    expect((await pull(forged)).statusCode).toBe(401);
    expect((await pull('not-a-credential')).statusCode).toBe(401);
    const crossTenant = credential.replace(tenant.tenantId, other.tenantId);
    expect((await pull(crossTenant)).statusCode).toBe(401);
    const unreadable = await pull(credential, 'garbage!');
    expect(unreadable.statusCode).toBe(400);

    const { cursor } = await pullAll(credential);
    const manager = await login(server.app, tenant, tenant.emails.managerCr);
    const revoke = await server.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${terminalId}/revoke`,
      headers: bearer(manager),
    });
    expect(revoke.statusCode).toBe(204);
    const delta = (await pull(credential, cursor)).json() as PullBody;
    expect(delta.changes).toEqual([
      expect.objectContaining({ entity: 'terminal', data: expect.objectContaining({ status: 'revoked' }) }),
    ]);
  });
});
