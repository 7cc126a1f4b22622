import type { PushResponse } from '@mostrador/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../http/app-instance';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import {
  activateTerminal,
  oneUnitSales,
  onHand,
  pricedVariants,
  push,
  syncAppFor,
  type TestTerminal,
} from './push-test-kit';

/** How long a push may take to reach the lock a test holds before the test gives up. */
const BLOCKED_WAIT_MS_MAX = 10_000;
const POLL_MS = 25;

/**
 * A push takes the shared locks at the end of its transaction in one order: its folio series, then
 * the tenant's change version, then the stock levels it moves (pending-writes.ts). A stock receipt
 * takes the version, then levels, so no two of them wait on each other in a cycle. Here a second
 * connection holds each lock in turn and the push is caught waiting on it; the locks the push
 * holds at that moment are read by trying each with NOWAIT. Holding the earlier locks and none of the later ones at every stop is the lock order.
 * Each lock is taken as an UPDATE takes it (FOR NO KEY UPDATE), so the key-share lock the push's
 * folio assignments' foreign key takes on their series in its first step neither blocks nor counts.
 *
 * Concurrent transactions need the PostgreSQL server: PGlite has one connection, so this runs in
 * the PostgreSQL leg alone.
 */
describe.skipIf(process.env.DATABASE_URL === undefined)('push: lock order of the shared locks', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let app: AppInstance;
  let terminal: TestTerminal;
  let variants: { variantId: string; priceMinor: number }[];
  let seriesId: string;
  let manager: string;

  beforeAll(async () => {
    server = await startTestServer();
    app = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 5);
    manager = await login(server.app, tenant, tenant.emails.managerMx);
    terminal = await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx);
    variants = await pricedVariants(server.database, tenant.tenantId, 'MXN', 2);
    const series = await server.database.system
      .selectFrom('folio_series')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('store_id', '=', tenant.storeIds.MX)
      .where('scope', '=', 'per_store')
      .where('document_type', '=', 'sale')
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    seriesId = series.id;
    // The first push creates the levels, so the batches below only move them.
    server.clock.now = new Date();
    expect((await push(app, terminal, await sales(2))).outcome).toBe('applied');
  });
  afterAll(async () => server.close());

  const sales = (count: number) => oneUnitSales(terminal, variants, tenant.warehouseIds.MX, count);

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  }

  /**
   * Two connections of the test's own: `holder` takes a lock in its transaction, `probe` watches
   * who waits on it and which locks are free. Both are closed afterwards, whatever happens.
   */
  async function withHolderAndProbe(
    work: (connections: { holder: pg.Client; probe: pg.Client; holderPid: number }) => Promise<void>,
  ): Promise<void> {
    const holder = await connect();
    const probe = await connect();
    try {
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await work({ holder, probe, holderPid });
    } finally {
      await holder.end();
      await probe.end();
    }
  }

  /** A manager's stock count of the locked variant, as the stock screen sends it. */
  const countStock = (countedQuantity: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(manager),
      payload: {
        warehouseId: tenant.warehouseIds.MX,
        reason: 'Conteo cíclico',
        lines: [{ variantId: variants[1]!.variantId, countedQuantity }],
      },
    });

  type SharedLock = 'series' | 'version' | 'level';
  const lockStatements: Record<SharedLock, string> = {
    series: 'SELECT 1 FROM folio_series WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE',
    version: 'SELECT 1 FROM tenant_versions WHERE tenant_id = $1 FOR NO KEY UPDATE',
    level:
      'SELECT 1 FROM stock_levels WHERE tenant_id = $1 AND warehouse_id = $2 AND variant_id = $3 FOR NO KEY UPDATE',
  };
  const lockParameters = (lock: SharedLock): unknown[] =>
    lock === 'series'
      ? [tenant.tenantId, seriesId]
      : lock === 'version'
        ? [tenant.tenantId]
        : [tenant.tenantId, tenant.warehouseIds.MX, variants[1]!.variantId];

  /** Whether another transaction holds `lock`: taking it without waiting fails. */
  async function heldElsewhere(probe: pg.Client, lock: SharedLock): Promise<boolean> {
    await probe.query('BEGIN');
    try {
      await probe.query(`${lockStatements[lock]} NOWAIT`, lockParameters(lock));
      return false;
    } catch (error) {
      if ((error as { code?: unknown }).code === '55P03') return true; // lock_not_available
      throw error;
    } finally {
      await probe.query('ROLLBACK');
    }
  }

  /** The backends waiting on a lock the holder's backend holds. */
  async function blockedBy(probe: pg.Client, holderPid: number): Promise<number[]> {
    const deadline = Date.now() + BLOCKED_WAIT_MS_MAX;
    for (;;) {
      const result = await probe.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))',
        [holderPid],
      );
      if (result.rows.length > 0) return result.rows.map((row) => row.pid);
      if (Date.now() > deadline) return [];
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  const cases: { held: SharedLock; pushHolds: SharedLock[]; pushLacks: SharedLock[] }[] = [
    { held: 'series', pushHolds: [], pushLacks: ['version', 'level'] },
    { held: 'version', pushHolds: ['series'], pushLacks: ['level'] },
    { held: 'level', pushHolds: ['series', 'version'], pushLacks: [] },
  ];
  for (const { held, pushHolds, pushLacks } of cases) {
    it(`waiting on the ${held}, a push holds ${pushHolds.join(' and ') || 'no shared lock'}`, async () => {
      await withHolderAndProbe(async ({ holder, probe, holderPid }) => {
        const level = () =>
          onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variants[1]!.variantId);
        const levelBefore = Number(await level());
        server.clock.now = new Date();
        const batch = await sales(4);
        await holder.query('BEGIN');
        await holder.query(lockStatements[held], lockParameters(held));
        const pushed: Promise<PushResponse> = push(app, terminal, batch);
        const waiting = await blockedBy(probe, holderPid);
        expect(waiting).toHaveLength(1);
        for (const lock of pushHolds)
          expect({ lock, held: await heldElsewhere(probe, lock) }).toEqual({ lock, held: true });
        for (const lock of pushLacks)
          expect({ lock, held: await heldElsewhere(probe, lock) }).toEqual({ lock, held: false });
        await holder.query('ROLLBACK');
        const answer = await pushed;
        expect(answer.outcome).toBe('applied');
        expect(answer.folios).toHaveLength(batch.length);
        // Half the sales sold the second variant, one unit each.
        expect(Number(await level())).toBe(levelBefore - batch.length / 2);
      });
    });
  }

  it('a stock count takes the version before it locks the level it counts', async () => {
    await withHolderAndProbe(async ({ holder, probe, holderPid }) => {
      await holder.query('BEGIN');
      await holder.query(lockStatements.version, lockParameters('version'));
      const counted = countStock('40');
      expect(await blockedBy(probe, holderPid)).toHaveLength(1);
      expect(await heldElsewhere(probe, 'level')).toBe(false);
      await holder.query('ROLLBACK');
      const answer = await counted;
      expect(answer.statusCode).toBe(201);
      expect(answer.json().levels[0].qtyOnHand).toBe('40.000');
    });
  });

  it('a stock count does not wait on a push that has only recorded its movements', async () => {
    await withHolderAndProbe(async ({ holder, probe, holderPid }) => {
      server.clock.now = new Date();
      const batch = await sales(2);
      await holder.query('BEGIN');
      await holder.query(lockStatements.series, lockParameters('series'));
      // The push has written its movements (and key-share locked their levels) and waits on the series.
      const pushed = push(app, terminal, batch);
      expect(await blockedBy(probe, holderPid)).toHaveLength(1);
      const counted = await Promise.race([
        countStock('30'),
        new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), BLOCKED_WAIT_MS_MAX / 2)),
      ]);
      expect(counted === 'waited' ? counted : counted.statusCode).toBe(201);
      await holder.query('ROLLBACK');
      expect((await pushed).outcome).toBe('applied');
    });
  });
});
