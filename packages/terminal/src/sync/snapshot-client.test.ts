import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeTerminal } from '../node-terminal';
import { createMemoryStore } from '../storage/memory-store';
import type { JsonValue, TerminalStore } from '../storage/terminal-store';
import { pageServerState, storeKeys } from '../store-layout';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';
import { pullChanges, readPullState, requestStateReset } from './pull-client';
import { SNAPSHOT_FAILURES_MAX } from './snapshot-client';
import { fetchTransport, type Transport } from './transport';

const SNAPSHOT_PATH = '/api/v1/sync/snapshot';
/** Extra products, so a snapshot spans many lines and batches (five changes each). */
const EXTRA_PRODUCTS = 120;

describe('the bootstrap snapshot on the terminal', () => {
  let server: FakeServer;
  let home: string;

  beforeEach(async () => {
    server = await startSeededServer();
    publishProducts(server, EXTRA_PRODUCTS);
    home = await mkdtemp(join(tmpdir(), 'mostrador-snapshot-'));
  });
  afterEach(async () => {
    server.releaseSnapshots();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  });

  const pullDependencies = (
    store: TerminalStore,
    identity: { readonly deviceCredential: string; readonly terminalId: string },
  ) => ({
    store,
    transport: fetchTransport(server.baseUrl),
    deviceCredential: identity.deviceCredential,
    terminalId: identity.terminalId,
    clock: () => new Date(),
  });

  it('loads a new terminal from the snapshot and then takes what changed meanwhile from the feed', async () => {
    const { hammer } = fixture.products;
    // A price changed after the server took the snapshot, while the terminal is still reading it.
    let priceId = '';
    const transport = onSnapshotLines(fetchTransport(server.baseUrl), (index) => {
      if (index !== 1) return;
      priceId = uuidv7();
      server.publish({
        entity: 'price',
        key: priceId,
        deleted: false,
        data: {
          id: priceId,
          variantId: hammer.variantId,
          storeId: fixture.storeId,
          currency: 'MXN',
          amountMinor: 31_000,
        },
      });
    });
    const { engine, store } = await activatedTerminal(server, { transport });
    expect(await engine.status()).toMatchObject({ stateLoaded: true, reloading: false });
    expect(await engine.lookupItem(hammer.barcode)).toMatchObject({
      ok: true,
      item: { unitPrice: { amountMinor: 31_000 } },
    });
    const syncRequests = server.requestUrls.filter((url) => /^\/api\/v1\/sync\/(pull|snapshot)/.test(url));
    expect(syncRequests[0]).toBe(SNAPSHOT_PATH);
    // The feed went on from the snapshot's cursor, not from the start.
    expect(syncRequests.slice(1).every((url) => url.startsWith('/api/v1/sync/pull?cursor='))).toBe(true);
    expect(syncRequests.some((url) => url.startsWith('/api/v1/sync/pull?cursor=0&'))).toBe(false);
    expect(await stateOf(store)).toEqual(expectedState(server));
  });

  it('ends with exactly the state paging the feed from cursor 0 gives, its fallback on a 404', async () => {
    const fromSnapshot = await activatedTerminal(server);
    server.serveSnapshots = false;
    const fromFeed = await activatedTerminal(server, { pullPageChangesMax: 7 });
    expect(await fromFeed.engine.status()).toMatchObject({ stateLoaded: true });
    const urls = server.requestUrls.filter((url) => /^\/api\/v1\/sync\/(pull|snapshot)/.test(url));
    expect(urls.filter((url) => url === SNAPSHOT_PATH)).toHaveLength(2);
    expect(urls.filter((url) => url.startsWith('/api/v1/sync/pull?cursor=0&'))).toHaveLength(1);
    // The same rows and index entries, each from the same version (the terminals' own rows aside).
    const withoutTerminals = (state: Map<string, JsonValue>) =>
      new Map([...state].filter(([key]) => !key.startsWith('state/terminal/')));
    expect(withoutTerminals(await storeState(fromFeed.store))).toEqual(
      withoutTerminals(await storeState(fromSnapshot.store)),
    );
    expect((await storeState(fromSnapshot.store)).size).toBeGreaterThan(EXTRA_PRODUCTS * 5);
  });

  it('loads the same state into the pages the web POS keeps it in, and sells from them', async () => {
    const plain = await activatedTerminal(server);
    const pagedInner = createMemoryStore();
    const paged = await activatedTerminal(server, { store: await pageServerState(pagedInner) });
    const withoutTerminals = (state: Map<string, JsonValue>) =>
      new Map([...state].filter(([key]) => !key.startsWith('state/terminal/')));
    expect(withoutTerminals(await storeState(paged.store))).toEqual(
      withoutTerminals(await storeState(plain.store)),
    );
    // Below the pages, server state is a few values, not one per record.
    const physical = await pagedInner.read((transaction) => transaction.scan({ prefix: '' }));
    expect(physical.filter(([key]) => key.startsWith(storeKeys.statePrefix))).toEqual([]);
    expect(physical.length).toBeLessThan((await storeState(paged.store)).size / 10);
    expect(await sellProduct(paged.engine, 'hammer')).toMatchObject({ ok: true });
  });

  it('never takes a broken-off snapshot as the state, and the next attempt sweeps what the broken one stored', async () => {
    const { engine, store } = await activatedTerminal(server);
    const identity = await engine.identity();
    if (identity === undefined) throw new Error('not activated');
    await store.write(requestStateReset);
    const before = await readPullState(store);

    // The connection drops after a few lines; small batches mean some were already stored.
    const broken = await pullChanges({
      ...pullDependencies(store, identity),
      transport: cutSnapshotAfter(fetchTransport(server.baseUrl), 6),
      snapshotBatchChangesMax: 40,
    });
    expect(broken).toMatchObject({ outcome: 'unknown', reason: 'network' });
    const after = await readPullState(store);
    expect(after).toMatchObject({ cursor: '0', resetting: true });
    expect(after.generation).toBe(before.generation + 1);
    expect(await generationsOf(store)).toContain(after.generation);
    expect(await engine.status()).toMatchObject({ reloading: true });

    // Meanwhile the server lost the nails without a tombstone (a restore): only a sweep can tell.
    forget(server, fixture.products.nails.variantId);
    const loaded = await pullChanges({ ...pullDependencies(store, identity), snapshotBatchChangesMax: 40 });
    expect(loaded).toMatchObject({ outcome: 'ok', complete: true });
    expect(await engine.status()).toMatchObject({ stateLoaded: true, reloading: false });
    expect(await stateOf(store)).toEqual(expectedState(server));
    expect(await engine.lookupItem(fixture.products.nails.sku)).toMatchObject({ code: 'PRODUCT_NOT_FOUND' });
    expect(await generationsOf(store)).toEqual([(await readPullState(store)).generation]);
  });

  it('pages the feed instead once snapshots broke off too often, and sweeps what they stored', async () => {
    const { engine, store } = await activatedTerminal(server);
    const identity = await engine.identity();
    if (identity === undefined) throw new Error('not activated');
    await store.write(requestStateReset);
    // Being offline is no broken snapshot: the snapshot is tried again once the server answers.
    server.unreachable = true;
    for (let attempt = 1; attempt <= SNAPSHOT_FAILURES_MAX; attempt += 1) {
      expect(await pullChanges(pullDependencies(store, identity))).toMatchObject({ outcome: 'unknown' });
    }
    server.unreachable = false;
    expect(await readPullState(store)).not.toHaveProperty('snapshotFailures');
    const poorLink = cutSnapshotAfter(fetchTransport(server.baseUrl), 4);
    for (let attempt = 1; attempt <= SNAPSHOT_FAILURES_MAX; attempt += 1) {
      const broken = await pullChanges({
        ...pullDependencies(store, identity),
        transport: poorLink,
        snapshotBatchChangesMax: 40,
      });
      expect(broken).toMatchObject({ outcome: 'unknown' });
      expect(await readPullState(store)).toMatchObject({ cursor: '0', snapshotFailures: attempt });
    }
    forget(server, fixture.products.nails.variantId);
    const requestsBefore = server.requestUrls.length;
    const loaded = await pullChanges({
      ...pullDependencies(store, identity),
      transport: poorLink,
      pageChangesMax: 50,
    });
    expect(loaded).toMatchObject({ outcome: 'ok', complete: true, snapshotChanges: 0 });
    expect(server.requestUrls.slice(requestsBefore).some((url) => url.startsWith(SNAPSHOT_PATH))).toBe(false);
    expect(await stateOf(store)).toEqual(expectedState(server));
    expect(await generationsOf(store)).toEqual([(await readPullState(store)).generation]);
    expect(await readPullState(store)).not.toHaveProperty('snapshotFailures');
  });

  it('gives way to a reload requested while it loads', async () => {
    const { engine, store } = await activatedTerminal(server);
    const identity = await engine.identity();
    if (identity === undefined) throw new Error('not activated');
    await store.write(requestStateReset);
    server.snapshotHoldAfterChanges = 100;
    const first = pullChanges({ ...pullDependencies(store, identity), snapshotBatchChangesMax: 20 });
    await until(async () => (await generationsOf(store)).length > 1);
    await store.write(requestStateReset);
    server.releaseSnapshots();
    expect(await first).toMatchObject({ outcome: 'ok', complete: false, changes: 0 });
    expect(await readPullState(store)).toMatchObject({ cursor: '0', resetting: true });
    expect(await pullChanges(pullDependencies(store, identity))).toMatchObject({
      outcome: 'ok',
      complete: true,
    });
    expect(await stateOf(store)).toEqual(expectedState(server));
  });

  it.each([
    ['a first load', 'cleared'],
    ['a reload', 'loaded'],
  ] as const)(
    'survives a kill -9 in the middle of %s: nothing half-loaded is marked complete, and the next sync finishes it',
    async (_case, start) => {
      const first = await openNodeTerminal({ home });
      if (!first.ok) throw new Error(first.code);
      const activated = await first.engine.activate({
        serverUrl: server.baseUrl,
        tenant: fixture.tenantSlug,
        email: fixture.managerEmail,
        password: fixture.managerPassword,
        storeId: fixture.storeId,
        name: 'Caja 1',
      });
      if (!activated.ok) throw new Error(activated.code);
      if (start === 'cleared') expect(await first.engine.clearLocalData()).toEqual({ ok: true });
      else await first.store.write(requestStateReset);
      const pullBefore = await readPullState(first.store);
      await first.close();
      forget(server, fixture.products.nails.variantId);
      server.snapshotHoldAfterChanges = 400;

      const stored = await pullInChildUntilKilled(home, 25, 4);
      expect(stored).toBeGreaterThanOrEqual(4);

      const reopened = await openNodeTerminal({ home });
      if (!reopened.ok) throw new Error(reopened.code);
      const { engine, store } = reopened;
      try {
        const pullAfterKill = await readPullState(store);
        expect(pullAfterKill).toMatchObject({
          cursor: '0',
          resetting: true,
          completedAt: pullBefore.completedAt,
        });
        expect(await store.read((transaction) => transaction.count(storeKeys.statePrefix))).toBeGreaterThan(
          0,
        );
        if (start === 'cleared') {
          expect(await engine.status()).toMatchObject({ stateLoaded: false });
        } else {
          // The old catalog still sells, the nails included, until the new one is complete.
          expect(await engine.status()).toMatchObject({ stateLoaded: true, reloading: true });
          expect(await engine.lookupItem(fixture.products.nails.sku)).toMatchObject({ ok: true });
        }
        server.releaseSnapshots();
        expect(await engine.sync()).toMatchObject({ outcome: 'ok', complete: true });
        expect(await engine.status()).toMatchObject({ stateLoaded: true, reloading: false });
        expect(await stateOf(store)).toEqual(expectedState(server));
        expect(await engine.lookupItem(fixture.products.nails.sku)).toMatchObject({
          code: 'PRODUCT_NOT_FOUND',
        });
      } finally {
        await reopened.close();
      }
    },
    60_000,
  );
});

