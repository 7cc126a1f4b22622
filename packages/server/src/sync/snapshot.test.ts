import { gunzipSync } from 'node:zlib';
import { type SnapshotLine, type StateChange, snapshotLineSchema } from '@mostrador/core';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../database/tenant-transaction';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import { streamFeedSnapshot } from './feed-snapshot';

interface PullBody {
  changes: StateChange[];
  nextCursor: string;
  hasMore: boolean;
}

describe('the bootstrap snapshot', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let credential: string;
  let otherCredential: string;

  const activate = async (target: TestTenant, storeId: string, seed: number) => {
    const manager = await login(server.app, target, target.emails.admin);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/terminals/activate',
      headers: bearer(manager),
      payload: {
        storeId,
        name: `Caja ${seed}`,
        publicKeyHex: bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(seed))),
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json().deviceCredential as string;
  };

  const snapshot = (deviceCredential: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'GET',
      url: '/api/v1/sync/snapshot',
      headers: { authorization: `Device ${deviceCredential}`, ...headers },
    });

  async function readSnapshot(deviceCredential: string) {
    const response = await snapshot(deviceCredential);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    return parseLines(response.body);
  }

  async function pullAll(deviceCredential: string, cursor?: string) {
    const changes: StateChange[] = [];
    let next = cursor;
    for (let page = 0; page < 1000; page += 1) {
      const response = await server.app.inject({
        method: 'GET',
        url: `/api/v1/sync/pull?limit=1000${next === undefined ? '' : `&cursor=${next}`}`,
        headers: { authorization: `Device ${deviceCredential}` },
      });
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
    tenant = await createTestTenant(server.database, 30);
    other = await createTestTenant(server.database, 5);
    credential = await activate(tenant, tenant.storeIds.MX, 3);
    otherCredential = await activate(other, other.storeIds.MX, 4);
  });
  afterAll(async () => server.close());

  it('holds exactly the live state the feed delivers from cursor 0, and the feed goes on from its cursor', async () => {
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const products = (
      await server.app.inject({ method: 'GET', url: '/api/v1/products?limit=2', headers: bearer(admin) })
    ).json().items;
    // A tombstone in the feed, which the snapshot leaves out.
    const deleted = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/barcodes/${products[0].variants[0].barcodes[0]}`,
      headers: bearer(admin),
    });
    expect(deleted.statusCode).toBe(204);

    const lines = await readSnapshot(credential);
    const { begin, changes, end } = splitLines(lines);
    expect(end.changeCount).toBe(changes.length);
    const feed = await pullAll(credential);
    expect(feed.changes.some((change) => change.deleted)).toBe(true);
    expect(byKey(changes)).toEqual(byKey(feed.changes.filter((change) => !change.deleted)));

    // Nothing is waiting after the snapshot's cursor, and a later change follows it.
    expect((await pullAll(credential, begin.cursor)).changes).toEqual([]);
    const variantId = products[1].variants[0].id;
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/variants/${variantId}/prices`,
      headers: bearer(admin),
      payload: { currency: 'MXN', amountMinor: 77_700 },
    });
    const delta = await pullAll(credential, begin.cursor);
    expect(delta.changes).toEqual([
      expect.objectContaining({
        entity: 'price',
        data: expect.objectContaining({ variantId, amountMinor: 77_700 }),
      }),
    ]);
  });

  it('never loses a change committed while the snapshot is read: snapshot + feed = the feed from 0', async () => {
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const variantIds = (
      await server.database.system
        .selectFrom('variants')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .orderBy('id')
        .limit(6)
        .execute()
    ).map((row) => row.id);
    const writers = variantIds.map(async (variantId, index) => {
      for (let round = 1; round <= 3; round += 1) {
        const response = await server.app.inject({
          method: 'PUT',
          url: `/api/v1/variants/${variantId}/prices`,
          headers: bearer(admin),
          payload: { currency: 'MXN', amountMinor: 200_000 + index * 10 + round },
        });
        expect(response.statusCode).toBe(200);
      }
    });
    const snapshots = [readSnapshot(credential), readSnapshot(credential)];
    await Promise.all(writers);
    for (const lines of await Promise.all(snapshots)) {
      const { begin, changes } = splitLines(lines);
      const state = byKey(changes);
      for (const change of (await pullAll(credential, begin.cursor)).changes) {
        if (change.deleted) state.delete(`${change.entity}/${change.key}`);
        else state.set(`${change.entity}/${change.key}`, change);
      }
      const fromZero = await pullAll(credential);
      expect(state).toEqual(byKey(fromZero.changes.filter((change) => !change.deleted)));
    }
  });

  it('is compressed for clients that accept it', async () => {
    const plain = await snapshot(credential);
    const compressed = await snapshot(credential, { 'accept-encoding': 'gzip' });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.rawPayload.length * 4).toBeLessThan(plain.rawPayload.length);
    expect(gunzipSync(compressed.rawPayload).toString('utf8')).toBe(plain.body);
  });

  it("serves a terminal its own tenant's and store's rows only", async () => {
    const { changes } = splitLines(await readSnapshot(otherCredential));
    const ownStores = new Set(Object.values(other.storeIds));
    const stores = changes.filter((change) => change.entity === 'store');
    expect(stores.map((change) => change.key).sort()).toEqual([...ownStores].sort());
    const foreignIds = new Set<string>([
      ...Object.values(tenant.storeIds),
      ...Object.values(tenant.warehouseIds),
    ]);
    expect(
      changes.some((change) =>
        JSON.stringify(change.data)
          .split('"')
          .some((part) => foreignIds.has(part)),
      ),
    ).toBe(false);
    expect(
      changes
        .filter((change) => change.entity === 'stock_level')
        .every((change) => change.data?.warehouseId === other.warehouseIds.MX),
    ).toBe(true);
  });

  it('refuses a missing, forged or cross-tenant credential', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/sync/snapshot' })).statusCode).toBe(401);
    expect((await snapshot(`${credential.slice(0, -4)}AAAA`)).statusCode).toBe(401);
    expect((await snapshot('not-a-credential')).statusCode).toBe(401);
    // This tenant's terminal id and secret, presented as the other tenant's terminal.
    expect((await snapshot(credential.replace(tenant.tenantId, other.tenantId))).statusCode).toBe(401);
  });

  it('is documented in the OpenAPI document as NDJSON', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = document.paths['/api/v1/sync/snapshot'].get;
    expect(Object.keys(operation.responses['200'].content)).toEqual(['application/x-ndjson']);
  });
});

