import { rm } from 'node:fs/promises';
import { createMemoryStore, type JsonValue, type TerminalStore } from '@mostrador/terminal';
import { type FileStore, openFileStore } from '@mostrador/terminal/node';

export type StoreEntries = [string, JsonValue][];

/**
 * The device's disk: it outlives every engine process that runs on it. A crash drops the
 * process (and, for the file store, its directory lock) but keeps what was committed; a backup
 * copies every entry, and restoring one replaces the disk's contents with that copy.
 */
export interface DeviceStorage {
  readonly kind: 'memory' | 'file';
  /** The durable store for a new process lifetime. */
  open(): Promise<TerminalStore>;
  /** Releases what the dead process held. */
  afterCrash(): Promise<void>;
  backup(): Promise<StoreEntries>;
  restore(entries: StoreEntries): Promise<void>;
  dispose(): Promise<void>;
}

const RESTORE_BATCH_ENTRIES = 500;

async function readAll(store: TerminalStore): Promise<StoreEntries> {
  return store.read((transaction) => transaction.scan({ prefix: '' }));
}

async function writeAll(store: TerminalStore, entries: StoreEntries): Promise<void> {
  for (let start = 0; start < entries.length; start += RESTORE_BATCH_ENTRIES) {
    await store.write(async (transaction) => {
      for (const [key, value] of entries.slice(start, start + RESTORE_BATCH_ENTRIES)) {
        await transaction.put(key, value);
      }
    });
  }
}

/** A memory store that survives engine restarts: fast, for the thousands of seeds. */
export function memoryDeviceStorage(): DeviceStorage {
  let store = createMemoryStore();
  return {
    kind: 'memory',
    open: async () => store,
    afterCrash: async () => undefined,
    backup: () => readAll(store),
    async restore(entries) {
      const restored = createMemoryStore();
      await writeAll(restored, entries);
      await store.close();
      store = restored;
    },
    dispose: () => store.close(),
  };
}

/** The real Node file store (append-only log, fsync) in a directory: the durable path. */
export function fileDeviceStorage(directory: string): DeviceStorage {
  let current: FileStore | undefined;
  const openCurrent = async () => {
    current ??= await openFileStore(directory);
    return current;
  };
  const closeCurrent = async () => {
    const store = current;
    current = undefined;
    await store?.close();
  };
  return {
    kind: 'file',
    open: openCurrent,
    afterCrash: closeCurrent,
    backup: async () => readAll(await openCurrent()),
    async restore(entries) {
      await closeCurrent();
      await rm(directory, { recursive: true, force: true });
      await writeAll(await openCurrent(), entries);
    },
    async dispose() {
      await closeCurrent();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
