import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine } from '../engine';
import { openFileStore } from '../storage/file-store';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, manualClock, startSeededServer } from '../testing/fixtures';

describe('PIN login at the till', () => {
  let server: FakeServer;
  let directory: string;

  beforeEach(async () => {
    server = await startSeededServer({ loginMaxAttempts: 3, lockoutMinutes: 10 });
    directory = await mkdtemp(join(tmpdir(), 'mostrador-pin-'));
  });
  afterEach(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('works offline, and a lockout survives closing and reopening the terminal', async () => {
    const clock = manualClock();
    const store = await openFileStore(directory);
    const vault = memoryDeviceKeyVault();
    const { engine } = await activatedTerminal(server, {
      store,
      keyVault: vault,
      clock: clock.now,
      login: 'none',
    });
    await server.stop();

    expect(await engine.login({ pin: fixture.cashierPin })).toMatchObject({
      ok: true,
      user: { userId: fixture.cashierId, role: 'CASHIER' },
    });
    const attempt = { userId: fixture.cashierId, pin: '0000' };
    expect(await engine.login(attempt)).toEqual({ ok: false, code: 'INVALID_PIN', attemptsRemaining: 2 });
    expect(await engine.login(attempt)).toEqual({ ok: false, code: 'INVALID_PIN', attemptsRemaining: 1 });
    const locked = await engine.login(attempt);
    expect(locked).toEqual({ ok: false, code: 'ACCOUNT_LOCKED', lockedUntil: '2026-11-23T15:10:00.000Z' });
    await engine.close();
    await store.close();

    const reopened = await openFileStore(directory);
    const again = await openTerminalEngine({ store: reopened, keyVault: vault, clock: clock.now });
    // Even the right PIN is refused while locked: the counter lived on disk, not in memory.
    expect(await again.login({ userId: fixture.cashierId, pin: fixture.cashierPin })).toMatchObject({
      ok: false,
      code: 'ACCOUNT_LOCKED',
    });
    expect(await again.login({ pin: fixture.cashierPin })).toMatchObject({
      ok: false,
      code: 'ACCOUNT_LOCKED',
    });
    clock.advance(10 * 60_000);
    expect(await again.login({ userId: fixture.cashierId, pin: fixture.cashierPin })).toMatchObject({
      ok: true,
    });
    expect((await again.currentUser())?.userId).toBe(fixture.cashierId);
    await again.close();
    await reopened.close();
  });

  it('counts failures of a PIN typed alone against the whole till', async () => {
    const clock = manualClock();
    const { engine } = await activatedTerminal(server, { clock: clock.now, login: 'none' });
    for (const expected of ['INVALID_PIN', 'INVALID_PIN', 'ACCOUNT_LOCKED']) {
      expect(await engine.login({ pin: '5555' })).toMatchObject({ ok: false, code: expected });
    }
    expect(await engine.login({ pin: fixture.managerPin })).toMatchObject({
      ok: false,
      code: 'ACCOUNT_LOCKED',
    });
    // A user chosen by name still has their own counter.
    expect(await engine.login({ userId: fixture.managerId, pin: fixture.managerPin })).toMatchObject({
      ok: true,
    });
  });

  it('refuses malformed PINs and users who left the store', async () => {
    const { engine } = await activatedTerminal(server, { login: 'none' });
    expect(await engine.login({ pin: '12' })).toMatchObject({ ok: false, code: 'INVALID_PIN' });
    server.publish({
      entity: 'user',
      key: fixture.cashierId,
      deleted: false,
      data: {
        id: fixture.cashierId,
        name: 'Ana Cajera',
        role: 'CASHIER',
        pinHash: null,
        maxDiscountBasisPoints: 0,
        storeIds: [],
        active: false,
      },
    });
    await engine.sync();
    expect(await engine.login({ pin: fixture.cashierPin })).toMatchObject({ ok: false, code: 'INVALID_PIN' });
  });
});
