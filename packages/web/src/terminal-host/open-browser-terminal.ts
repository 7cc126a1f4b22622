import {
  browserDeviceKeyVault,
  browserStoreLayers,
  encryptValues,
  openIndexedDbStore,
  openTerminalEngine,
  type TerminalEngine,
  type TerminalStore,
} from '@mostrador/terminal';
import { loadOrCreateStorageKey } from './storage-key-vault';

/** One browser profile holds one terminal; these names are its databases and its writer lock. */
export const TERMINAL_DATABASE = 'mostrador-terminal';
const STORAGE_KEY_DATABASE = 'mostrador-storage-key';
const DEVICE_KEY_DATABASE = 'mostrador-device-key';

export interface BrowserTerminal {
  readonly engine: TerminalEngine;
  /** The same encrypted store the engine uses, read-only here: the catalog for search, store settings. */
  readonly store: TerminalStore;
}

/**
 * Opens the terminal of this browser profile: the encrypted IndexedDB store, the device key vault
 * and the Web Lock that makes one tab the writer. A second tab opens the same data read-only
 * (engine.isWriter is false) and the app tells the cashier why it cannot sell there.
 */
export async function openBrowserTerminal(): Promise<BrowserTerminal> {
  const key = await loadOrCreateStorageKey(STORAGE_KEY_DATABASE);
  const database = await openIndexedDbStore(TERMINAL_DATABASE);
  const store = await browserStoreLayers(encryptValues(database, key));
  const engine = await openTerminalEngine({
    store,
    keyVault: browserDeviceKeyVault(DEVICE_KEY_DATABASE),
    // The database's sole-writer lease is the engine's writer lock: one Web Lock says both that
    // this tab records facts and that nobody else commits, so its cache needs no check per sale.
    writerLock: { acquire: () => database.claimSoleWriter() },
  });
  if (engine.isWriter) engine.startSync();
  return { engine, store };
}
