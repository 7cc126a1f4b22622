import { browserDeviceKeyVault } from '../device-key/browser-device-key-vault';
import { deviceKeyFrom, publicKeyHex } from '../device-key/device-key-vault';
import { createStorageKey, encryptValues } from './encrypted-store';
import { openIndexedDbStore } from './indexeddb-store';
import { readRawRecords, writeRawRecord } from './indexeddb-store.browser-suite';
import type { JsonValue, TerminalStore } from './terminal-store';
import { isTerminalStoreError } from './terminal-store-error';

/**
 * Scenarios that need more than one page, for a real browser. Durability: one page writes and
 * leaves everything open, then the page is reloaded, or the whole browser is closed or killed and
 * started again on the same profile, and a new page reads everything back. Also two tabs writing
 * one database at once, and a write refused for quota. The Node side
 * (indexeddb-store.browser.test.ts) runs the steps around the reload, the restart or the tabs.
 *
 * What a terminal keeps across such a restart: its store (plain and encrypted), the storage key
 * that opens the encrypted store (a non-extractable CryptoKey kept in IndexedDB), and the device's
 * signing key pair (browserDeviceKeyVault).
 */
export interface DurableState {
  readonly plain: [string, JsonValue][];
  readonly encrypted: [string, JsonValue][];
  readonly devicePublicKeyHex: string;
}

export interface DurableStateReadBack extends DurableState {
  readonly storageKeyExtractable: boolean;
  readonly devicePrivateKeyExtractable: boolean;
  /** The reloaded private key signed, and the reloaded public key verified that signature. */
  readonly deviceSignatureVerifies: boolean;
}

/** The keys the scenario leaves in each store, in order, so a run that wrote nothing cannot pass. */
export const DURABLE_KEYS = ['outbox/0001', 'outbox/0003', 'sale/large', 'sale/Ñandú'] as const;

const STORAGE_KEY_RECORD = 'storage-key';

export async function writeDurableState(label: string): Promise<DurableState> {
  const plain = await openIndexedDbStore(`${label}-plain`);
  const storageKey = await createStorageKey();
  await writeRawRecord(`${label}-keys`, STORAGE_KEY_RECORD, storageKey);
  const encrypted = encryptValues(await openIndexedDbStore(`${label}-encrypted`), storageKey);
  for (const store of [plain, encrypted]) {
    await writeScenarioHistory(store);
  }
  const deviceKeyPair = await browserDeviceKeyVault(`${label}-device-key`).create();
  // Nothing is closed: the page goes away with its connections open, as a tab that is reloaded
  // or a browser that is shut down would.
  return {
    plain: await everything(plain),
    encrypted: await everything(encrypted),
    devicePublicKeyHex: await publicKeyHex(deviceKeyPair),
  };
}

export async function readDurableState(label: string): Promise<DurableStateReadBack> {
  const [[, kept] = []] = await readRawRecords(`${label}-keys`);
  if (!(kept instanceof CryptoKey)) {
    throw new Error(`the storage key of ${label} did not survive: found ${String(kept)}`);
  }
  const plain = await openIndexedDbStore(`${label}-plain`);
  const encrypted = encryptValues(await openIndexedDbStore(`${label}-encrypted`), kept);
  const deviceKeyPair = await browserDeviceKeyVault(`${label}-device-key`).load();
  if (deviceKeyPair === undefined) {
    throw new Error(`the device key of ${label} did not survive`);
  }
  const message = new TextEncoder().encode(`${label}: fact hash after a restart`);
  const signature = await (await deviceKeyFrom(deviceKeyPair)).sign(message);
  const state: DurableStateReadBack = {
    plain: await everything(plain),
    encrypted: await everything(encrypted),
    devicePublicKeyHex: await publicKeyHex(deviceKeyPair),
    storageKeyExtractable: kept.extractable,
    devicePrivateKeyExtractable: deviceKeyPair.privateKey.extractable,
    deviceSignatureVerifies: await crypto.subtle.verify(
      { name: 'Ed25519' },
      deviceKeyPair.publicKey,
      new Uint8Array(signature),
      message,
    ),
  };
  await Promise.all([plain.close(), encrypted.close()]);
  return state;
}

/** Several writes, a delete and an overwrite among them, each resolved before the next starts. */
async function writeScenarioHistory(store: TerminalStore): Promise<void> {
  await store.write(async (transaction) => {
    for (const sequence of [1, 2, 3]) {
      await transaction.put(`outbox/000${sequence}`, { sequence, totalMinor: sequence * 1_000 });
    }
  });
  await store.write(async (transaction) => {
    await transaction.delete('outbox/0002');
    await transaction.put('outbox/0003', { sequence: 3, totalMinor: 3_000, acknowledged: true });
  });
  await store.write((transaction) => transaction.put('sale/large', { note: 'x'.repeat(512 * 1024) }));
  await store.write((transaction) => transaction.put('sale/Ñandú', { customer: 'Ñandú 😀', lines: [1, 2] }));
}

function everything(store: TerminalStore): Promise<[string, JsonValue][]> {
  return store.read((transaction) => transaction.scan({ prefix: '' }));
}

