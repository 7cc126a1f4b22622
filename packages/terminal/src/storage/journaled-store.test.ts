import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorageKey, encryptValues } from './encrypted-store';
import { type FileStore, openFileStore } from './file-store';
import { JOURNAL_NAMESPACE, type JournaledStoreOptions, journalWrites } from './journaled-store';
import { createMemoryStore } from './memory-store';
import { openPagedStore } from './paged-store';
import type { JsonValue, TerminalStore } from './terminal-store';
import { runTerminalStoreContract } from './terminal-store.contract';
import { isTerminalStoreError, type TerminalStoreErrorCode } from './terminal-store-error';
import { vitestContractRunner } from './vitest-contract-runner';

const root = await mkdtemp(join(tmpdir(), 'mostrador-journaled-store-'));
let directoryCount = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

runTerminalStoreContract(vitestContractRunner, 'journaled memory store', async () =>
  journalWrites(createMemoryStore(), { idleCheckpointMs: null }),
);

// Three records at most: the contract's writes checkpoint inside writes again and again.
runTerminalStoreContract(
  vitestContractRunner,
  'journaled memory store, checkpointing every fourth write',
  async () => journalWrites(createMemoryStore(), { idleCheckpointMs: null, recordsMax: 3 }),
);

const innerFileStores = new WeakMap<TerminalStore, FileStore>();
async function journaledFileStore(directory: string): Promise<TerminalStore> {
  const inner = await openFileStore(directory);
  const store = journalWrites(inner, { idleCheckpointMs: null });
  innerFileStores.set(store, inner);
  return store;
}

runTerminalStoreContract(
  vitestContractRunner,
  'journaled file store',
  () => {
    directoryCount += 1;
    return journaledFileStore(join(root, `store-${directoryCount}`));
  },
  {
    reopen: async (store) => {
      const inner = innerFileStores.get(store);
      if (inner === undefined) throw new Error('not a journaled file store from this test');
      await store.close();
      return journaledFileStore(inner.directory);
    },
  },
);

const storageKey = await createStorageKey();
runTerminalStoreContract(
  vitestContractRunner,
  'paged, journaled, encrypted memory store (the browser stack)',
  () =>
    openPagedStore(
      journalWrites(encryptValues(createMemoryStore(), storageKey), { idleCheckpointMs: null }),
      {
        prefixes: ['item/', 'u/'],
      },
    ),
);

async function physical(inner: TerminalStore, prefix = ''): Promise<[string, JsonValue][]> {
  return inner.read((transaction) => transaction.scan({ prefix }));
}

async function physicalKeys(inner: TerminalStore, prefix = ''): Promise<string[]> {
  return (await physical(inner, prefix)).map(([key]) => key);
}

async function expectStoreError(operation: Promise<unknown>, code: TerminalStoreErrorCode): Promise<void> {
  const outcome = await operation.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(isTerminalStoreError(outcome) ? outcome.code : outcome).toBe(code);
}

/** The keys each write puts in `inner`, write by write. */
function countingPuts(inner: TerminalStore): { store: TerminalStore; puts: string[][] } {
  const puts: string[][] = [];
  const store: TerminalStore = {
    read: (work) => inner.read(work),
    write: (work) =>
      inner.write((transaction) => {
        const keys: string[] = [];
        puts.push(keys);
        return work({
          ...transaction,
          get: (key) => transaction.get(key),
          has: (key) => transaction.has(key),
          scan: (options) => transaction.scan(options),
          count: (prefix) => transaction.count(prefix),
          delete: (key) => transaction.delete(key),
          put: (key, value) => {
            keys.push(key);
            return transaction.put(key, value);
          },
        });
      }),
    usage: () => inner.usage(),
    close: () => inner.close(),
  };
  return { store, puts };
}

function journaled(inner: TerminalStore, options: JournaledStoreOptions = {}) {
  return journalWrites(inner, { idleCheckpointMs: null, ...options }) as TerminalStore & {
    checkpoint(): Promise<number>;
  };
}

