import { browserDeviceKeyVault } from '../device-key/browser-device-key-vault';
import { deviceKeyFrom, publicKeyHex } from '../device-key/device-key-vault';
import type { ContractRunner } from './contract-runner';
import { createStorageKey, ENCRYPTED_VALUE_VERSION, encryptValues } from './encrypted-store';
import {
  deleteIndexedDbStore,
  type IndexedDbStore,
  openIndexedDbStore,
  requestPersistentStorage,
} from './indexeddb-store';
import { journalWrites } from './journaled-store';
import { openPagedStore } from './paged-store';
import type { TerminalStore } from './terminal-store';
import { expectStoreError, runTerminalStoreContract } from './terminal-store.contract';

/**
 * The IndexedDB adapter's cases for a real browser: the whole terminal store contract, plain and
 * encrypted, and what only a browser can show (durability 'strict' on every readwrite transaction,
 * ciphertext at rest, non-extractable keys, the origin's quota). Node has no IndexedDB, so this file
 * is not a test file: indexeddb-store.browser-entry.ts registers it in a Chromium page, and
 * indexeddb-store.browser.test.ts (Node, Vitest) drives that page and makes each case a test.
 * What needs more than one page (a reload, a restarted or killed browser, two tabs) is in
 * indexeddb-store.browser-scenarios.ts and ../single-writer/web-locks-writer-lock.browser-scenario.ts.
 */
