import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine } from '../engine';
import { openFileStore } from '../storage/file-store';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, manualClock, sellProduct, startSeededServer } from '../testing/fixtures';
import { initialConnectivity, nextConnectivity, offlineMsTotal } from './connectivity';

describe('connectivity', () => {
  it('adds up offline stretches and nothing while online', () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 12, minutes));
    let record = initialConnectivity(at(0));
    record = nextConnectivity(record, true, at(2));
    record = nextConnectivity(record, true, at(5));
    record = nextConnectivity(record, false, at(10));
    record = nextConnectivity(record, false, at(12));
    expect(offlineMsTotal(record, at(15))).toBe((2 + 5) * 60_000);
    record = nextConnectivity(record, true, at(20));
    expect(offlineMsTotal(record, at(59))).toBe((2 + 10) * 60_000);
  });

  describe('in the engine', () => {
    let server: FakeServer;
    let directory: string;

    beforeEach(async () => {
      server = await startSeededServer();
      directory = await mkdtemp(join(tmpdir(), 'mostrador-connectivity-'));
    });
    afterEach(async () => {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    });

    it('learns it is offline from a failed request and shows pending age, last sync and offline time, across restarts', async () => {
      const clock = manualClock();
      const store = await openFileStore(directory);
      const vault = memoryDeviceKeyVault();
      const { engine } = await activatedTerminal(server, { store, keyVault: vault, clock: clock.now });
      const syncedAt = clock.now().toISOString();
      expect(await engine.status()).toMatchObject({ connectivity: 'online', lastSuccessfulSyncAt: syncedAt });

      server.unreachable = true;
      clock.advance(60_000);
      await sellProduct(engine, 'glue');
      expect(await engine.sync()).toMatchObject({ outcome: 'unknown', code: 'SERVER_UNREACHABLE' });
      clock.advance(10 * 60_000);
      expect(await engine.status()).toMatchObject({
        connectivity: 'offline',
        online: false,
        pendingCount: 1,
        oldestPendingAgeSeconds: 600,
        lastSuccessfulSyncAt: syncedAt,
        offlineSecondsTotal: 600,
        lastProblem: { code: 'SERVER_UNREACHABLE' },
        consecutiveFailures: 1,
      });
      await engine.close();
      await store.close();

      const reopened = await openFileStore(directory);
      const again = await openTerminalEngine({ store: reopened, keyVault: vault, clock: clock.now });
      clock.advance(5 * 60_000);
      expect(await again.status()).toMatchObject({ connectivity: 'offline', offlineSecondsTotal: 900 });
      server.unreachable = false;
      expect(await again.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
      clock.advance(60 * 60_000);
      expect(await again.status()).toMatchObject({
        connectivity: 'online',
        offlineSecondsTotal: 900,
        pendingCount: 0,
        oldestPendingAgeSeconds: null,
        lastProblem: null,
      });
      await again.close();
      await reopened.close();
    });
  });
});