/** A sale's worth of keys in one write. */
async function writeSale(store: TerminalStore, sale: number): Promise<void> {
  await store.write(async (transaction) => {
    await transaction.put(`fact/${sale}`, { sale, lines: [1, 2, 3, 4, 5] });
    await transaction.put('chain/head', { sequence: sale });
    await transaction.put('counter/folio', sale);
    for (let line = 0; line < 5; line += 1) await transaction.put(`guard/total/${sale}-${line}`, line);
    if (sale > 1) await transaction.delete(`guard/total/${sale - 1}-0`);
  });
}

describe('journaled store', () => {
  it('puts one value below for a write of any small number of keys: its record', async () => {
    const inner = createMemoryStore();
    const { store: counted, puts } = countingPuts(inner);
    const store = journaled(counted);
    await writeSale(store, 1);
    await writeSale(store, 2);
    await writeSale(store, 3);
    // The first write of a journal also puts its head; the head changes again only at a checkpoint.
    expect(puts).toEqual(
      [[`${JOURNAL_NAMESPACE}record/00000001`, `${JOURNAL_NAMESPACE}head`]].concat([
        [`${JOURNAL_NAMESPACE}record/00000002`],
        [`${JOURNAL_NAMESPACE}record/00000003`],
      ]),
    );
    await store.write((transaction) => transaction.delete('fact/3'));
    expect(await physicalKeys(inner)).toEqual([
      `${JOURNAL_NAMESPACE}head`,
      `${JOURNAL_NAMESPACE}record/00000001`,
      `${JOURNAL_NAMESPACE}record/00000002`,
      `${JOURNAL_NAMESPACE}record/00000003`,
      `${JOURNAL_NAMESPACE}record/00000004`,
    ]);
    // Callers see the keys, never the journal's.
    expect(await store.read((transaction) => transaction.scan({ prefix: '' }))).toEqual([
      ['chain/head', { sequence: 3 }],
      ['counter/folio', 3],
      ['fact/1', { sale: 1, lines: [1, 2, 3, 4, 5] }],
      ['fact/2', { sale: 2, lines: [1, 2, 3, 4, 5] }],
      ...[1, 2, 3, 4].map((line): [string, JsonValue] => [`guard/total/1-${line}`, line]),
      ...[1, 2, 3, 4].map((line): [string, JsonValue] => [`guard/total/2-${line}`, line]),
      ...[0, 1, 2, 3, 4].map((line): [string, JsonValue] => [`guard/total/3-${line}`, line]),
    ]);
    expect(await store.read((transaction) => transaction.count('guard/'))).toBe(13);
    // Another instance (another tab) finds the same records in force from the head and the records.
    expect(await journaled(inner).read((transaction) => transaction.get('chain/head'))).toEqual({
      sequence: 3,
    });
  });

  it('moves the records into their keys at a checkpoint, and reads the same before and after', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner);
    for (let sale = 1; sale <= 5; sale += 1) await writeSale(store, sale);
    const before = await store.read((transaction) => transaction.scan({ prefix: '' }));
    expect(await store.checkpoint()).toBe(5);
    expect(await physicalKeys(inner, JOURNAL_NAMESPACE)).toEqual([`${JOURNAL_NAMESPACE}head`]);
    expect(await physical(inner, 'fact/')).toHaveLength(5);
    expect(await physicalKeys(inner, 'guard/total/4-')).toEqual(
      [1, 2, 3, 4].map((line) => `guard/total/4-${line}`),
    );
    expect(await store.read((transaction) => transaction.scan({ prefix: '' }))).toEqual(before);
    expect(await store.checkpoint()).toBe(0);
  });

  it('checkpoints inside the write that would make the journal too long', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner, { recordsMax: 3 });
    for (let sale = 1; sale <= 3; sale += 1) await writeSale(store, sale);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toHaveLength(3);
    await writeSale(store, 4);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([]);
    expect(await physical(inner, 'chain/')).toEqual([['chain/head', { sequence: 4 }]]);
    await writeSale(store, 5);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([
      `${JOURNAL_NAMESPACE}record/00000005`,
    ]);
  });

  it('sends a bulk write below at once, with the records in force', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner);
    await writeSale(store, 1);
    await store.write(async (transaction) => {
      for (let index = 0; index < 1_000; index += 1) await transaction.put(`item/${index}`, { index });
      // Over keys the records in force changed: the bulk write's own change wins.
      await transaction.delete('chain/head');
      await transaction.put('counter/folio', 'bulk');
    });
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([]);
    expect(await physical(inner, 'item/')).toHaveLength(1_000);
    expect(await physical(inner, 'fact/')).toEqual([['fact/1', { sale: 1, lines: [1, 2, 3, 4, 5] }]]);
    expect(await physical(inner, 'c')).toEqual([['counter/folio', 'bulk']]);
    expect(await store.read((transaction) => transaction.get('chain/head'))).toBeUndefined();
    // The journal goes on from the head the bulk write left.
    await writeSale(store, 2);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toHaveLength(1);
    expect(await store.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 2 });
  });

  it('sends a write too large for one record below at once, with few keys', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner);
    await writeSale(store, 1);
    const large = 'x'.repeat(600 * 1024);
    await store.write(async (transaction) => {
      await transaction.put('blob', large);
    });
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([]);
    expect(await physical(inner, 'blob')).toEqual([['blob', large]]);
    expect(await physical(inner, 'chain/')).toEqual([['chain/head', { sequence: 1 }]]);
  });

  it('writes a write-through key below in its own transaction', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner, { writeThroughKeys: ['format'] });
    await writeSale(store, 1);
    await store.write((transaction) => transaction.put('format', { version: 3 }));
    expect(await physical(inner, 'format')).toEqual([['format', { version: 3 }]]);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([]);
  });

  it('checkpoints once the store has been idle for a moment', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner, { idleCheckpointMs: 20 });
    await writeSale(store, 1);
    await writeSale(store, 2);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toHaveLength(2);
    await expect
      .poll(() => physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`), { timeout: 2_000 })
      .toEqual([]);
    expect(await physical(inner, 'chain/')).toEqual([['chain/head', { sequence: 2 }]]);
    await store.close();
  });

  it('sees what another instance over the same store wrote (another tab), journaled or checkpointed', async () => {
    const inner = createMemoryStore();
    const first = journaled(inner);
    const second = journaled(inner);
    await writeSale(first, 1);
    expect(await second.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 1 });
    await writeSale(second, 2);
    expect(await first.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 2 });
    expect(await first.read((transaction) => transaction.has('guard/total/1-0'))).toBe(false);
    await second.checkpoint();
    await writeSale(first, 3);
    expect(await second.read((transaction) => transaction.scan({ prefix: 'fact/' }))).toHaveLength(3);
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toEqual([
      `${JOURNAL_NAMESPACE}record/00000003`,
    ]);
  });

  it('keeps nothing of a write whose work throws', async () => {
    const inner = createMemoryStore();
    const store = journaled(inner);
    await writeSale(store, 1);
    await expect(
      store.write(async (transaction) => {
        await transaction.put('chain/head', { sequence: 99 });
        throw new Error('refused halfway');
      }),
    ).rejects.toThrow('refused halfway');
    expect(await store.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 1 });
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toHaveLength(1);
  });

  it('keeps nothing in memory of a write the store below failed to commit', async () => {
    const inner = createMemoryStore();
    let failNextCommit = false;
    // The store below runs the write's work, then fails as a commit that did not reach the disk.
    const failing: TerminalStore = {
      read: (work) => inner.read(work),
      write: (work) => {
        const fails = failNextCommit;
        failNextCommit = false;
        if (!fails) return inner.write(work);
        return inner.write(async (transaction) => {
          await work(transaction);
          throw new Error('the disk refused the commit');
        });
      },
      usage: () => inner.usage(),
      close: () => inner.close(),
    };
    const store = journaled(failing);
    await writeSale(store, 1);
    await writeSale(store, 2);
    failNextCommit = true;
    await expect(writeSale(store, 3)).rejects.toThrow('the disk refused the commit');
    // The overlay changed in place for sale 3; none of it may show.
    expect(await store.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 2 });
    expect(await store.read((transaction) => transaction.has('fact/3'))).toBe(false);
    await writeSale(store, 3);
    expect(await store.read((transaction) => transaction.get('chain/head'))).toEqual({ sequence: 3 });
    expect(await physicalKeys(inner, `${JOURNAL_NAMESPACE}record/`)).toHaveLength(3);
  });

  it("refuses the journal's own keys to callers and hides them from scans and counts", async () => {
    const inner = createMemoryStore();
    const store = journaled(inner);
    await writeSale(store, 1);
    await expectStoreError(
      store.write((transaction) => transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 1, first: 9, next: 9 })),
      'KEY_INVALID',
    );
    await expectStoreError(
      store.read((transaction) => transaction.get(`${JOURNAL_NAMESPACE}record/00000001`)),
      'KEY_INVALID',
    );
    expect(await store.read((transaction) => transaction.scan({ prefix: '~' }))).toEqual([]);
    expect(await store.read((transaction) => transaction.count(''))).toBe(8);
    expect(
      await store.read((transaction) => transaction.scan({ prefix: '', limit: 2, reverse: true })),
    ).toEqual([
      ['guard/total/1-4', 4],
      ['guard/total/1-3', 3],
    ]);
  });

  it('reads a journal of layout 1 (a head with next) and puts a layout-2 head with its next write', async () => {
    const inner = createMemoryStore();
    await inner.write(async (transaction) => {
      await transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 1, first: 4, next: 6 });
      await transaction.put(`${JOURNAL_NAMESPACE}record/00000004`, { p: [['a', 1]], d: [] });
      await transaction.put(`${JOURNAL_NAMESPACE}record/00000005`, { p: [['b', 2]], d: ['c'] });
      await transaction.put('c', 3);
    });
    const store = journaled(inner);
    const visible = () => store.read((transaction) => transaction.scan({ prefix: '' }));
    expect(await visible()).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    await store.write((transaction) => transaction.put('d', 4));
    expect(await physical(inner, `${JOURNAL_NAMESPACE}head`)).toEqual([
      [`${JOURNAL_NAMESPACE}head`, { v: 2, first: 4 }],
    ]);
    expect(await journaled(inner).read((transaction) => transaction.scan({ prefix: '' }))).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', 4],
    ]);
    expect(await store.checkpoint()).toBe(3);
    expect(await physical(inner)).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', 4],
      [`${JOURNAL_NAMESPACE}head`, { v: 2, first: 7 }],
    ]);
  });

  it('refuses a journal written by a newer build, and a damaged one', async () => {
    const newer = createMemoryStore();
    await newer.write((transaction) => transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 3, first: 1 }));
    await expectStoreError(
      journaled(newer).read((transaction) => transaction.get('a')),
      'FORMAT_UNSUPPORTED',
    );

    const missingRecord = createMemoryStore();
    await missingRecord.write((transaction) =>
      transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 1, first: 1, next: 3 }),
    );
    await expectStoreError(
      journaled(missingRecord).read((transaction) => transaction.get('a')),
      'STORE_FAILED',
    );

    const gap = createMemoryStore();
    await gap.write(async (transaction) => {
      await transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 2, first: 1 });
      await transaction.put(`${JOURNAL_NAMESPACE}record/00000001`, { p: [['a', 1]], d: [] });
      await transaction.put(`${JOURNAL_NAMESPACE}record/00000003`, { p: [['a', 3]], d: [] });
    });
    await expectStoreError(
      journaled(gap).read((transaction) => transaction.get('a')),
      'STORE_FAILED',
    );

    const malformed = createMemoryStore();
    await malformed.write(async (transaction) => {
      await transaction.put(`${JOURNAL_NAMESPACE}head`, { v: 2, first: 1 });
      await transaction.put(`${JOURNAL_NAMESPACE}record/00000001`, { p: 'not a list' });
    });
    await expectStoreError(
      journaled(malformed).read((transaction) => transaction.get('a')),
      'STORE_FAILED',
    );
  });
});
