import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine, type TerminalEngine } from '../engine';
import { openFileStore } from '../storage/file-store';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

async function folioOfSale(engine: TerminalEngine): Promise<string> {
  const sold = await sellProduct(engine, 'glue');
  if (!sold.ok) throw new Error(sold.code);
  return sold.sale.provisionalFolio;
}

describe('folios', () => {
  let server: FakeServer;
  let directory: string;

  beforeEach(async () => {
    server = await startSeededServer();
    directory = await mkdtemp(join(tmpdir(), 'mostrador-folio-'));
  });
  afterEach(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('never hands out a provisional folio twice, across reopening the terminal', async () => {
    const store = await openFileStore(directory);
    const vault = memoryDeviceKeyVault();
    const { engine } = await activatedTerminal(server, { store, keyVault: vault });
    const before = [await folioOfSale(engine), await folioOfSale(engine)];
    await engine.close();
    await store.close();
    const reopened = await openFileStore(directory);
    const again = await openTerminalEngine({ store: reopened, keyVault: vault });
    const after = await folioOfSale(again);
    expect([...before, after].map((folio) => folio.slice(-8))).toEqual(['00000001', '00000002', '00000003']);
    await again.close();
    await reopened.close();
  });

  it('numbers a per-terminal series gaplessly at the till, and a reload of data does not restart it', async () => {
    const { engine } = await activatedTerminal(server);
    const identity = await engine.identity();
    const seriesId = uuidv7();
    server.publish({
      entity: 'folio_series',
      key: seriesId,
      deleted: false,
      data: {
        id: seriesId,
        storeId: fixture.storeId,
        terminalId: identity?.terminalId ?? null,
        documentType: 'sale',
        scope: 'per_terminal',
        prefix: 'MAIN-00001-01-',
      },
    });
    await engine.sync();
    const sold = await sellProduct(engine, 'glue');
    expect(sold).toMatchObject({
      ok: true,
      sale: {
        provisionalFolio: 'MAIN-00001-01-00000001',
        finalFolio: 'MAIN-00001-01-00000001',
        folioSeriesId: seriesId,
      },
    });
    await folioOfSale(engine);
    await engine.sync();
    if (sold.ok) expect((await engine.getSale(sold.sale.saleId))?.finalFolio).toBe('MAIN-00001-01-00000001');
    expect(await engine.reloadData()).toMatchObject({ ok: true, pull: { outcome: 'ok', complete: true } });
    server.unreachable = true;
    expect(await folioOfSale(engine)).toBe('MAIN-00001-01-00000003');
    expect(await engine.clearLocalData()).toMatchObject({ ok: false, code: 'PENDING_FACTS_NOT_SYNCED' });
    server.unreachable = false;
    await engine.sync();
    expect(await engine.clearLocalData()).toEqual({ ok: true });
    await engine.sync();
    expect(await folioOfSale(engine)).toBe('MAIN-00001-01-00000004');
  });
});
