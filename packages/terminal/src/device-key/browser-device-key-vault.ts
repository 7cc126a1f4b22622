import { type DeviceKeyVault, generateEd25519KeyPair } from './device-key-vault';

const DATABASE_VERSION = 1;
const OBJECT_STORE = 'device-keys';
const KEY_NAME = 'device';

/**
 * The browser keeps the non-extractable CryptoKeyPair itself in its own IndexedDB database. The
 * structured clone IndexedDB stores keeps the key non-extractable, so even code running on the
 * page can only ask it for signatures; the private bytes never exist in JavaScript memory.
 */
export function browserDeviceKeyVault(databaseName = 'mostrador-device-key'): DeviceKeyVault {
  return {
    async load() {
      const database = await openDatabase(databaseName);
      try {
        const stored = await request(
          database.transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE).get(KEY_NAME),
        );
        return isKeyPair(stored) ? stored : undefined;
      } finally {
        database.close();
      }
    },
    async create() {
      const keyPair = await generateEd25519KeyPair(false);
      const database = await openDatabase(databaseName);
      try {
        const transaction = database.transaction(OBJECT_STORE, 'readwrite', { durability: 'strict' });
        transaction.objectStore(OBJECT_STORE).put(keyPair, KEY_NAME);
        await completion(transaction);
      } finally {
        database.close();
      }
      return keyPair;
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(name, DATABASE_VERSION);
    opening.onupgradeneeded = () => {
      if (!opening.result.objectStoreNames.contains(OBJECT_STORE))
        opening.result.createObjectStore(OBJECT_STORE);
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

function request<T>(pending: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result);
    pending.onerror = () => reject(pending.error);
  });
}

function completion(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  return typeof value === 'object' && value !== null && 'privateKey' in value && 'publicKey' in value;
}
