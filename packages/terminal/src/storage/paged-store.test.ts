import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorageKey, encryptValues } from './encrypted-store';
import { type FileStore, openFileStore } from './file-store';
import { createMemoryStore } from './memory-store';
import { openPagedStore, PAGE_RECORDS_MAX, PAGES_NAMESPACE } from './paged-store';
import type { JsonValue, TerminalStore } from './terminal-store';
import { runTerminalStoreContract } from './terminal-store.contract';
import { isTerminalStoreError, type TerminalStoreErrorCode } from './terminal-store-error';
import { vitestContractRunner } from './vitest-contract-runner';

const root = await mkdtemp(join(tmpdir(), 'mostrador-paged-store-'));
let directoryCount = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

/** The contract's keys, some paged and some not, so scans and counts cross both parts. */
const CONTRACT_PREFIXES = ['item/', 's/', 'sale/', 'u/', 'large/', 'value/'];

runTerminalStoreContract(vitestContractRunner, 'paged memory store', () =>
  openPagedStore(createMemoryStore(), { prefixes: CONTRACT_PREFIXES }),
);

const innerFileStores = new WeakMap<TerminalStore, FileStore>();
async function pagedFileStore(directory: string): Promise<TerminalStore> {
  const inner = await openFileStore(directory);
  const store = await openPagedStore(inner, { prefixes: CONTRACT_PREFIXES });
  innerFileStores.set(store, inner);
  return store;
}

runTerminalStoreContract(
  vitestContractRunner,
  'paged file store',
  () => {
    directoryCount += 1;
    return pagedFileStore(join(root, `store-${directoryCount}`));
  },
  {
    reopen: async (store) => {
      const inner = innerFileStores.get(store);
      if (inner === undefined) throw new Error('not a paged file store from this test');
      await store.close();
      return pagedFileStore(inner.directory);
    },
  },
);

const storageKey = await createStorageKey();
runTerminalStoreContract(vitestContractRunner, 'paged encrypted memory store', () =>
  openPagedStore(encryptValues(createMemoryStore(), storageKey), { prefixes: ['item/', 'u/'] }),
);

async function physicalKeys(inner: TerminalStore, prefix = ''): Promise<string[]> {
  return inner.read(async (transaction) => (await transaction.scan({ prefix })).map(([key]) => key));
}

async function expectStoreError(operation: Promise<unknown>, code: TerminalStoreErrorCode): Promise<void> {
  const outcome = await operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isTerminalStoreError(outcome, code), `expected ${code}, got ${String(outcome)}`).toBe(true);
}

