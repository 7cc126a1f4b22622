import { describe, expect, it, vi } from 'vitest';
import { createStorageKey, encryptValues } from './encrypted-store';
import {
  deleteIndexedDbStore,
  type IndexedDbStore,
  openIndexedDbStore,
  requestPersistentStorage,
} from './indexeddb-store';
import type { TerminalStore } from './terminal-store';
import { runTerminalStoreContract } from './terminal-store.contract';

/**
 * The IndexedDB adapter's tests, for a real browser (Vitest browser mode with Chromium). Node has no
 * IndexedDB, so this file is not named *.test.ts and the Node run does not pick it up; the browser
 * project's entry is one line, `runIndexedDbStoreSuite()`, in indexeddb-store.browser.test.ts
 * (excluded from the Node project's include).
 */
export function runIndexedDbStoreSuite(): void {
  const databaseName = () => `mostrador-test-${globalThis.crypto.randomUUID()}`;

  runTerminalStoreContract('IndexedDB store', () => openIndexedDbStore(databaseName()), {
    reopen: async (store: IndexedDbStore) => {
      await store.close();
      return openIndexedDbStore(store.databaseName);
    },
  });

  const innerStores = new WeakMap<TerminalStore, IndexedDbStore>();
  const openEncrypted = async (name: string, key: CryptoKey) => {
    const inner = await openIndexedDbStore(name);
    const store = encryptValues(inner, key);
    innerStores.set(store, inner);
    return store;
  };
  const keyPromise = createStorageKey();
  runTerminalStoreContract(
    'encrypted IndexedDB store',
    async () => openEncrypted(databaseName(), await keyPromise),
    {
      reopen: async (store) => {
        const inner = innerStores.get(store);
        if (inner === undefined) {
          throw new Error('not an encrypted IndexedDB store from this suite');
        }
        await store.close();
        return openEncrypted(inner.databaseName, await keyPromise);
      },
    },
  );

  describe('IndexedDB store in the browser', () => {
    it('commits every write with strict durability', async () => {
      const name = databaseName();
      const store = await openIndexedDbStore(name);
      const transactionSpy = vi.spyOn(IDBDatabase.prototype, 'transaction');
      try {
        await store.write((transaction) => transaction.put('sale/1', { totalMinor: 100 }));
        const readwriteCalls = transactionSpy.mock.calls.filter(([, mode]) => mode === 'readwrite');
        expect(readwriteCalls).toHaveLength(1);
        expect(readwriteCalls[0]?.[2]).toEqual({ durability: 'strict' });
      } finally {
        transactionSpy.mockRestore();
        await store.close();
        await deleteIndexedDbStore(name);
      }
    });

    it('reports the origin’s usage and quota, and whether storage is persistent', async () => {
      const name = databaseName();
      const store = await openIndexedDbStore(name);
      await store.write((transaction) => transaction.put('usage/1', 'x'.repeat(100_000)));
      const usage = await store.usage();
      expect(usage.bytesQuota).not.toBeNull();
      expect(usage.bytesUsed).toBeGreaterThan(0);
      expect(typeof usage.persistent).toBe('boolean');
      expect(typeof (await requestPersistentStorage())).toBe('boolean');
      await store.close();
      await deleteIndexedDbStore(name);
    });
  });
}
