import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VALUE_BYTES_MAX } from './buffered-write-transaction';
import { createStorageKey, encryptValues } from './encrypted-store';
import { type FileStore, openFileStore } from './file-store';
import { createMemoryStore } from './memory-store';
import type { JsonValue, TerminalStore } from './terminal-store';
import { runTerminalStoreContract } from './terminal-store.contract';
import { isTerminalStoreError, type TerminalStoreErrorCode } from './terminal-store-error';
import { vitestContractRunner } from './vitest-contract-runner';

const root = await mkdtemp(join(tmpdir(), 'mostrador-encrypted-store-'));
let directoryCount = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

const key = await createStorageKey();

runTerminalStoreContract(vitestContractRunner, 'encrypted memory store', async () =>
  encryptValues(createMemoryStore(), key),
);

/** The file store under encryption, with the inner store kept beside it so reopen can reach the directory. */
const innerFileStores = new WeakMap<TerminalStore, FileStore>();
async function encryptedFileStore(directory: string): Promise<TerminalStore> {
  const inner = await openFileStore(directory);
  const store = encryptValues(inner, key);
  innerFileStores.set(store, inner);
  return store;
}

runTerminalStoreContract(
  vitestContractRunner,
  'encrypted file store',
  () => {
    directoryCount += 1;
    return encryptedFileStore(join(root, `store-${directoryCount}`));
  },
  {
    reopen: async (store) => {
      const inner = innerFileStores.get(store);
      if (inner === undefined) {
        throw new Error('not an encrypted file store from this test');
      }
      await store.close();
      return encryptedFileStore(inner.directory);
    },
  },
);

async function expectStoreError(operation: Promise<unknown>, code: TerminalStoreErrorCode): Promise<void> {
  const outcome = await operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isTerminalStoreError(outcome, code), `expected ${code}, got ${String(outcome)}`).toBe(true);
}

async function rawValue(
  inner: TerminalStore,
  recordKey: string,
): Promise<{ v: number; iv: string; ct: string }> {
  return (await inner.read((transaction) => transaction.get(recordKey))) as {
    v: number;
    iv: string;
    ct: string;
  };
}

async function putRaw(inner: TerminalStore, recordKey: string, value: JsonValue): Promise<void> {
  await inner.write((transaction) => transaction.put(recordKey, value));
}

