import { describe, expect, it } from 'vitest';
import { memoryDeviceKeyVault } from './device-key/memory-device-key-vault';
import { openTerminalEngine } from './engine';
import { JOURNAL_NAMESPACE } from './storage/journaled-store';
import { createMemoryStore } from './storage/memory-store';
import { browserStoreLayers, LOCAL_STORE_FORMAT_VERSION, storeKeys } from './store-layout';

describe('local store format', () => {
  it('moves a format 1 store’s server state into pages and marks it format 3, so older builds refuse it', async () => {
    expect(LOCAL_STORE_FORMAT_VERSION).toBe(3);
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
    const store = await browserStoreLayers(inner);
    const engine = await openTerminalEngine({ store, keyVault: memoryDeviceKeyVault() });
    const physical = await inner.read(async (transaction) =>
      (await transaction.scan({ prefix: '' })).map(([key]) => key),
    );
    expect(physical.filter((key) => key.startsWith('state/') || key.startsWith('index/'))).toEqual([]);
    expect(physical).toContain(storeKeys.settings);
    // The marker is written through the journal to its own key, where a format 2 build reads it.
    expect(await inner.read((transaction) => transaction.get(storeKeys.format))).toEqual({ version: 3 });
    expect(await store.read((transaction) => transaction.get('index/sku/A'))).toBe('v1');
    expect(await store.read((transaction) => transaction.get(storeKeys.state('variant', 'v1')))).toEqual({
      version: 3,
      generation: 1,
      data: { sku: 'A' },
    });
    await engine.close();
  });

  it('marks a format 2 store format 3 below its journal, then journals the small writes that follow', async () => {
    const inner = createMemoryStore();
    await inner.write((transaction) => transaction.put(storeKeys.format, { version: 2 }));
    const engine = await openTerminalEngine({
      store: await browserStoreLayers(inner),
      keyVault: memoryDeviceKeyVault(),
    });
    expect(await inner.read((transaction) => transaction.get(storeKeys.format))).toEqual({ version: 3 });
    expect(await engine.setRetentionDays(30)).toMatchObject({ ok: true });
    const journal = await inner.read((transaction) => transaction.scan({ prefix: JOURNAL_NAMESPACE }));
    const records = journal.filter(([key]) => key.startsWith(`${JOURNAL_NAMESPACE}record/`));
    expect(records).toHaveLength(1);
    expect(await inner.read((transaction) => transaction.has(storeKeys.settings))).toBe(false);
    await engine.close();
  });

  it('refuses a store written by a newer build', async () => {
    const store = createMemoryStore();
    await store.write((transaction) => transaction.put(storeKeys.format, { version: 4 }));
    await expect(openTerminalEngine({ store, keyVault: memoryDeviceKeyVault() })).rejects.toThrow(
      /format 4; this build reads up to 3/,
    );
  });
});