export function runIndexedDbStoreSuite(runner: ContractRunner): void {
  const { describe, expect, it } = runner;

  runTerminalStoreContract(runner, 'IndexedDB store', () => openIndexedDbStore(freshDatabaseName()), {
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
  // Made on first use, not when the cases are collected (the Node side collects them only for names).
  let storageKey: Promise<CryptoKey> | undefined;
  const sharedStorageKey = () => {
    storageKey ??= createStorageKey();
    return storageKey;
  };
  runTerminalStoreContract(
    runner,
    'encrypted IndexedDB store',
    async () => openEncrypted(freshDatabaseName(), await sharedStorageKey()),
    {
      reopen: async (store) => {
        const inner = innerStores.get(store);
        if (inner === undefined) {
          throw new Error('not an encrypted IndexedDB store from this suite');
        }
        await store.close();
        return openEncrypted(inner.databaseName, await sharedStorageKey());
      },
    },
  );

  // As the web POS keeps its store (browserStoreLayers): small writes journaled, server state in
  // pages of records, sealed, over IndexedDB. The prefixes put some of the contract's keys in pages
  // and leave the rest one value each; the journal checkpoints every fourth write, so the contract
  // runs over records in force and over checkpointed keys alike.
  const openPaged = async (name: string) =>
    openPagedStore(
      journalWrites(await openEncrypted(name, await sharedStorageKey()), {
        idleCheckpointMs: null,
        recordsMax: 3,
      }),
      { prefixes: ['item/', 's/', 'sale/', 'u/', 'large/', 'value/'] },
    );
  const pagedNames = new WeakMap<TerminalStore, string>();
  runTerminalStoreContract(
    runner,
    'paged, journaled, encrypted IndexedDB store',
    async () => {
      const name = freshDatabaseName();
      const store = await openPaged(name);
      pagedNames.set(store, name);
      return store;
    },
    {
      reopen: async (store) => {
        const name = pagedNames.get(store);
        if (name === undefined) throw new Error('not a paged IndexedDB store from this suite');
        await store.close();
        const reopened = await openPaged(name);
        pagedNames.set(reopened, name);
        return reopened;
      },
    },
  );

  describe('IndexedDB store in the browser', () => {
    it('commits each write in one readwrite transaction with durability strict', async () => {
      const name = freshDatabaseName();
      const calls = await recordTransactions(async () => {
        const store = await openIndexedDbStore(name);
        await store.write(async (transaction) => {
          await transaction.put('sale/1', { totalMinor: 100 });
          await transaction.put('sale/2', { totalMinor: 200 });
        });
        await store.write((transaction) => transaction.delete('sale/1'));
        const encrypted = encryptValues(store, await createStorageKey());
        await encrypted.write((transaction) => transaction.put('sale/3', { totalMinor: 300 }));
        // A write that changes nothing opens no readwrite transaction at all.
        await store.write((transaction) => transaction.count('sale/'));
        await store.close();
      });
      const readwrite = calls.filter((call) => call.mode === 'readwrite');
      expect(readwrite).toEqual([
        { mode: 'readwrite', options: { durability: 'strict' }, durability: 'strict' },
        { mode: 'readwrite', options: { durability: 'strict' }, durability: 'strict' },
        { mode: 'readwrite', options: { durability: 'strict' }, durability: 'strict' },
      ]);
      await deleteIndexedDbStore(name);
    });

    it('reports the origin’s usage and quota, and whether storage is persistent', async () => {
      const name = freshDatabaseName();
      const store = await openIndexedDbStore(name);
      await store.write((transaction) => transaction.put('usage/1', 'x'.repeat(100_000)));
      const usage = await store.usage();
      expect(Number.isSafeInteger(usage.bytesUsed)).toBe(true);
      expect(usage.bytesUsed).toBeGreaterThan(0);
      expect(typeof usage.bytesQuota).toBe('number');
      expect(usage.bytesQuota ?? 0).toBeGreaterThan(usage.bytesUsed);
      expect(typeof usage.persistent).toBe('boolean');
      expect(typeof (await requestPersistentStorage())).toBe('boolean');
      await store.close();
      await deleteIndexedDbStore(name);
    });

    it('gives way when another tab deletes the database, then refuses work with STORE_CLOSED', async () => {
      const name = freshDatabaseName();
      const store = await openIndexedDbStore(name);
      await store.write((transaction) => transaction.put('sale/1', 1));
      // Blocked forever if the store kept its connection open against the other tab's request.
      await withinMs(deleteIndexedDbStore(name), BLOCKED_DELETE_WAIT_MS, 'deleting the database');
      await expectStoreError(
        expect,
        store.read((transaction) => transaction.get('sale/1')),
        'STORE_CLOSED',
      );
      await expectStoreError(
        expect,
        store.write((transaction) => transaction.put('sale/2', 2)),
        'STORE_CLOSED',
      );
      await store.close();
      const reopened = await openIndexedDbStore(name);
      expect(await reopened.read((transaction) => transaction.count(''))).toBe(0);
      await reopened.close();
      await deleteIndexedDbStore(name);
    });

    it('the sole writer: nobody else claims or writes, others read its commits, and it hands over on release', async () => {
      const name = freshDatabaseName();
      const holder = await openIndexedDbStore(name);
      const other = await openIndexedDbStore(name);
      await holder.write((transaction) => transaction.put('sale/1', 'rung'));
      expect(await holder.read((transaction) => transaction.get('sale/1'))).toBe('rung');
      // Committed by another instance while the holder-to-be kept 'rung' in memory.
      await other.write((transaction) => transaction.put('sale/1', 'completed'));
      const lease = await holder.claimSoleWriter();
      expect(lease === undefined).toBe(false);
      expect(await holder.read((transaction) => transaction.get('sale/1'))).toBe('completed');
      expect(await other.claimSoleWriter()).toBeUndefined();
      await expectStoreError(
        expect,
        other.write((transaction) => transaction.put('sale/2', 'refused')),
        'STORE_LOCKED',
      );
      // A write that changes nothing (a layer's check when a read-only tab opens) is not refused.
      expect(await other.write((transaction) => transaction.get('sale/1'))).toBe('completed');
      await holder.write((transaction) => transaction.put('sale/1', 'voided'));
      expect(
        await other.read(async (transaction) => [
          await transaction.get('sale/1'),
          await transaction.get('sale/2'),
        ]),
      ).toEqual(['voided', undefined]);
      await lease?.release();
      const next = await other.claimSoleWriter();
      expect(next === undefined).toBe(false);
      await other.write((transaction) => transaction.put('sale/2', 'completed'));
      await expectStoreError(
        expect,
        holder.write((transaction) => transaction.put('sale/3', 'refused')),
        'STORE_LOCKED',
      );
      expect(await holder.read((transaction) => transaction.get('sale/2'))).toBe('completed');
      await next?.release();
      await holder.write((transaction) => transaction.put('sale/3', 'after both leases'));
      expect(await other.read((transaction) => transaction.get('sale/3'))).toBe('after both leases');
      await holder.close();
      await other.close();
      await deleteIndexedDbStore(name);
    });

    it('the sole writer asks IndexedDB for nothing it knows: no commit token, no value, no missing key', async () => {
      const name = freshDatabaseName();
      const store = await openIndexedDbStore(name);
      const other = await openIndexedDbStore(name);
      await other.write(async (transaction) => {
        await transaction.put('sale/0', { totalMinor: 50 });
        await transaction.put('sale/9', { totalMinor: 90 });
      });
      const lease = await store.claimSoleWriter();
      await store.write(async (transaction) => {
        await transaction.put('sale/1', { totalMinor: 100 });
        await transaction.delete('sale/9');
      });
      const { result, calls } = await countObjectStoreCalls(
        ['get', 'count', 'getAllRecords', 'getAll'],
        async () => {
          const read = await store.read(async (transaction) => ({
            sale: await transaction.get('sale/1'),
            exists: await transaction.has('sale/1'),
            fromBefore: await transaction.has('sale/0'),
            deleted: await transaction.has('sale/9'),
            never: await transaction.get('sale/404'),
            neverExists: await transaction.has('sale/404'),
          }));
          await store.write(async (transaction) => {
            const sale = (await transaction.get('sale/1')) as { totalMinor: number };
            await transaction.put('sale/1', { totalMinor: sale.totalMinor + 1 });
            if (await transaction.has('fact/2')) throw new Error('fact/2 was never written');
            await transaction.put('fact/2', 'signed');
          });
          return {
            read,
            after: await store.read(async (transaction) => [
              await transaction.get('sale/1'),
              await transaction.has('fact/2'),
            ]),
          };
        },
      );
      expect(result).toEqual({
        read: {
          sale: { totalMinor: 100 },
          exists: true,
          fromBefore: true,
          deleted: false,
          never: undefined,
          neverExists: false,
        },
        after: [{ totalMinor: 101 }, true],
      });
      expect(calls).toEqual([]);
      // A key it did not read yet but knows exists is fetched: knowing keys is not knowing values.
      const fetched = await countObjectStoreCalls(['get'], () =>
        store.read((transaction) => transaction.get('sale/0')),
      );
      expect(fetched).toEqual({ result: { totalMinor: 50 }, calls: ['get'] });
      await lease?.release();
      await store.close();
      await other.close();
      await deleteIndexedDbStore(name);
    });

    it('the sole writer commits only between other tabs’ reads: none sees half of two states', async () => {
      const name = freshDatabaseName();
      const holder = await openIndexedDbStore(name);
      const reader = await openIndexedDbStore(name);
      const lease = await holder.claimSoleWriter();
      await holder.write(async (transaction) => {
        await transaction.put('shift/cash', 100);
        await transaction.put('shift/count', 1);
      });
      let firstRead: () => void = () => undefined;
      const readFirst = new Promise<void>((resolve) => {
        firstRead = resolve;
      });
      let goOn: () => void = () => undefined;
      const mayGoOn = new Promise<void>((resolve) => {
        goOn = resolve;
      });
      const reading = reader.read(async (transaction) => {
        const cash = await transaction.get('shift/cash');
        firstRead();
        await mayGoOn;
        return { cash, count: await transaction.get('shift/count') };
      });
      await readFirst;
      const writing = holder.write(async (transaction) => {
        await transaction.put('shift/cash', 250);
        await transaction.put('shift/count', 2);
      });
      const meanwhile = await Promise.race([
        writing.then(() => 'committed'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 200)),
      ]);
      expect(meanwhile).toBe('waiting');
      goOn();
      expect(await reading).toEqual({ cash: 100, count: 1 });
      await writing;
      expect(
        await reader.read(async (transaction) => [
          await transaction.get('shift/cash'),
          await transaction.get('shift/count'),
        ]),
      ).toEqual([250, 2]);
      await lease?.release();
      await holder.close();
      await reader.close();
      await deleteIndexedDbStore(name);
    });

    it('the sole writer keeps the store’s Web Lock between writes and passes it to a tab that asks', async () => {
      const name = freshDatabaseName();
      const holder = await openIndexedDbStore(name);
      const other = await openIndexedDbStore(name);
      const lease = await holder.claimSoleWriter();
      await holder.write((transaction) => transaction.put('sale/1', 1));
      const requests = await countLockRequests(async () => {
        for (let sale = 2; sale <= 4; sale += 1) {
          await holder.write((transaction) => transaction.put(`sale/${sale}`, sale));
        }
      });
      expect(requests).toBe(0);
      for (let round = 1; round <= 3; round += 1) {
        // An idle writer holding the lock must not keep another tab's reads (or its open) waiting.
        expect(
          await withinMs(
            other.read((transaction) => transaction.get('sale/4')),
            TURN_PASSED_WAIT_MS,
            'a read in another tab',
          ),
        ).toBe(4);
        expect(
          await withinMs(
            other.write((transaction) => transaction.count('sale/')),
            TURN_PASSED_WAIT_MS,
            'a write that changes nothing in another tab',
          ),
        ).toBe(4 + round - 1);
        await holder.write((transaction) => transaction.put(`sale/${4 + round}`, 4 + round));
      }
      await lease?.release();
      await holder.close();
      await other.close();
      await deleteIndexedDbStore(name);
    });

    it('the sole writer stores one new commit token a turn, and another tab sees every write after it', async () => {
      const name = freshDatabaseName();
      const holder = await openIndexedDbStore(name);
      const other = await openIndexedDbStore(name);
      const lease = await holder.claimSoleWriter();
      const puts: number[] = [];
      const write = async (cash: number) => {
        const { calls } = await countObjectStoreCalls(['put'], () =>
          holder.write((transaction) => transaction.put('shift/cash', cash)),
        );
        puts.push(calls.length);
      };
      const readInOtherTab = () => other.read((transaction) => transaction.get('shift/cash'));
      await write(100);
      await write(150);
      // Another tab's read takes a turn, and keeps what it read in memory against that token.
      expect(await readInOtherTab()).toBe(150);
      await write(200);
      await write(250);
      expect(await readInOtherTab()).toBe(250);
      await lease?.release();
      // Without the lease, every write stores a new token again.
      await write(300);
      expect(await readInOtherTab()).toBe(300);
      // The first write of a turn stores the value and a new token; the next ones the value alone.
      expect(puts).toEqual([2, 1, 2, 1, 2]);
      await holder.close();
      await other.close();
      await deleteIndexedDbStore(name);
    });

    it('reads back what it committed from memory, asking IndexedDB only for the commit token', async () => {
      const name = freshDatabaseName();
      const store = await openIndexedDbStore(name);
      await store.write((transaction) => transaction.put('sale/1', { totalMinor: 100 }));
      const { result, calls } = await countObjectStoreCalls(['get', 'count', 'getAllRecords', 'getAll'], () =>
        store.read(async (transaction) => ({
          sale: await transaction.get('sale/1'),
          again: await transaction.get('sale/1'),
          exists: await transaction.has('sale/1'),
        })),
      );
      expect(result).toEqual({ sale: { totalMinor: 100 }, again: { totalMinor: 100 }, exists: true });
      expect(calls).toEqual(['get']);
      await store.close();
      await deleteIndexedDbStore(name);
    });

    it('sees what another connection committed after it kept the old value in memory', async () => {
      const name = freshDatabaseName();
      const first = await openIndexedDbStore(name);
      const second = await openIndexedDbStore(name);
      await first.write(async (transaction) => {
        await transaction.put('sale/1', 'completed');
        await transaction.put('state/store/1', { name: 'Centro' });
      });
      const before = await first.read(async (transaction) => ({
        sale: await transaction.get('sale/1'),
        missing: await transaction.get('sale/2'),
        stores: await transaction.scan({ prefix: 'state/store/' }),
        storeCount: await transaction.count('state/store/'),
      }));
      expect(before).toEqual({
        sale: 'completed',
        missing: undefined,
        stores: [['state/store/1', { name: 'Centro' }]],
        storeCount: 1,
      });
      await second.write(async (transaction) => {
        await transaction.put('sale/1', 'voided');
        await transaction.put('sale/2', 'completed');
        await transaction.put('state/store/2', { name: 'Norte' });
      });
      // A write that reads nothing cannot tell another tab committed first; what it commits must not
      // make the first connection's older values look current.
      await first.write((transaction) => transaction.put('note/1', 'written blind'));
      const after = await first.read(async (transaction) => ({
        sale: await transaction.get('sale/1'),
        missing: await transaction.get('sale/2'),
        stores: await transaction.scan({ prefix: 'state/store/' }),
        storeCount: await transaction.count('state/store/'),
      }));
      expect(after).toEqual({
        sale: 'voided',
        missing: 'completed',
        stores: [
          ['state/store/1', { name: 'Centro' }],
          ['state/store/2', { name: 'Norte' }],
        ],
        storeCount: 2,
      });
      await first.close();
      await second.close();
      await deleteIndexedDbStore(name);
    });

    it('opens a sealed value it already authenticated without decrypting it again', async () => {
      const name = freshDatabaseName();
      const store = encryptValues(await openIndexedDbStore(name), await createStorageKey());
      await store.write((transaction) => transaction.put('sale/1', { totalMinor: 100 }));
      const { result, calls } = await countDecryptions(async () => [
        await store.read((transaction) => transaction.get('sale/1')),
        await store.read((transaction) => transaction.get('sale/1')),
        await store.write((transaction) => transaction.get('sale/1')),
      ]);
      expect(result).toEqual([{ totalMinor: 100 }, { totalMinor: 100 }, { totalMinor: 100 }]);
      expect(calls).toBe(0);
      await store.close();
      await deleteIndexedDbStore(name);
    });

    it('refuses a value another connection moved, after it had opened the one that was there', async () => {
      const name = freshDatabaseName();
      const key = await createStorageKey();
      const store = encryptValues(await openIndexedDbStore(name), key);
      await store.write(async (transaction) => {
        await transaction.put('sale/voided', { status: 'voided' });
        await transaction.put('sale/completed', { status: 'completed' });
      });
      expect(await store.read((transaction) => transaction.get('sale/completed'))).toEqual({
        status: 'completed',
      });
      // Another connection, through the adapter but without the key, pastes one sealed value over the other.
      const other = await openIndexedDbStore(name);
      await other.write(async (transaction) => {
        const voided = await transaction.get('sale/voided');
        if (voided === undefined) throw new Error('the voided sale is missing');
        await transaction.put('sale/completed', voided);
      });
      await other.close();
      await expectStoreError(
        expect,
        store.read((transaction) => transaction.get('sale/completed')),
        'DECRYPTION_FAILED',
      );
      await store.close();
      await deleteIndexedDbStore(name);
    });

    it('keeps only ciphertext at rest: the raw records hold no plaintext', async () => {
      const name = freshDatabaseName();
      const secret = 'Cliente Ñandú, tarjeta 4111-1111';
      const store = encryptValues(await openIndexedDbStore(name), await createStorageKey());
      await store.write(async (transaction) => {
        await transaction.put('customer/1', { name: secret, totalMinor: 123_456 });
        await transaction.put('note/1', secret);
      });
      await store.close();
      const raw = await readRawRecords(name);
      expect(raw.map(([key]) => key)).toEqual(['customer/1', 'note/1']);
      for (const [, value] of raw) {
        expect(value).toMatchObject({ v: ENCRYPTED_VALUE_VERSION });
        const sealed = value as { iv: unknown; ct: unknown };
        expect(typeof sealed.iv).toBe('string');
        expect(typeof sealed.ct).toBe('string');
        const text = JSON.stringify(value);
        for (const fragment of ['Ñandú', '\\u00d1and', 'Cliente', '4111', '123456']) {
          expect(text.includes(fragment), `${fragment} appears in ${text}`).toBe(false);
        }
      }
      await deleteIndexedDbStore(name);
    });

    it('refuses a value moved to another key by someone with raw access to the database', async () => {
      const name = freshDatabaseName();
      const key = await createStorageKey();
      const store = encryptValues(await openIndexedDbStore(name), key);
      await store.write(async (transaction) => {
        await transaction.put('sale/voided', { status: 'voided' });
        await transaction.put('sale/completed', { status: 'completed' });
      });
      await store.close();
      const raw = new Map(await readRawRecords(name));
      await writeRawRecord(name, 'sale/completed', raw.get('sale/voided'));
      const reopened = encryptValues(await openIndexedDbStore(name), key);
      expect(await reopened.read((transaction) => transaction.get('sale/voided'))).toEqual({
        status: 'voided',
      });
      await expectStoreError(
        expect,
        reopened.read((transaction) => transaction.get('sale/completed')),
        'DECRYPTION_FAILED',
      );
      await reopened.close();
      await deleteIndexedDbStore(name);
    });

    it("seals in standard base64 with the engine's own encoder and refuses a value that is not base64", async () => {
      // Chromium has Uint8Array.prototype.toBase64, so this is the path the web POS takes (Node
      // tests take the btoa one).
      expect(typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64).toBe('function');
      const name = freshDatabaseName();
      const inner = await openIndexedDbStore(name);
      const store = encryptValues(inner, await createStorageKey());
      await store.write((transaction) => transaction.put('sale/1', { totalMinor: 7, note: 'añejo ☕' }));
      const sealed = (await inner.read((transaction) => transaction.get('sale/1'))) as {
        v: number;
        iv: string;
        ct: string;
      };
      expect(/^[A-Za-z0-9+/]{16}$/.test(sealed.iv)).toBe(true);
      expect(atob(sealed.iv)).toHaveLength(12);
      expect(/^[A-Za-z0-9+/]+={0,2}$/.test(sealed.ct)).toBe(true);
      expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({
        totalMinor: 7,
        note: 'añejo ☕',
      });
      await inner.write((transaction) => transaction.put('sale/1', { ...sealed, ct: '@@ not base64 @@' }));
      await expectStoreError(
        expect,
        store.read((transaction) => transaction.get('sale/1')),
        'DECRYPTION_FAILED',
      );
      await store.close();
      await deleteIndexedDbStore(name);
    });

    it('creates storage keys WebCrypto never exports, which stay so after a trip through IndexedDB', async () => {
      const key = await createStorageKey();
      expect(key.extractable).toBe(false);
      expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
      await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
      await expect(crypto.subtle.exportKey('jwk', key)).rejects.toThrow();
      const name = freshDatabaseName();
      await writeRawRecord(name, 'storage-key', key);
      const [[, cloned] = []] = await readRawRecords(name);
      const keptKey = cloned as unknown as CryptoKey;
      expect(keptKey instanceof CryptoKey).toBe(true);
      expect(keptKey.extractable).toBe(false);
      await expect(crypto.subtle.exportKey('raw', keptKey)).rejects.toThrow();
      // The kept key opens what the original sealed: it is the same key, not a copy of its bytes.
      const storeName = freshDatabaseName();
      const sealing = encryptValues(await openIndexedDbStore(storeName), key);
      await sealing.write((transaction) => transaction.put('sale/1', { totalMinor: 5 }));
      await sealing.close();
      const opening = encryptValues(await openIndexedDbStore(storeName), keptKey);
      expect(await opening.read((transaction) => transaction.get('sale/1'))).toEqual({ totalMinor: 5 });
      await opening.close();
      await deleteIndexedDbStore(name);
      await deleteIndexedDbStore(storeName);
    });

    it('device key vault: saves a non-extractable Ed25519 pair strictly, loads it, and it signs', async () => {
      const name = freshDatabaseName();
      const vault = browserDeviceKeyVault(name);
      expect(await vault.load()).toBeUndefined();
      let created: CryptoKeyPair | undefined;
      const calls = await recordTransactions(async () => {
        created = await vault.create();
      });
      expect(calls.filter((call) => call.mode === 'readwrite')).toEqual([
        { mode: 'readwrite', options: { durability: 'strict' }, durability: 'strict' },
      ]);
      const loaded = await vault.load();
      if (created === undefined || loaded === undefined) {
        throw new Error('the vault lost the key pair it just created');
      }
      expect(loaded.privateKey.extractable).toBe(false);
      expect(loaded.privateKey.algorithm).toMatchObject({ name: 'Ed25519' });
      await expect(crypto.subtle.exportKey('pkcs8', loaded.privateKey)).rejects.toThrow();
      await expect(crypto.subtle.exportKey('jwk', loaded.privateKey)).rejects.toThrow();
      expect(await publicKeyHex(loaded)).toBe(await publicKeyHex(created));
      const message = new TextEncoder().encode('fact hash');
      const signature = await (await deviceKeyFrom(loaded)).sign(message);
      expect(signature).toHaveLength(64);
      const verifies = await crypto.subtle.verify(
        { name: 'Ed25519' },
        created.publicKey,
        new Uint8Array(signature),
        message,
      );
      expect(verifies).toBe(true);
      await deleteIndexedDbStore(name);
    });
  });
}

/** The names of the IDBObjectStore read methods called while `work` runs, in order. */
async function countObjectStoreCalls<T>(
  names: readonly string[],
  work: () => Promise<T>,
): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const prototype = IDBObjectStore.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = names
    .filter((name) => name in prototype)
    .map((name) => [name, prototype[name]!] as const);
  for (const [name, original] of originals) {
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(name);
      return original.apply(this, args);
    };
  }
  try {
    return { result: await work(), calls };
  } finally {
    for (const [name, original] of originals) prototype[name] = original;
  }
}

