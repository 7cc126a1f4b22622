// The terminal store's public surface for every platform. The Node file store is not here, so that a
// browser bundle never pulls in node: modules; Node code imports it from './file-store'.
export { createStorageKey, ENCRYPTED_VALUE_VERSION, encryptValues } from './encrypted-store';
export {
  deleteIndexedDbStore,
  type IndexedDbStore,
  openIndexedDbStore,
  requestPersistentStorage,
} from './indexeddb-store';
export { JOURNAL_NAMESPACE, journalWrites } from './journaled-store';
export { createMemoryStore } from './memory-store';
export type {
  JsonValue,
  ReadTransaction,
  ScanOptions,
  TerminalStore,
  WriteTransaction,
} from './terminal-store';
export {
  isTerminalStoreError,
  TerminalStoreError,
  type TerminalStoreErrorCode,
} from './terminal-store-error';
