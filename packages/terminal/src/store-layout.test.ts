import { describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from './device-key/memory-device-key-vault';
import { openTerminalEngine } from './engine';
import { createMemoryStore } from './storage/memory-store';
import { LOCAL_STORE_FORMAT_VERSION, pageServerState, storeKeys } from './store-layout';

describe('local store format', () => {
  it('moves a format 1 store’s server state into pages and marks it format 2, so older builds refuse it', async () => {
    expect(LOCAL_STORE_FORMAT_VERSION).toBe(2);
    const inner = createMemoryStore();
    await inner.write(async (transaction) => {
      await transaction.put(storeKeys.format, { version: 1 });
      await transaction.put(storeKeys.state('variant', 'v1'), {
        version: 3,
        generation: 1,
        data: { sku: 'A' },
      });
      await transaction.put('index/sku/A', 'v1');
      await transaction.put(storeKeys.settings, { language: 'es' });
    });
    const store = await pageServerState(inner);
    const engine = await openTerminalEngine({ store, keyVault: memoryDeviceKeyVault() });
    const physical = await inner.read(async (transaction) =>
      (await transaction.scan({ prefix: '' })).map(([key]) => key),
    );
    expect(physical.filter((key) => key.startsWith('state/') || key.startsWith('index/'))).toEqual([]);
    expect(physical).toContain(storeKeys.settings);
    expect(await inner.read((transaction) => transaction.get(storeKeys.format))).toEqual({ version: 2 });
    expect(await store.read((transaction) => transaction.get('index/sku/A'))).toBe('v1');
    expect(await store.read((transaction) => transaction.get(storeKeys.state('variant', 'v1')))).toEqual({
      version: 3,
      generation: 1,
      data: { sku: 'A' },
    });
    await engine.close();
  });

  it('refuses a store written by a newer build', async () => {
    const store = createMemoryStore();
    await store.write((transaction) => transaction.put(storeKeys.format, { version: 3 }));
    await expect(openTerminalEngine({ store, keyVault: memoryDeviceKeyVault() })).rejects.toThrow(
      /format 3; this build reads up to 2/,
    );
  });
});