/** A seeded generator, so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('paged store', () => {
  it('keeps thousands of records in a few values below, and only the rest one value each', async () => {
    const inner = createMemoryStore();
    const store = await openPagedStore(inner, { prefixes: ['state/', 'index/'] });
    await store.write(async (transaction) => {
      for (let index = 0; index < 5_000; index += 1) {
        await transaction.put(`state/variant/${String(index).padStart(5, '0')}`, { sku: `SKU-${index}` });
        await transaction.put(`index/sku/SKU-${index}`, String(index).padStart(5, '0'));
      }
      await transaction.put('sale/1', { total: 10 });
    });
    const keys = await physicalKeys(inner);
    expect(keys).toContain('sale/1');
    expect(keys.filter((key) => key.startsWith('state/') || key.startsWith('index/'))).toEqual([]);
    const pages = keys.filter((key) => key.startsWith(`${PAGES_NAMESPACE}page/`));
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(10_000 / PAGE_RECORDS_MAX));
    expect(pages.length).toBeLessThan(10_000 / 50);
    expect(await store.read((transaction) => transaction.get('index/sku/SKU-4321'))).toBe('04321');
    expect(await store.read((transaction) => transaction.count('state/'))).toBe(5_000);
    expect(await store.read((transaction) => transaction.count(''))).toBe(10_001);
    expect(await store.read((transaction) => transaction.scan({ prefix: 's', limit: 2 }))).toEqual([
      ['sale/1', { total: 10 }],
      ['state/variant/00000', { sku: 'SKU-0' }],
    ]);
    await store.close();
  });

  it('writes nothing when a write puts back the values already there or deletes what is missing', async () => {
    const inner = createMemoryStore();
    const store = await openPagedStore(inner, { prefixes: ['state/'] });
    await store.write(async (transaction) => {
      for (let index = 0; index < 300; index += 1) await transaction.put(`state/a/${index}`, { index });
    });
    const before = await inner.read((transaction) => transaction.scan({ prefix: PAGES_NAMESPACE }));
    await store.write(async (transaction) => {
      for (let index = 0; index < 300; index += 1) await transaction.put(`state/a/${index}`, { index });
      await transaction.delete('state/a/missing');
    });
    const after = await inner.read((transaction) => transaction.scan({ prefix: PAGES_NAMESPACE }));
    expect(after).toEqual(before);
    await store.write((transaction) => transaction.put('state/a/7', { index: 'changed' }));
    const changed = await inner.read((transaction) => transaction.scan({ prefix: PAGES_NAMESPACE }));
    expect(changed).not.toEqual(before);
    // One page, the directory and the root are new; the other pages are untouched.
    const beforeKeys = new Set(before.map(([key]) => key));
    expect(changed.filter(([key]) => !beforeKeys.has(key))).toHaveLength(2);
    await store.close();
  });

  it('matches a plain map through random writes, splits and merges, in every scan and count', async () => {
    const random = seeded(42);
    const store = await openPagedStore(createMemoryStore(), { prefixes: ['p/'] });
    const model = new Map<string, JsonValue>();
    const keyOf = () => `p/${Math.floor(random() * 2_000).toString(36)}`;
    for (let round = 0; round < 40; round += 1) {
      const operations = Math.floor(random() * (round % 5 === 0 ? 1_500 : 60));
      await store.write(async (transaction) => {
        for (let operation = 0; operation < operations; operation += 1) {
          const key = keyOf();
          // Deletes win later in the run, so pages empty out and merge.
          if (random() < (round > 25 ? 0.7 : 0.3)) {
            await transaction.delete(key);
            model.delete(key);
          } else {
            const value = { round, text: 'x'.repeat(Math.floor(random() * 400)) };
            await transaction.put(key, value);
            model.set(key, value);
          }
        }
      });
      const expected = [...model].sort(([left], [right]) => (left < right ? -1 : 1));
      const from = keyOf();
      await store.read(async (transaction) => {
        expect(await transaction.scan({ prefix: 'p/' })).toEqual(expected);
        expect(await transaction.count('p/')).toBe(expected.length);
        expect(await transaction.count('p/1')).toBe(expected.filter(([key]) => key.startsWith('p/1')).length);
        expect(await transaction.scan({ prefix: 'p/', startAfter: from, limit: 7 })).toEqual(
          expected.filter(([key]) => key > from).slice(0, 7),
        );
        expect(await transaction.scan({ prefix: 'p/', startAfter: from, limit: 5, reverse: true })).toEqual(
          expected
            .filter(([key]) => key < from)
            .reverse()
            .slice(0, 5),
        );
      });
    }
    await store.close();
  });

  it('moves records an older build stored one value each into pages when it opens', async () => {
    const inner = createMemoryStore();
    await inner.write(async (transaction) => {
      for (let index = 0; index < 45_000; index += 1) {
        await transaction.put(`state/price/${String(index).padStart(6, '0')}`, { amountMinor: index });
      }
      await transaction.put('identity', { terminalId: 't1' });
    });
    const store = await openPagedStore(inner, { prefixes: ['state/', 'index/'] });
    expect(await physicalKeys(inner, 'state/')).toEqual([]);
    expect(await physicalKeys(inner, 'identity')).toEqual(['identity']);
    expect(await store.read((transaction) => transaction.count('state/price/'))).toBe(45_000);
    expect(await store.read((transaction) => transaction.get('state/price/044999'))).toEqual({
      amountMinor: 44_999,
    });
    expect(await store.read((transaction) => transaction.get('identity'))).toEqual({ terminalId: 't1' });
    await store.close();
  });

  it('keeps its own keys from callers', async () => {
    const store = await openPagedStore(createMemoryStore(), { prefixes: ['state/'] });
    await store.write((transaction) => transaction.put('state/a', 1));
    await expectStoreError(
      store.write((transaction) => transaction.put(`${PAGES_NAMESPACE}root`, {})),
      'KEY_INVALID',
    );
    await expectStoreError(
      store.read((transaction) => transaction.get(`${PAGES_NAMESPACE}root`)),
      'KEY_INVALID',
    );
    expect(await store.read((transaction) => transaction.scan({ prefix: PAGES_NAMESPACE }))).toEqual([]);
    expect(await store.read((transaction) => transaction.count('~'))).toBe(0);
    expect(await store.read((transaction) => transaction.scan({ prefix: '' }))).toEqual([['state/a', 1]]);
    await store.close();
  });

  it('refuses prefixes that overlap each other or its own keys', async () => {
    await expect(openPagedStore(createMemoryStore(), { prefixes: ['state/', 'state/x'] })).rejects.toThrow(
      /inside another/,
    );
    await expect(openPagedStore(createMemoryStore(), { prefixes: ['~'] })).rejects.toThrow(/own keys/);
  });

  it('says the store is damaged when a page is missing, and reads nothing from it', async () => {
    const inner = createMemoryStore();
    const writer = await openPagedStore(inner, { prefixes: ['state/'] });
    await writer.write(async (transaction) => {
      for (let index = 0; index < 10; index += 1) await transaction.put(`state/a/${index}`, index);
    });
    const [page] = await physicalKeys(inner, `${PAGES_NAMESPACE}page/`);
    await inner.write((transaction) => transaction.delete(page as string));
    // A new instance has nothing in memory, so it must read the page.
    const reader = await openPagedStore(inner, { prefixes: ['state/'] });
    await expectStoreError(
      reader.read((transaction) => transaction.get('state/a/3')),
      'STORE_FAILED',
    );
    await reader.close();
  });

  it('refuses pages laid out by a newer build', async () => {
    const inner = createMemoryStore();
    await inner.write((transaction) =>
      transaction.put(`${PAGES_NAMESPACE}root`, { v: 99, dir: null, next: 1 }),
    );
    const store = await openPagedStore(inner, { prefixes: ['state/'] });
    await expectStoreError(
      store.read((transaction) => transaction.get('state/a')),
      'FORMAT_UNSUPPORTED',
    );
    await store.close();
  });
});
