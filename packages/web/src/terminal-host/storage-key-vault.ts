import { createStorageKey } from '@mostrador/terminal';

const DATABASE_VERSION = 1;
const OBJECT_STORE = 'storage-keys';
const KEY_NAME = 'terminal-store';

/**
 * The AES-GCM key that encrypts the terminal's data at rest, kept as a non-extractable CryptoKey
 * in its own IndexedDB database (IndexedDB's structured clone keeps it non-extractable). It is
 * created once per browser profile, under a Web Lock so two tabs opening for the first time at
 * the same moment cannot each create a different key.
 */
export async function loadOrCreateStorageKey(databaseName: string): Promise<CryptoKey> {
  return navigator.locks.request(`${databaseName}:create`, { mode: 'exclusive' }, async () => {
    const existing = await readKey(databaseName);
    if (existing !== undefined) return existing;
    const created = await createStorageKey();
    await writeKey(databaseName, created);
    return created;
  });
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, DATABASE_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) {
        request.result.createObjectStore(OBJECT_STORE);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`could not open ${name}`));
  });
}

async function readKey(databaseName: string): Promise<CryptoKey | undefined> {
  const database = await openDatabase(databaseName);
  try {
    const stored = await new Promise<unknown>((resolve, reject) => {
      const request = database.transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE).get(KEY_NAME);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('could not read the storage key'));
    });
    return stored instanceof CryptoKey ? stored : undefined;
  } finally {
    database.close();
  }
}

async function writeKey(databaseName: string, key: CryptoKey): Promise<void> {
  const database = await openDatabase(databaseName);
  try {
    await new Promise<void>((resolve, reject) => {
      const transaction = database.transaction(OBJECT_STORE, 'readwrite', { durability: 'strict' });
      transaction.objectStore(OBJECT_STORE).put(key, KEY_NAME);
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('could not store the storage key'));
      transaction.onabort = () => reject(transaction.error ?? new Error('storing the storage key aborted'));
    });
  } finally {
    database.close();
  }
}