/**
 * Batches of writes left running when the page or the browser goes away. Each batch is one
 * transaction of `keysPerBatch` keys, started after the previous one resolved; what is on disk
 * afterwards must be a whole number of batches, in order (atomic and serialised), and at least
 * every batch that had resolved.
 */
export interface BatchPlan {
  readonly batchCount: number;
  readonly keysPerBatch: number;
}

export interface BatchWriter {
  /** Starts writing in the background and returns at once. */
  start(label: string, plan: BatchPlan): void;
  /** How many batches have resolved so far; a failure is reported, not swallowed. */
  progress(label: string): { readonly resolved: number; readonly failure: string | null };
}

/** Filler that makes each batch take long enough to commit that a reload or a kill can land inside one. */
const BATCH_VALUE_FILLER = 'x'.repeat(256);

export function createBatchWriter(): BatchWriter {
  const progress = new Map<string, { resolved: number; failure: string | null }>();
  return {
    start(label, plan) {
      if (progress.has(label)) {
        throw new Error(`batches ${label} were already started`);
      }
      const state = { resolved: 0, failure: null as string | null };
      progress.set(label, state);
      void (async () => {
        const store = await openIndexedDbStore(`${label}-batches`);
        for (let batch = 0; batch < plan.batchCount; batch += 1) {
          await store.write(async (transaction) => {
            for (let index = 0; index < plan.keysPerBatch; index += 1) {
              await transaction.put(batchKey(batch, index), { batch, index, filler: BATCH_VALUE_FILLER });
            }
          });
          state.resolved = batch + 1;
        }
        await store.close();
      })().catch((error: unknown) => {
        state.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      });
    },
    progress(label) {
      const state = progress.get(label);
      if (state === undefined) {
        throw new Error(`no batches ${label} were started in this page`);
      }
      return { ...state };
    },
  };
}

/** How many keys of each batch are in the store. */
export async function countBatches(label: string, plan: BatchPlan): Promise<number[]> {
  const store = await openIndexedDbStore(`${label}-batches`);
  try {
    return await store.read(async (transaction) => {
      const counts: number[] = [];
      for (let batch = 0; batch < plan.batchCount; batch += 1) {
        counts.push(await transaction.count(batchPrefix(batch)));
      }
      return counts;
    });
  } finally {
    await store.close();
  }
}

function batchPrefix(batch: number): string {
  return `batch/${String(batch).padStart(4, '0')}/`;
}

function batchKey(batch: number, index: number): string {
  return `${batchPrefix(batch)}${String(index).padStart(5, '0')}`;
}

/** Read-modify-write increments of one counter, run concurrently, each yielding between its read and its write. */
export async function incrementCounter(databaseName: string, times: number): Promise<number[]> {
  const store = await openIndexedDbStore(databaseName);
  try {
    return await Promise.all(
      Array.from({ length: times }, () =>
        store.write(async (transaction) => {
          const current = ((await transaction.get('counter')) as number | undefined) ?? 0;
          await new Promise((resolve) => setTimeout(resolve, 0));
          await transaction.put('counter', current + 1);
          return current + 1;
        }),
      ),
    );
  } finally {
    await store.close();
  }
}

export interface QuotaProbe {
  readonly code: string | null;
  /** Keys of the refused transaction found afterwards (none, if it was atomic). */
  readonly appliedKeys: string[];
  readonly writesAfterwards: boolean;
}

/** One transaction of a small value and a value too large for the quota, then a small write. */
export async function writeBeyondQuota(databaseName: string, largeValueChars: number): Promise<QuotaProbe> {
  const large = incompressibleText(largeValueChars);
  const store = await openIndexedDbStore(databaseName);
  try {
    const code = await store
      .write(async (transaction) => {
        await transaction.put('quota/small', { note: 'written beside the large one' });
        await transaction.put('quota/large', large);
      })
      .then(
        () => null,
        (error: unknown) => (isTerminalStoreError(error) ? error.code : String(error)),
      );
    const appliedKeys = await store.read(async (transaction) =>
      (await transaction.scan({ prefix: 'quota/' })).map(([key]) => key),
    );
    await store.write((transaction) => transaction.put('after/1', 1));
    const writesAfterwards = (await store.read((transaction) => transaction.get('after/1'))) === 1;
    return { code, appliedKeys, writesAfterwards };
  } finally {
    await store.close();
  }
}

/** Random base64: Chromium compresses large IndexedDB values, so a repeated character would hardly use any quota. */
function incompressibleText(chars: number): string {
  const bytes = new Uint8Array(Math.ceil((chars * 3) / 4));
  const randomBytesMax = 65_536;
  for (let offset = 0; offset < bytes.length; offset += randomBytesMax) {
    crypto.getRandomValues(bytes.subarray(offset, offset + randomBytesMax));
  }
  let binary = '';
  const charCodesMax = 32_768;
  for (let offset = 0; offset < bytes.length; offset += charCodesMax) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + charCodesMax));
  }
  return btoa(binary).slice(0, chars);
}