describe('encrypted store', () => {
  it('keeps no plaintext at rest: only version, IV and ciphertext', async () => {
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    await store.write((transaction) =>
      transaction.put('customer/1', { name: 'CONFIDENTIAL María Pérez', phone: '+506 8888 0000' }),
    );
    const atRest = JSON.stringify(await inner.read((transaction) => transaction.scan({ prefix: '' })));
    expect(atRest).not.toContain('CONFIDENTIAL');
    expect(atRest).not.toContain('Mar');
    expect(atRest).not.toContain('8888');
    const sealed = await rawValue(inner, 'customer/1');
    expect(Object.keys(sealed).sort()).toEqual(['ct', 'iv', 'v']);
    expect(sealed.v).toBe(1);
    expect(atob(sealed.iv)).toHaveLength(12);
    expect(await store.read((transaction) => transaction.get('customer/1'))).toEqual({
      name: 'CONFIDENTIAL María Pérez',
      phone: '+506 8888 0000',
    });
  });

  it('uses a fresh random IV for every value, so equal values do not look equal at rest', async () => {
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    await store.write(async (transaction) => {
      for (let index = 0; index < 500; index += 1) {
        await transaction.put(`same/${index}`, 'the same value');
      }
    });
    const sealed = await inner.read((transaction) => transaction.scan({ prefix: 'same/' }));
    const ivs = new Set(sealed.map(([, value]) => (value as { iv: string }).iv));
    const ciphertexts = new Set(sealed.map(([, value]) => (value as { ct: string }).ct));
    expect(ivs.size).toBe(500);
    expect(ciphertexts.size).toBe(500);
  });

  it('refuses a tampered ciphertext or IV', async () => {
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    await store.write((transaction) => transaction.put('sale/1', { totalMinor: 1250 }));
    const sealed = await rawValue(inner, 'sale/1');
    const ciphertext = Uint8Array.from(atob(sealed.ct), (character) => character.charCodeAt(0));
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    await putRaw(inner, 'sale/1', { ...sealed, ct: btoa(String.fromCharCode(...ciphertext)) });
    await expectStoreError(
      store.read((transaction) => transaction.get('sale/1')),
      'DECRYPTION_FAILED',
    );
    await expectStoreError(
      store.read((transaction) => transaction.scan({ prefix: 'sale/' })),
      'DECRYPTION_FAILED',
    );
    const iv = Uint8Array.from(atob(sealed.iv), (character) => character.charCodeAt(0));
    iv[11] = (iv[11] ?? 0) ^ 1;
    await putRaw(inner, 'sale/1', { ...sealed, iv: btoa(String.fromCharCode(...iv)) });
    await expectStoreError(
      store.read((transaction) => transaction.get('sale/1')),
      'DECRYPTION_FAILED',
    );
    await putRaw(inner, 'sale/1', sealed);
    expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({ totalMinor: 1250 });
  });

  it('refuses a ciphertext moved to another key, even between keys UTF-8 would confuse', async () => {
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    await store.write(async (transaction) => {
      await transaction.put('sale/voided', { status: 'voided' });
      await transaction.put('lone/\ud800', 'high surrogate');
    });
    await putRaw(inner, 'sale/completed', await rawValue(inner, 'sale/voided'));
    await expectStoreError(
      store.read((transaction) => transaction.get('sale/completed')),
      'DECRYPTION_FAILED',
    );
    await putRaw(inner, 'lone/\udc00', await rawValue(inner, 'lone/\ud800'));
    await expectStoreError(
      store.read((transaction) => transaction.get('lone/\udc00')),
      'DECRYPTION_FAILED',
    );
    expect(await store.read((transaction) => transaction.get('lone/\ud800'))).toBe('high surrogate');
  });

  it('refuses values sealed with another key, and values that are not sealed at all', async () => {
    const inner = createMemoryStore();
    await encryptValues(inner, key).write((transaction) => transaction.put('sale/1', 1));
    const otherKey = encryptValues(inner, await createStorageKey());
    await expectStoreError(
      otherKey.read((transaction) => transaction.get('sale/1')),
      'DECRYPTION_FAILED',
    );
    await putRaw(inner, 'plain', 'not sealed');
    await expectStoreError(
      otherKey.read((transaction) => transaction.get('plain')),
      'DECRYPTION_FAILED',
    );
    await putRaw(inner, 'future', { v: 2, iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAA' });
    await expectStoreError(
      otherKey.read((transaction) => transaction.get('future')),
      'FORMAT_UNSUPPORTED',
    );
  });

  it('encrypts while the work goes on: reads see the puts at once, and a value that fails once sealed fails the whole write', async () => {
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    const seen = await store.write(async (transaction) => {
      await transaction.put('sale/1', { total: 10 });
      await transaction.put('sale/2', { total: 20 });
      await transaction.delete('sale/2');
      return [
        await transaction.get('sale/1'),
        await transaction.has('sale/2'),
        await transaction.count('sale/'),
      ];
    });
    expect(seen).toEqual([{ total: 10 }, false, 1]);
    expect((await rawValue(inner, 'sale/1')).v).toBe(1);
    // Under the plaintext limit, over it once base64 grows the ciphertext by a third.
    const growsTooLarge = 'x'.repeat(Math.ceil((VALUE_BYTES_MAX * 3) / 4) + 1_000);
    await expectStoreError(
      store.write(async (transaction) => {
        await transaction.put('sale/3', { total: 30 });
        await transaction.put('large', growsTooLarge);
      }),
      'TOO_LARGE',
    );
    expect(await store.read((transaction) => transaction.scan({ prefix: '' }))).toEqual([
      ['sale/1', { total: 10 }],
    ]);
  });

  it('seals many values in flight at once, long and short, multi-byte included, each to its own bytes', async () => {
    // The sealer encodes every plaintext into one reused buffer; each value must still open to its
    // own text when a later, shorter or longer one was encoded while it was being encrypted.
    const inner = createMemoryStore();
    const store = encryptValues(inner, key);
    const values = new Map<string, JsonValue>();
    for (let index = 0; index < 600; index += 1) {
      values.set(`v/${index}`, { index, text: `Café — ñandú ${'x€'.repeat((index * 37) % 900)}` });
    }
    await store.write(async (transaction) => {
      for (const [recordKey, value] of values) await transaction.put(recordKey, value);
    });
    // A new layer over the same inner store remembers no plaintext: every value is decrypted.
    const reopened = encryptValues(inner, key);
    const read = await reopened.read((transaction) => transaction.scan({ prefix: 'v/' }));
    expect(read).toHaveLength(values.size);
    for (const [recordKey, value] of read) expect(value).toEqual(values.get(recordKey));
  });

  it('makes keys WebCrypto will not export', async () => {
    const created = await createStorageKey();
    expect(created.extractable).toBe(false);
    expect(created.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...created.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(globalThis.crypto.subtle.exportKey('raw', created)).rejects.toThrow();
  });
});
