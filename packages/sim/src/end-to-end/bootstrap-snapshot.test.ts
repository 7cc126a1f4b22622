import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, createTestTenant, login, TEST_PASSWORD, type TestTenant } from '@mostrador/server/testing';
import { type JsonValue, storeKeys, type Transport } from '@mostrador/terminal';
import { type NodeTerminal, openNodeTerminal } from '@mostrador/terminal/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, type ListeningServer, startListeningServer } from './real-server';

const SNAPSHOT_PATH = '/api/v1/sync/snapshot';

/**
 * A new terminal loads its state from the bootstrap snapshot of the real server (PGlite, or
 * PostgreSQL with DATABASE_URL), and ends exactly where one that pages the feed from cursor 0
 * ends (an old server without the snapshot, answered 404 here). A change committed while the
 * snapshot is read reaches it through the feed.
 */
describe('bootstrap snapshot, end to end', () => {
  let server: ListeningServer;
  let tenant: TestTenant;
  let home: string;
  let admin: string;
  const opened: NodeTerminal[] = [];

  beforeAll(async () => {
    server = await startListeningServer();
    tenant = await createTestTenant(server.database, 60);
    home = await mkdtemp(join(tmpdir(), 'mostrador-e2e-snapshot-'));
    admin = await login(server.app, tenant, tenant.emails.admin);
  });
  afterAll(async () => {
    for (const terminal of opened) await terminal.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function activate(name: string, transport: Transport): Promise<NodeTerminal> {
    const result = await openNodeTerminal({ home: join(home, name), transport });
    if (!result.ok) throw new Error(`terminal ${name} did not open: ${result.code}`);
    opened.push(result);
    const activated = await result.engine.activate({
      serverUrl: server.url,
      tenant: tenant.slug,
      email: tenant.emails.managerMx,
      password: TEST_PASSWORD,
      storeId: tenant.storeIds.MX,
      name,
    });
    expect(activated.ok).toBe(true);
    expect(await result.engine.status()).toMatchObject({ stateLoaded: true, reloading: false });
    return result;
  }

  async function someVariant(offset: number) {
    return server.database.system
      .selectFrom('variants')
      .innerJoin('barcodes', 'barcodes.variant_id', 'variants.id')
      .select(['variants.id', 'variants.sku', 'barcodes.code'])
      .where('variants.tenant_id', '=', tenant.tenantId)
      .orderBy('variants.sku')
      .offset(offset)
      .executeTakeFirstOrThrow();
  }

  const setPrice = (variantId: string, amountMinor: number) =>
    server.app.inject({
      method: 'PUT',
      url: `/api/v1/variants/${variantId}/prices`,
      headers: bearer(admin),
      payload: { currency: 'MXN', amountMinor },
    });

  it('gives a new terminal the same state as paging the feed from cursor 0', async () => {
    // A tombstone in the feed, which the snapshot leaves out.
    const gone = await someVariant(3);
    const deleted = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/barcodes/${gone.code}`,
      headers: bearer(admin),
    });
    expect(deleted.statusCode).toBe(204);

    const paths: string[] = [];
    const fromSnapshot = await activate('snapshot', recordingPaths(createLink(server.url).transport, paths));
    expect(paths).toContain(SNAPSHOT_PATH);
    const oldServer = withoutSnapshot(createLink(server.url).transport);
    const fromFeed = await activate('feed', oldServer);

    const snapshotState = await storeState(fromSnapshot);
    expect(await storeState(fromFeed)).toEqual(snapshotState);
    const variants = [...snapshotState.keys()].filter((key) => key.startsWith('state/variant/'));
    expect(variants.length).toBeGreaterThanOrEqual(60);
    expect(await fromSnapshot.engine.lookupItem(gone.code)).toMatchObject({ ok: false });
  });

  it('brings a price changed while the snapshot was read through the feed', async () => {
    const variant = await someVariant(7);
    let change: Promise<{ statusCode: number }> | undefined;
    const pricesInSnapshot: number[] = [];
    const link = createLink(server.url);
    const transport: Transport = async (request) => {
      const response = await link.transport(request);
      const lines = response.lines;
      if (lines === undefined) return response;
      return {
        ...response,
        lines: (async function* () {
          for await (const line of lines) {
            // The server sent its begin line from inside its snapshot: a commit now is after it.
            change ??= setPrice(variant.id, 424_200);
            for (const each of (line as { changes?: { entity: string; data: { amountMinor?: number } }[] })
              .changes ?? []) {
              if (each.entity === 'price' && each.data.amountMinor !== undefined)
                pricesInSnapshot.push(each.data.amountMinor);
            }
            yield line;
          }
        })(),
      };
    };
    const terminal = await activate('during', transport);
    expect((await change)?.statusCode).toBe(200);
    expect(pricesInSnapshot).not.toContain(424_200);
    expect(await terminal.engine.sync()).toMatchObject({ outcome: 'ok', complete: true });
    expect(await terminal.engine.lookupItem(variant.sku)).toMatchObject({
      ok: true,
      item: { unitPrice: { amountMinor: 424_200 } },
    });
  });
});

/** State rows (without their generation) and index entries, the terminal's own row aside. */
async function storeState(terminal: NodeTerminal): Promise<Map<string, JsonValue>> {
  const entries = await terminal.store.read(async (transaction) => [
    ...(await transaction.scan({ prefix: storeKeys.statePrefix })),
    ...(await transaction.scan({ prefix: storeKeys.indexPrefix })),
  ]);
  return new Map(
    entries
      .filter(([key]) => !key.startsWith('state/terminal/'))
      .map(([key, value]) => {
        if (!key.startsWith(storeKeys.statePrefix)) return [key, value];
        const { generation: _generation, ...record } = value as { generation: number };
        return [key, record as JsonValue];
      }),
  );
}

function recordingPaths(inner: Transport, paths: string[]): Transport {
  return (request) => {
    paths.push(request.path.split('?')[0] ?? request.path);
    return inner(request);
  };
}

/** A server from before the snapshot: the route does not exist. */
function withoutSnapshot(inner: Transport): Transport {
  return async (request) =>
    request.path.startsWith(SNAPSHOT_PATH)
      ? { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: 'The route does not exist.' } } }
      : inner(request);
}