/** The state rows and index entries of a store, rows without their generation. */
async function storeState(store: TerminalStore): Promise<Map<string, JsonValue>> {
  const entries = await store.read(async (transaction) => [
    ...(await transaction.scan({ prefix: storeKeys.statePrefix })),
    ...(await transaction.scan({ prefix: storeKeys.indexPrefix })),
  ]);
  return new Map(
    entries.map(([key, value]) => {
      if (!key.startsWith(storeKeys.statePrefix)) return [key, value];
      const { generation: _generation, ...record } = value as { generation: number };
      return [key, record as JsonValue];
    }),
  );
}

/** The state rows a terminal holds, as entity/key → data. */
async function stateOf(store: TerminalStore): Promise<Map<string, unknown>> {
  const rows = await store.read((transaction) => transaction.scan({ prefix: storeKeys.statePrefix }));
  return new Map(
    rows.map(([key, value]) => [key.slice(storeKeys.statePrefix.length), (value as { data: unknown }).data]),
  );
}

/** The server's live state, as stateOf shows it. */
function expectedState(server: FakeServer): Map<string, unknown> {
  return new Map(server.currentState().map((change) => [`${change.entity}/${change.key}`, change.data]));
}

async function generationsOf(store: TerminalStore): Promise<number[]> {
  const rows = await store.read((transaction) => transaction.scan({ prefix: storeKeys.statePrefix }));
  return [...new Set(rows.map(([, value]) => (value as { generation: number }).generation))].sort();
}