describe('a bootstrap snapshot whose client stops reading', () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer();
    // Well over the megabyte the server reads ahead of its client.
    tenant = await createTestTenant(server.database, 400);
  });
  afterAll(async () => server.close());

  it('is cut off after the stall limit, and its transaction ends', async () => {
    const stream = streamFeedSnapshot(
      server.database,
      // No terminal row is needed: the id only scopes the terminal's own rows.
      {
        tenantId: tenant.tenantId,
        storeId: tenant.storeIds.MX,
        terminalId: '01930000-0000-7000-8000-000000000001',
      },
      () => new Date(),
      { stallMs: 100 },
    );
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    // Nothing reads the stream: the server fills its buffer, waits, and gives up before the end.
    expect((await failed).message).toMatch(/stopped reading/);
    expect(stream.destroyed).toBe(true);
    // The transaction is over: PGlite's single connection (or a pool's) serves the next request.
    const row = await withTenant(server.database.app, { tenantId: tenant.tenantId, userId: null }, (work) =>
      work.transaction
        .selectFrom('stores')
        .select('id')
        .where('id', '=', tenant.storeIds.MX)
        .executeTakeFirst(),
    );
    expect(row?.id).toBe(tenant.storeIds.MX);
  });
});

function parseLines(body: string): SnapshotLine[] {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) => snapshotLineSchema.parse(JSON.parse(line)));
}

function splitLines(lines: SnapshotLine[]) {
  const [first, ...rest] = lines;
  const last = rest.pop();
  if (first === undefined || !('begin' in first)) throw new Error('the snapshot does not begin with begin');
  if (last === undefined || !('end' in last)) throw new Error('the snapshot does not end with end');
  const changes = rest.flatMap((line) => {
    if (!('changes' in line)) throw new Error('a middle line is not a changes line');
    return line.changes;
  });
  return { begin: first.begin, changes, end: last.end };
}

function byKey(changes: readonly StateChange[]): Map<string, StateChange> {
  const map = new Map<string, StateChange>();
  for (const change of changes) map.set(`${change.entity}/${change.key}`, change);
  return map;
}