/** How many times WebCrypto decrypted while `work` ran. */
async function countDecryptions<T>(work: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const prototype = SubtleCrypto.prototype;
  const original = prototype.decrypt;
  let calls = 0;
  prototype.decrypt = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['decrypt']>) {
    calls += 1;
    return original.apply(this, args);
  };
  try {
    return { result: await work(), calls };
  } finally {
    prototype.decrypt = original;
  }
}

/** How many Web Locks were asked for while `work` ran. */
async function countLockRequests(work: () => Promise<void>): Promise<number> {
  const prototype = LockManager.prototype;
  const original = prototype.request;
  let calls = 0;
  prototype.request = function (this: LockManager, ...args: unknown[]) {
    calls += 1;
    return (original as (...args: unknown[]) => Promise<unknown>).apply(this, args);
  } as typeof original;
  try {
    await work();
    return calls;
  } finally {
    prototype.request = original;
  }
}

/** The sole writer passes its turn as soon as it hears of a waiting tab: well within this. */
const TURN_PASSED_WAIT_MS = 2_000;

/** A delete that other connections do not block finishes in milliseconds; waiting longer means it is blocked. */
const BLOCKED_DELETE_WAIT_MS = 5_000;

function withinMs<T>(promise: Promise<T>, waitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${waitMs} ms`)), waitMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function freshDatabaseName(): string {
  return `mostrador-test-${globalThis.crypto.randomUUID()}`;
}

/** One call to IDBDatabase.prototype.transaction: what was asked for and what the browser granted. */
export interface RecordedTransaction {
  readonly mode: IDBTransactionMode | undefined;
  readonly options: IDBTransactionOptions | undefined;
  /** The transaction's own durability attribute, as the browser set it. */
  readonly durability: IDBTransactionDurability;
}

/**
 * Records every IndexedDB transaction opened while `work` runs, by wrapping the prototype's
 * `transaction` (not a connection's), so connections opened inside `work` are recorded too.
 */
export async function recordTransactions(work: () => Promise<void>): Promise<RecordedTransaction[]> {
  const calls: RecordedTransaction[] = [];
  const prototype = IDBDatabase.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'transaction');
  if (original === undefined || typeof original.value !== 'function') {
    throw new Error('IDBDatabase.prototype.transaction is not a method here');
  }
  const transaction = original.value as IDBDatabase['transaction'];
  Object.defineProperty(prototype, 'transaction', {
    ...original,
    value: function recordedTransaction(
      this: IDBDatabase,
      storeNames: string | string[],
      mode?: IDBTransactionMode,
      options?: IDBTransactionOptions,
    ): IDBTransaction {
      const opened = transaction.call(this, storeNames, mode, options);
      calls.push({
        mode,
        options: options === undefined ? undefined : { ...options },
        durability: opened.durability,
      });
      return opened;
    },
  });
  try {
    await work();
  } finally {
    Object.defineProperty(prototype, 'transaction', original);
  }
  return calls;
}

const ENTRIES_OBJECT_STORE = 'entries';

/** Every record of a store's database as IndexedDB holds it, read without the adapter. */
export async function readRawRecords(databaseName: string): Promise<[string, unknown][]> {
  const database = await openRawDatabase(databaseName);
  try {
    const store = database.transaction(ENTRIES_OBJECT_STORE, 'readonly').objectStore(ENTRIES_OBJECT_STORE);
    const [keys, values] = await Promise.all([settle(store.getAllKeys()), settle(store.getAll())]);
    return keys.map((key, index) => [String(key), values[index]]);
  } finally {
    database.close();
  }
}

/** Puts one record straight into a store's database, as a script with access to the origin could. */
export async function writeRawRecord(databaseName: string, key: string, value: unknown): Promise<void> {
  const database = await openRawDatabase(databaseName);
  try {
    const transaction = database.transaction(ENTRIES_OBJECT_STORE, 'readwrite');
    transaction.objectStore(ENTRIES_OBJECT_STORE).put(value, key);
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

function openRawDatabase(databaseName: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName);
    request.onupgradeneeded = () => {
      // A database that did not exist yet gets the adapter's layout, so it can be read back raw.
      request.result.createObjectStore(ENTRIES_OBJECT_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