function publishProducts(server: FakeServer, count: number): void {
  for (let index = 0; index < count; index += 1) {
    const productId = uuidv7();
    const variantId = uuidv7();
    const barcode = `750200${String(index).padStart(7, '0')}`;
    const priceId = uuidv7();
    server.publish({
      entity: 'product',
      key: productId,
      deleted: false,
      data: {
        id: productId,
        categoryId: null,
        name: `Producto ${index}`,
        brand: 'Marca',
        description: '',
        taxClass: 'standard',
        soldByWeight: false,
      },
    });
    server.publish({
      entity: 'variant',
      key: variantId,
      deleted: false,
      data: { id: variantId, productId, sku: `EXTRA-${index}`, name: '', attributes: { talla: 'M' } },
    });
    server.publish({ entity: 'barcode', key: barcode, deleted: false, data: { code: barcode, variantId } });
    server.publish({
      entity: 'price',
      key: priceId,
      deleted: false,
      data: { id: priceId, variantId, storeId: null, currency: 'MXN', amountMinor: 1_000 + index },
    });
    server.publish({
      entity: 'stock_level',
      key: `${fixture.warehouseId}:${variantId}`,
      deleted: false,
      data: {
        warehouseId: fixture.warehouseId,
        variantId,
        qtyOnHand: '5',
        qtyReserved: '0',
        qtyAvailable: '5',
      },
    });
  }
}

