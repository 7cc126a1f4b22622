import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTerminalEngine } from '../engine';
import { openNodeTerminal } from '../node-terminal';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';
import { type LockManagerLike, webLocksWriterLock } from './web-locks-writer-lock';

/** Web Locks as a browser implements them for `ifAvailable` requests, shared by "tabs" in one test. */
function fakeLockManager(): LockManagerLike {
  const held = new Set<string>();
  return {
    async request(name, _options, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe('one writer per terminal', () => {
  let server: FakeServer;
  let home: string;

  beforeEach(async () => {
    server = await startSeededServer();
    home = await mkdtemp(join(tmpdir(), 'mostrador-writer-'));
  });
  afterEach(async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('Node: a second engine on the same terminal directory refuses, and takes over once the first closes', async () => {
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
    expect(activated.ok).toBe(true);
    await first.engine.login({ pin: fixture.cashierPin });
    await sellProduct(first.engine, 'glue');

    const second = await openNodeTerminal({ home });
    expect(second).toMatchObject({ ok: false, code: 'TERMINAL_OPEN_ELSEWHERE' });

    await first.close();
    const third = await openNodeTerminal({ home });
    if (!third.ok) throw new Error(third.code);
    expect(await sellProduct(third.engine, 'glue')).toMatchObject({ ok: true, sale: { sequence: 2 } });
    await third.close();
  });

  it('browser: a second tab on the same data opens read-only and says so', async () => {
    const locks = fakeLockManager();
    const first = await activatedTerminal(server, {
      writerLock: webLocksWriterLock('mostrador-terminal', locks),
    });
    const second = await openTerminalEngine({
      store: first.store,
      keyVault: first.vault,
      writerLock: webLocksWriterLock('mostrador-terminal', locks),
    });
    expect(second.isWriter).toBe(false);
    expect(await sellProduct(second, 'glue')).toEqual({ ok: false, code: 'TERMINAL_OPEN_ELSEWHERE' });
    expect(await second.login({ pin: fixture.cashierPin })).toEqual({
      ok: false,
      code: 'TERMINAL_OPEN_ELSEWHERE',
    });
    expect(await second.sync()).toEqual({ ok: false, code: 'TERMINAL_OPEN_ELSEWHERE' });
    expect(await second.status()).toMatchObject({ writer: false, activation: 'active' });
    expect(await sellProduct(first.engine, 'glue')).toMatchObject({ ok: true, sale: { sequence: 1 } });

    await first.engine.close();
    const third = await openTerminalEngine({
      store: first.store,
      keyVault: first.vault,
      writerLock: webLocksWriterLock('mostrador-terminal', locks),
    });
    expect(third.isWriter).toBe(true);
    expect(await sellProduct(third, 'glue')).toMatchObject({ ok: true, sale: { sequence: 2 } });
  });
});
