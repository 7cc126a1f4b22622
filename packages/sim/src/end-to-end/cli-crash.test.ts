import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bearer,
  createTestTenant,
  login,
  TEST_PASSWORD,
  TEST_PINS,
  type TestTenant,
} from '@mostrador/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListeningServer, startListeningServer } from './real-server';

const CLI = fileURLToPath(new URL('../../../terminal/bin/mostrador-terminal.js', import.meta.url));
const SALES = 1_000;
const SKUS = 20;

/**
 * The acceptance run: a terminal driven by the mostrador-terminal CLI sells 1,000 sales
 * offline, is killed (SIGKILL) twice in the middle of syncing, and ends with all 1,000 on the
 * server exactly once, with gapless final folios.
 */
describe('mostrador-terminal: 1,000 offline sales, killed twice mid-sync', () => {
  let server: ListeningServer;
  let tenant: TestTenant;
  let home: string;

  beforeAll(async () => {
    server = await startListeningServer();
    tenant = await createTestTenant(server.database, 40);
    home = await mkdtemp(join(tmpdir(), 'mostrador-cli-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  function start(...args: string[]): ChildProcess {
    return spawn(process.execPath, [CLI, ...args, '--home', home, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  async function run(...args: string[]): Promise<{ code: number | null; output: string }> {
    const child = start(...args);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, output };
  }

  const factCount = async (terminalId: string) =>
    Number(
      (
        await server.database.system
          .selectFrom('facts')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('tenant_id', '=', tenant.tenantId)
          .where('terminal_id', '=', terminalId)
          .executeTakeFirstOrThrow()
      ).count,
    );

  /** Starts a sync and kills it with SIGKILL once the server has committed more facts than `above`. */
  async function killMidSync(terminalId: string, above: number): Promise<number> {
    const child = start('sync');
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let exitedEarly = false;
    void exited.then(() => {
      exitedEarly = true;
    });
    for (let polls = 0; polls < 3_000 && !exitedEarly; polls += 1) {
      if ((await factCount(terminalId)) > above) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;
    return factCount(terminalId);
  }

  it('ends with every sale on the server exactly once and final folios 1..1000', {
    timeout: 300_000,
  }, async () => {
    // Enough stock that the offline guard lets all the sales through.
    const variants = await server.database.system
      .selectFrom('variants')
      .select(['id', 'sku'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('sku')
      .limit(SKUS)
      .execute();
    const manager = await login(server.app, tenant, tenant.emails.managerMx);
    const received = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/receipts',
      headers: bearer(manager),
      payload: {
        warehouseId: tenant.warehouseIds.MX,
        reference: 'test',
        lines: variants.map((variant) => ({ variantId: variant.id, quantity: '200' })),
      },
    });
    expect(received.statusCode).toBe(201);

    const activated = await run(
      'activate',
      '--server',
      server.url,
      '--tenant',
      tenant.slug,
      '--email',
      tenant.emails.managerMx,
      '--password',
      TEST_PASSWORD,
      '--store',
      tenant.storeIds.MX,
      '--name',
      'Caja CLI',
    );
    expect(activated.code, activated.output).toBe(0);
    expect((await run('sync')).code).toBe(0);
    expect((await run('login', '--pin', TEST_PINS.MANAGER)).code).toBe(0);
    expect((await run('offline', '--manager-pin', TEST_PINS.MANAGER)).code).toBe(0);

    const script = {
      sales: Array.from({ length: SALES }, (_, index) => ({
        lines: [{ sku: variants[index % SKUS]!.sku, quantity: '1' }],
        tenders: [{ kind: 'cash', amount: '100000.00' }],
      })),
    };
    await writeFile(join(home, 'sales.json'), JSON.stringify(script));
    const sold = await run('sell', '--file', join(home, 'sales.json'));
    expect(sold.code, sold.output.slice(-500)).toBe(0);

    const status = JSON.parse((await run('status')).output) as { terminalId?: string; pendingCount?: number };
    const terminalId =
      status.terminalId ??
      (
        await server.database.system
          .selectFrom('terminals')
          .select('id')
          .where('tenant_id', '=', tenant.tenantId)
          .where('store_id', '=', tenant.storeIds.MX)
          .executeTakeFirstOrThrow()
      ).id;
    expect(await factCount(terminalId)).toBe(0);

    expect((await run('online', '--manager-pin', TEST_PINS.MANAGER)).code).toBe(0);
    const afterFirstKill = await killMidSync(terminalId, 0);
    const afterSecondKill = await killMidSync(terminalId, afterFirstKill);
    // Both kills landed mid-sync: some facts had arrived, not all.
    expect(afterFirstKill).toBeGreaterThan(0);
    expect(afterSecondKill).toBeLessThan(SALES);

    for (let round = 0; round < 20 && (await factCount(terminalId)) < SALES; round += 1) {
      expect((await run('sync')).code).toBe(0);
    }
    const finalStatus = JSON.parse((await run('status')).output) as { pendingCount: number };
    expect(finalStatus.pendingCount).toBe(0);

    const facts = await server.database.system
      .selectFrom('facts')
      .select(['sequence', 'event_id', 'fact_type'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminalId)
      .orderBy('sequence')
      .execute();
    expect(facts.map((fact) => fact.sequence)).toEqual(
      Array.from({ length: SALES }, (_, index) => index + 1),
    );
    expect(new Set(facts.map((fact) => fact.event_id)).size).toBe(SALES);
    expect(facts.every((fact) => fact.fact_type === 'SaleCompleted')).toBe(true);

    const sales = await server.database.system
      .selectFrom('sales')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminalId)
      .execute();
    expect(sales).toHaveLength(SALES);

    const folios = await server.database.system
      .selectFrom('folio_assignments')
      .innerJoin('folio_series', (join) =>
        join
          .onRef('folio_series.tenant_id', '=', 'folio_assignments.tenant_id')
          .onRef('folio_series.id', '=', 'folio_assignments.series_id'),
      )
      .select(['folio_assignments.number'])
      .where('folio_assignments.tenant_id', '=', tenant.tenantId)
      .where('folio_series.store_id', '=', tenant.storeIds.MX)
      .where('folio_series.document_type', '=', 'sale')
      .orderBy('folio_assignments.number')
      .execute();
    expect(folios.map((folio) => Number(folio.number))).toEqual(
      Array.from({ length: SALES }, (_, index) => index + 1),
    );
  });
});