/** The server loses every row that mentions the variant, without tombstones (restored from a backup). */
function forget(server: FakeServer, variantId: string): void {
  const kept = server.changes.filter((change) => !JSON.stringify(change).includes(variantId));
  server.changes.splice(0, server.changes.length, ...kept);
}

/** Calls `onLine(index)` as each line of a snapshot answer is handed to the terminal. */
function onSnapshotLines(inner: Transport, onLine: (index: number) => void): Transport {
  return async (request) => {
    const response = await inner(request);
    const lines = response.lines;
    if (lines === undefined) return response;
    return {
      ...response,
      lines: (async function* () {
        let index = 0;
        for await (const line of lines) {
          onLine(index);
          index += 1;
          yield line;
        }
      })(),
    };
  };
}

/** The connection breaks after `count` lines of a snapshot. */
function cutSnapshotAfter(inner: Transport, count: number): Transport {
  return async (request) => {
    const response = await inner(request);
    const lines = response.lines;
    if (lines === undefined) return response;
    return {
      ...response,
      lines: (async function* () {
        let index = 0;
        for await (const line of lines) {
          if (index === count) throw new TypeError('fetch failed: terminated (test link)');
          index += 1;
          yield line;
        }
      })(),
    };
  };
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let round = 0; round < 500; round += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the condition never held');
}

/** Pulls in a child process until it stored `writesBeforeKill` snapshot batches, then SIGKILLs it. */
async function pullInChildUntilKilled(
  home: string,
  batchChanges: number,
  writesBeforeKill: number,
): Promise<number> {
  const script = fileURLToPath(new URL('../testing/pull-until-killed.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, home, String(batchChanges)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stored = 0;
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stored = output.split('\n').filter((line) => line === 'stored').length;
      if (stored >= writesBeforeKill) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the child ended on its own: ${output} ${errors}`));
    });
  });
  return stored;
}
