import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine } from '../engine';
import { createMemoryStore } from '../storage/memory-store';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('activation', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  const request = () => ({
    serverUrl: server.baseUrl,
    tenant: fixture.tenantSlug,
    email: fixture.managerEmail,
    password: fixture.managerPassword,
    storeId: fixture.storeId,
    name: 'Caja 2',
  });

  it('registers the device key, loads the store state and refuses to run twice', async () => {
    const engine = await openTerminalEngine({ store: createMemoryStore(), keyVault: memoryDeviceKeyVault() });
    expect(await engine.status()).toMatchObject({ activation: 'not_activated' });
    expect(await engine.activate({ ...request(), password: 'wrong' })).toEqual({
      ok: false,
      code: 'ACTIVATION_REFUSED',
      status: 401,
      serverCode: 'INVALID_CREDENTIALS',
    });
    server.unreachable = true;
    expect(await engine.activate(request())).toMatchObject({ ok: false, code: 'SERVER_UNREACHABLE' });
    server.unreachable = false;

    const activated = await engine.activate(request());
    expect(activated).toMatchObject({ ok: true, identity: { storeId: fixture.storeId, status: 'active' } });
    expect(await engine.status()).toMatchObject({ activation: 'active', stateLoaded: true, online: true });
    expect(await engine.activate(request())).toMatchObject({ ok: false, code: 'TERMINAL_ALREADY_ACTIVATED' });
  });

  it('will not sign without its own key', async () => {
    const { store } = await activatedTerminal(server);
    const withoutKey = await openTerminalEngine({ store, keyVault: memoryDeviceKeyVault() });
    expect(await sellProduct(withoutKey, 'glue')).toEqual({ ok: false, code: 'DEVICE_KEY_MISSING' });
  });

  it('re-activates after a fork with a new chain, keeping the old one for export', async () => {
    const { engine } = await activatedTerminal(server);
    await sellProduct(engine, 'glue');
    await engine.sync();
    const old = await engine.identity();
    const forged = [];
    for await (const stored of engine.exportFacts())
      forged.push({ ...stored.envelope, hash: 'f'.repeat(64) });
    server.injectForeignFact(old?.terminalId ?? '', forged[0]!);
    await sellProduct(engine, 'glue');
    expect(await engine.sync()).toMatchObject({ code: 'TERMINAL_REACTIVATION_REQUIRED' });

    const again = await engine.activate(request());
    expect(again.ok).toBe(true);
    expect((await engine.identity())?.terminalId).not.toBe(old?.terminalId);
    expect(await engine.previousTerminals()).toMatchObject([
      { identity: { terminalId: old?.terminalId, status: 'reactivation_required' }, headSequence: 2 },
    ]);
    const kept = [];
    for await (const stored of engine.exportFacts({ terminalId: old?.terminalId ?? '' })) kept.push(stored);
    expect(kept).toHaveLength(2);
    await engine.login({ pin: fixture.cashierPin });
    expect(await sellProduct(engine, 'glue')).toMatchObject({ ok: true, sale: { sequence: 1 } });
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
  });

  it('after a fork, re-activation stops the stock guard counting the quarantined chain', async () => {
    // Regression (found by the simulator): the guard kept the old chain's unsynced sales forever,
    // so the re-activated till could never sell those units offline again.
    const { engine } = await activatedTerminal(server);
    await sellProduct(engine, 'glue');
    await engine.sync();
    const old = await engine.identity();
    const forged = [];
    for await (const stored of engine.exportFacts())
      forged.push({ ...stored.envelope, hash: 'f'.repeat(64) });
    server.injectForeignFact(old?.terminalId ?? '', forged[0]!);
    expect(await sellProduct(engine, 'glue', 3)).toMatchObject({ ok: true });
    expect(await engine.stockAvailability('GLUE-1')).toMatchObject({ availability: { localUnsynced: '3' } });
    expect(await engine.sync()).toMatchObject({ code: 'TERMINAL_REACTIVATION_REQUIRED' });

    expect((await engine.activate(request())).ok).toBe(true);
    expect(await engine.stockAvailability('GLUE-1')).toMatchObject({ availability: { localUnsynced: '0' } });
  });

  it('does not re-activate a revoked terminal until its pending facts reached the server', async () => {
    const { engine } = await activatedTerminal(server);
    const identity = await engine.identity();
    server.revoke(identity?.terminalId ?? '');
    await engine.sync();
    expect((await engine.status()).activation).toBe('revoked');
    expect(await engine.activate(request())).toMatchObject({ ok: true });
  });
});
