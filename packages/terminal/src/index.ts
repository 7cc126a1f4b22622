// The public surface of @mostrador/terminal (browser and Node). Node-only pieces (file store,
// key file, CLI, fake server) are exported from ./node.ts as '@mostrador/terminal/node'.

export type { ActivationOutcome, ActivationRequest } from './activation/activate-terminal';
export type { TerminalIdentity } from './activation/terminal-identity';
export type { PinAttempt, PinRefusal } from './auth/pin-verification';
export type { ServerSession, ServerSessionRefusal } from './auth/server-session';
export type { AuthorizationRefusal } from './auth/session';
export type { CloseShiftOutcome, CloseShiftRequest, ShiftCountResult } from './cash/blind-count';
export type { CashMovementOutcome, CashMovementRequest } from './cash/cash-movement';
export type { OpenShiftOutcome, OpenShiftRequest, OpenShiftView } from './cash/open-shift';
export { browserDeviceKeyVault } from './device-key/browser-device-key-vault';
export {
  type DeviceKey,
  type DeviceKeyVault,
  deviceKeyFrom,
  publicKeyHex,
} from './device-key/device-key-vault';
export { memoryDeviceKeyVault } from './device-key/memory-device-key-vault';
export {
  type ItemWithStockOutcome,
  openTerminalEngine,
  type PreviousTerminal,
  type SessionUser,
  type StockAvailability,
  type TerminalEngine,
  type TerminalEngineOptions,
} from './engine';
export { isRefusal, type Refusal } from './engine-outcome';
export type { StoredFact } from './outbox/outbox';
export * from './receipt';
export type { CompleteSaleOutcome, CompleteSaleRequest } from './sale/complete-sale';
export { displayFolio, type LocalRefund, type LocalSale, type LocalSaleLine } from './sale/local-sale';
export type { RefundSaleOutcome, RefundSaleRequest } from './sale/refund-sale';
export { type ReceiptContext, saleReceipt } from './sale/sale-receipt';
export type { VoidSaleOutcome, VoidSaleRequest } from './sale/void-sale';
export type { TerminalSettings } from './settings/terminal-settings';
export type { SingleWriterRefusal } from './single-writer/single-writer-refusal';
export { type LockManagerLike, webLocksWriterLock } from './single-writer/web-locks-writer-lock';
export { storeHeldWriterLock, type WriterLease, type WriterLock } from './single-writer/writer-lock';
export { type ItemLookupOutcome, variantDisplayName } from './state/catalog-lookup';
export type { EngineStatus } from './status/engine-status';
export {
  createStorageKey,
  deleteIndexedDbStore,
  encryptValues,
  type IndexedDbStore,
  openIndexedDbStore,
  requestPersistentStorage,
} from './storage';
export { createMemoryStore } from './storage/memory-store';
export type { JsonValue, ReadTransaction, TerminalStore, WriteTransaction } from './storage/terminal-store';
export { browserStoreLayers, LOCAL_STORE_FORMAT_VERSION, pageServerState, storeKeys } from './store-layout';
export { BACKOFF_DEFAULT, type BackoffPolicy, backoffDelayMs } from './sync/backoff';
export type { ConnectivityState } from './sync/connectivity';
export type { SyncCycleResult } from './sync/sync-cycle';
export { type Sleep, SYNC_LOOP_POLICY_DEFAULT, type SyncLoopPolicy } from './sync/sync-loop';
export type { SyncProblem } from './sync/sync-status-record';
export {
  fetchTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './sync/transport';
