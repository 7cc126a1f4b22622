import {
  addItem,
  type Cart,
  type CartOutcome,
  createCart,
  formatQuantity,
  type Quantity,
  quantityFromMilli,
  type Role,
} from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import {
  type ActivationOutcome,
  type ActivationRequest,
  activateTerminal,
} from './activation/activate-terminal';
import { readIdentity, type TerminalIdentity, terminalIdentitySchema } from './activation/terminal-identity';
import type { PinAttempt, PinRefusal } from './auth/pin-verification';
import { verifyPin } from './auth/pin-verification';
import { openServerSession, type ServerSession, type ServerSessionRefusal } from './auth/server-session';
import {
  type AuthorizationRefusal,
  authorize,
  endSession,
  readSessionUser,
  startSession,
} from './auth/session';
import { type CloseShiftOutcome, type CloseShiftRequest, closeShiftWithBlindCount } from './cash/blind-count';
import { type CashMovementOutcome, type CashMovementRequest, recordCashMovement } from './cash/cash-movement';
import {
  type OpenShiftOutcome,
  type OpenShiftRequest,
  type OpenShiftView,
  openShift,
  openShiftView,
} from './cash/open-shift';
import { readCurrentShift } from './cash/shift-record';
import { type DeviceKey, type DeviceKeyVault, deviceKeyFrom } from './device-key/device-key-vault';
import { type Refusal, refuse } from './engine-outcome';
import { readPendingSummary, type StoredFact } from './outbox/outbox';
import type { FactRecorder } from './outbox/record-fact';
import { pruneAcknowledgedFacts } from './outbox/retention';
import { type CompleteSaleOutcome, type CompleteSaleRequest, completeSale } from './sale/complete-sale';
import { findLocalSaleByFolio, type LocalSale, listLocalSales, readLocalSale } from './sale/local-sale';
import { type RefundSaleOutcome, type RefundSaleRequest, refundSale } from './sale/refund-sale';
import { type VoidSaleOutcome, type VoidSaleRequest, voidSale } from './sale/void-sale';
import {
  RETENTION_DAYS_MAX,
  RETENTION_DAYS_MIN,
  readPlannedOffline,
  readTerminalSettings,
  type TerminalSettings,
} from './settings/terminal-settings';
import { type SingleWriterRefusal, singleWriterRefusal } from './single-writer/single-writer-refusal';
import { storeHeldWriterLock, type WriterLease, type WriterLock } from './single-writer/writer-lock';
import { type ItemLookupOutcome, lookupItem } from './state/catalog-lookup';
import { readSellingWarehouse, readStore } from './state/state-reader';
import { type EngineStatus, readEngineStatus } from './status/engine-status';
import { readGuardAvailability } from './stock-guard/stock-guard';
import type { ReadTransaction, TerminalStore } from './storage/terminal-store';
import { LOCAL_STORE_FORMAT_VERSION, readValue, storeKeys, writeValue } from './store-layout';
import { observeConnectivity, readConnectivity } from './sync/connectivity';
import { type PullOutcome, pullChanges, requestStateReset } from './sync/pull-client';
import { runSyncCycle, type SyncCycleResult } from './sync/sync-cycle';
import {
  type Sleep,
  SYNC_LOOP_POLICY_DEFAULT,
  type SyncLoop,
  type SyncLoopPolicy,
  startSyncLoop,
  timerSleep,
} from './sync/sync-loop';
import { fetchTransport, isSuccessStatus, type Transport } from './sync/transport';

export interface TerminalEngineOptions {
  readonly store: TerminalStore;
  readonly keyVault: DeviceKeyVault;
  /** How to reach the server; by default fetch against the URL given at activation. */
  readonly transport?: Transport;
  /** Who may write; by default the store's own guarantee (Node file store lock, memory store). */
  readonly writerLock?: WriterLock;
  readonly clock?: () => Date;
  /** UUIDv7 generator for event, sale and line ids. */
  readonly newId?: () => string;
  /** A number in [0, 1), for backoff jitter. */
  readonly random?: () => number;
  readonly sleep?: Sleep;
  readonly syncLoopPolicy?: Partial<SyncLoopPolicy>;
  readonly pushBatchFactsMax?: number;
  readonly pullPageChangesMax?: number;
  /** Acknowledged facts are pruned by retention at most this often while syncing. */
  readonly pruneIntervalMs?: number;
}

export type SessionUser = {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  readonly maxDiscountBasisPoints: number;
};

export type StockAvailability = {
  readonly sku: string;
  readonly variantId: string;
  readonly lastKnownAvailable: string;
  readonly localUnsynced: string;
  readonly safetyBuffer: string;
  /** What the offline stock guard still lets this till sell. */
  readonly sellableOffline: string;
};

/**
 * A lookup that found the item also says how much of it this till knows is in stock, and whether
 * the offline stock guard decides this till's sales now (offline or planned offline): then a cart
 * holding more than `stock.sellableOffline` will be refused at payment.
 */
export type ItemWithStockOutcome =
  | (Extract<ItemLookupOutcome, { ok: true }> & {
      readonly stock: StockAvailability | undefined;
      readonly stockGuarded: boolean;
    })
  | Exclude<ItemLookupOutcome, { ok: true }>;

async function readStockAvailability(
  transaction: ReadTransaction,
  storeId: string,
  warehouseId: string,
  item: { readonly sku: string; readonly variantId: string },
): Promise<StockAvailability> {
  const guard = await readGuardAvailability(transaction, storeId, warehouseId, item.variantId);
  const text = (quantityMilli: number) => formatQuantity(quantityFromMilli(quantityMilli));
  return {
    sku: item.sku,
    variantId: item.variantId,
    lastKnownAvailable: text(guard.lastKnownAvailableMilli),
    localUnsynced: text(guard.localUnsyncedMilli),
    safetyBuffer: text(guard.safetyBufferMilli),
    sellableOffline: text(guard.sellableMilli),
  };
}

type LoggedIn = { readonly ok: true; readonly user: SessionUser };
type NotReady = Refusal<'TERMINAL_NOT_ACTIVATED'> | Refusal<'LOCAL_DATA_NOT_LOADED'>;

/** The one API the web app, the simulator and the CLI drive. */
export interface TerminalEngine {
  /** False when another tab, window or process holds this terminal: this one may only look. */
  readonly isWriter: boolean;
  activate(request: ActivationRequest): Promise<ActivationOutcome | SingleWriterRefusal>;
  identity(): Promise<TerminalIdentity | undefined>;
  login(
    attempt: PinAttempt,
  ): Promise<LoggedIn | PinRefusal | SingleWriterRefusal | Refusal<'TERMINAL_NOT_ACTIVATED'>>;
  logout(): Promise<void>;
  /**
   * A PIN typed at the till opens a short session on the server (bound to this till's store) for
   * the manager views that need it: conflicts, sync health. Needs the server; checked locally first.
   */
  serverSession(
    attempt: PinAttempt,
  ): Promise<ServerSession | ServerSessionRefusal | Refusal<'TERMINAL_NOT_ACTIVATED'>>;
  currentUser(): Promise<SessionUser | undefined>;
  newCart(): Promise<{ readonly ok: true; readonly cart: Cart } | NotReady>;
  /**
   * The item a scanned or typed code sells as, with its stock as this till knows it (undefined
   * before the store's warehouse is loaded). Reading the stock at the scan also leaves what the
   * sale's offline stock guard will read in memory, so "sale complete" does not wait for it.
   */
  lookupItem(code: string): Promise<ItemWithStockOutcome | Refusal<'TERMINAL_NOT_ACTIVATED'>>;
  addToCart(
    cart: Cart,
    request: { readonly code: string; readonly quantity?: Quantity },
  ): Promise<CartOutcome | ItemWithStockOutcome | Refusal<'TERMINAL_NOT_ACTIVATED'>>;
  completeSale(request: CompleteSaleRequest): Promise<CompleteSaleOutcome | SingleWriterRefusal>;
  voidSale(request: VoidSaleRequest): Promise<VoidSaleOutcome | SingleWriterRefusal>;
  refundSale(request: RefundSaleRequest): Promise<RefundSaleOutcome | SingleWriterRefusal>;
  getSale(saleId: string): Promise<LocalSale | undefined>;
  findSaleByFolio(folio: string): Promise<LocalSale | undefined>;
  listSales(options?: { readonly limit?: number; readonly before?: string }): Promise<LocalSale[]>;
  openShift(request: OpenShiftRequest): Promise<OpenShiftOutcome | SingleWriterRefusal>;
  recordCashMovement(request: CashMovementRequest): Promise<CashMovementOutcome | SingleWriterRefusal>;
  /** The blind count: the counted denominations go in, and only then come expected and over/short. */
  closeShift(request: CloseShiftRequest): Promise<CloseShiftOutcome | SingleWriterRefusal>;
  /** The open shift, without any expected-cash figure. */
  currentShift(): Promise<OpenShiftView | undefined>;
  stockAvailability(
    code: string,
  ): Promise<{ readonly ok: true; readonly availability: StockAvailability } | ItemLookupOutcome | NotReady>;
  /** One synchronisation round now (shares a round already running). */
  sync(): Promise<SyncCycleResult | SingleWriterRefusal>;
  startSync(): void;
  stopSync(): Promise<void>;
  /** "Reload data": refetch all server state; facts, counters and identity are untouched. */
  reloadData(): Promise<
    { readonly ok: true; readonly pull: PullOutcome | null } | SingleWriterRefusal | NotReady
  >;
  /** Forgets the server state cache; refused while any fact is still waiting for the server. */
  clearLocalData(): Promise<
    | { readonly ok: true }
    | SingleWriterRefusal
    | Refusal<'PENDING_FACTS_NOT_SYNCED', { pendingCount: number }>
  >;
  setPlannedOffline(request: {
    readonly planned: boolean;
    readonly approval?: PinAttempt;
  }): Promise<
    { readonly ok: true } | AuthorizationRefusal | SingleWriterRefusal | Refusal<'TERMINAL_NOT_ACTIVATED'>
  >;
  setRetentionDays(
    days: number,
  ): Promise<
    | { readonly ok: true }
    | SingleWriterRefusal
    | Refusal<'RETENTION_INVALID', { daysMin: number; daysMax: number }>
  >;
  settings(): Promise<TerminalSettings>;
  pruneAcknowledged(): Promise<{ readonly prunedCount: number }>;
  status(): Promise<EngineStatus>;
  /** Bytes the local data takes and the quota the platform grants (reads the whole store on some adapters). */
  storageUsage(): Promise<{ bytesUsed: number; bytesQuota: number | null; persistent: boolean | null }>;
  /**
   * Identities this device had before a re-activation, with what their chains still hold. A fork
   * leaves facts the server quarantined or never received there; they stay for export and audit.
   */
  previousTerminals(): Promise<PreviousTerminal[]>;
  /**
   * Every retained fact of this terminal's chain (or of a previous identity's), in sequence order,
   * with its acknowledgement time.
   */
  exportFacts(options?: { readonly terminalId?: string }): AsyncGenerator<StoredFact>;
  /** Stops synchronising and releases the writer lease; the store stays open for its owner to close. */
  close(): Promise<void>;
}

export type PreviousTerminal = {
  readonly identity: TerminalIdentity;
  readonly headSequence: number;
  readonly acknowledgedSequence: number;
  readonly pendingCount: number;
};

const EXPORT_PAGE_FACTS = 1_000;
const SALES_PAGE_MAX = 500;
const PRUNE_INTERVAL_MS_DEFAULT = 3_600_000;

export async function openTerminalEngine(options: TerminalEngineOptions): Promise<TerminalEngine> {
  const lease = await (options.writerLock ?? storeHeldWriterLock).acquire();
  await checkStoreFormat(options.store, lease !== undefined);
  return new Engine(options, lease);
}

async function checkStoreFormat(store: TerminalStore, writer: boolean): Promise<void> {
  const format = await store.read((transaction) =>
    readValue<{ version: number }>(transaction, storeKeys.format),
  );
  if (format !== undefined && format.version > LOCAL_STORE_FORMAT_VERSION) {
    throw new Error(
      `The local data is format ${format.version}; this build reads up to ${LOCAL_STORE_FORMAT_VERSION}`,
    );
  }
  // An older format is upgraded by whatever opened the store (pageServerState moves format 1's
  // server state into pages); the number then tells older builds not to open it.
  if ((format === undefined || format.version < LOCAL_STORE_FORMAT_VERSION) && writer) {
    await store.write((transaction) =>
      writeValue(transaction, storeKeys.format, { version: LOCAL_STORE_FORMAT_VERSION }),
    );
  }
}

class Engine implements TerminalEngine {
  readonly isWriter: boolean;
  private readonly store: TerminalStore;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly random: () => number;
  private readonly recorder: FactRecorder;
  private deviceKey: DeviceKey | undefined;
  private transports = new Map<string, Transport>();
  private syncInFlight: Promise<SyncCycleResult> | null = null;
  private loop: SyncLoop | null = null;
  private lastPruneAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: TerminalEngineOptions,
    private readonly lease: WriterLease | undefined,
  ) {
    this.isWriter = lease !== undefined;
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? (() => uuidv7());
    this.random = options.random ?? Math.random;
    this.recorder = {
      store: this.store,
      clock: this.clock,
      newId: this.newId,
      loadDeviceKey: () => this.loadDeviceKey(),
    };
  }

  async activate(request: ActivationRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const outcome = await activateTerminal(
      {
        store: this.store,
        vault: this.options.keyVault,
        transport: this.options.transport ?? this.transportFor(request.serverUrl),
        clock: this.clock,
      },
      request,
    );
    this.deviceKey = undefined;
    // The bootstrap snapshot: a failure here is not an activation failure; the sync loop retries.
    if (outcome.ok) await this.sync();
    return outcome;
  }

  identity() {
    return this.store.read(readIdentity);
  }

  async login(attempt: PinAttempt) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    const now = this.clock();
    const verified = await verifyPin(this.store, identity.storeId, attempt, now);
    if (!verified.ok) return verified;
    await this.store.write((transaction) => startSession(transaction, verified.user.id, now));
    return { ok: true as const, user: sessionUser(verified.user) };
  }

  async serverSession(attempt: PinAttempt) {
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return openServerSession({
      store: this.store,
      transport: this.transportOf(identity),
      identity,
      attempt,
      now: this.clock(),
    });
  }

  async logout() {
    if (this.isWriter) await this.store.write(endSession);
  }

  async currentUser() {
    return this.store.read(async (transaction) => {
      const identity = await readIdentity(transaction);
      const user = identity === undefined ? undefined : await readSessionUser(transaction, identity.storeId);
      return user === undefined ? undefined : sessionUser(user);
    });
  }

  async newCart() {
    return this.store.read(async (transaction) => {
      const identity = await readIdentity(transaction);
      if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
      const store = await readStore(transaction, identity.storeId);
      if (store === undefined) return refuse('LOCAL_DATA_NOT_LOADED');
      return { ok: true as const, cart: createCart(store.currency) };
    });
  }

  async lookupItem(code: string): Promise<ItemWithStockOutcome | Refusal<'TERMINAL_NOT_ACTIVATED'>> {
    return this.store.read(async (transaction) => {
      const identity = await readIdentity(transaction);
      if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
      const [found, warehouse, stockGuarded] = await Promise.all([
        lookupItem(transaction, code, identity.storeId),
        readSellingWarehouse(transaction, identity.storeId),
        this.isOffline(transaction, identity.terminalId),
      ]);
      if (!found.ok) return found;
      const stock =
        warehouse === undefined
          ? undefined
          : await readStockAvailability(transaction, identity.storeId, warehouse.id, found.item);
      return { ...found, stock, stockGuarded };
    });
  }

  async addToCart(cart: Cart, request: { readonly code: string; readonly quantity?: Quantity }) {
    const found = await this.lookupItem(request.code);
    if (!found.ok) return found;
    return addItem(cart, request, () => found.item);
  }

  async completeSale(request: CompleteSaleRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const outcome = await completeSale(
      {
        recorder: this.recorder,
        isOffline: (transaction, terminalId) => this.isOffline(transaction, terminalId),
      },
      request,
    );
    if (outcome.ok) this.loop?.wake();
    return outcome;
  }

  async voidSale(request: VoidSaleRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return voidSale(this.recorder, identity.storeId, request);
  }

  async refundSale(request: RefundSaleRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return refundSale(this.recorder, identity.storeId, request);
  }

  getSale(saleId: string) {
    return this.store.read((transaction) => readLocalSale(transaction, saleId));
  }

  findSaleByFolio(folio: string) {
    return this.store.read((transaction) => findLocalSaleByFolio(transaction, folio));
  }

  listSales(options: { readonly limit?: number; readonly before?: string } = {}) {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), SALES_PAGE_MAX);
    return this.store.read((transaction) =>
      listLocalSales(transaction, {
        limit,
        ...(options.before === undefined ? {} : { before: options.before }),
      }),
    );
  }

  async openShift(request: OpenShiftRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return openShift(this.recorder, identity.storeId, request);
  }

  async recordCashMovement(request: CashMovementRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return recordCashMovement(this.recorder, identity.storeId, request);
  }

  async closeShift(request: CloseShiftRequest) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    return closeShiftWithBlindCount(this.recorder, identity.storeId, request);
  }

  async currentShift() {
    const shift = await this.store.read(readCurrentShift);
    return shift === undefined ? undefined : openShiftView(shift);
  }

  async stockAvailability(code: string) {
    return this.store.read(async (transaction) => {
      const identity = await readIdentity(transaction);
      if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
      const found = await lookupItem(transaction, code, identity.storeId);
      if (!found.ok) return found;
      const warehouse = await readSellingWarehouse(transaction, identity.storeId);
      if (warehouse === undefined) return refuse('LOCAL_DATA_NOT_LOADED');
      return {
        ok: true as const,
        availability: await readStockAvailability(transaction, identity.storeId, warehouse.id, found.item),
      };
    });
  }

  async sync() {
    if (!this.isWriter) return singleWriterRefusal();
    this.syncInFlight ??= this.runCycle().finally(() => {
      this.syncInFlight = null;
    });
    return this.syncInFlight;
  }

  startSync() {
    if (!this.isWriter || this.loop !== null) return;
    this.loop = startSyncLoop({
      runCycle: async () => {
        const result = await this.sync();
        return 'ok' in result ? { outcome: 'failed', code: result.code, detail: 'not the writer' } : result;
      },
      ping: () => this.ping(),
      sleep: this.options.sleep ?? timerSleep,
      random: this.random,
      policy: { ...SYNC_LOOP_POLICY_DEFAULT, ...this.options.syncLoopPolicy },
    });
  }

  async stopSync() {
    const loop = this.loop;
    this.loop = null;
    await loop?.stop();
  }

  async reloadData() {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    await this.store.write(requestStateReset);
    const planned = await this.store.read((transaction) =>
      readPlannedOffline(transaction, identity.terminalId),
    );
    if (planned.atTill) return { ok: true as const, pull: null };
    const pull = await pullChanges({
      store: this.store,
      transport: this.transportOf(identity),
      deviceCredential: identity.deviceCredential,
      terminalId: identity.terminalId,
      clock: this.clock,
      ...(this.options.pullPageChangesMax === undefined
        ? {}
        : { pageChangesMax: this.options.pullPageChangesMax }),
    });
    await observeConnectivity(this.store, pull.reachedServer, this.clock());
    return { ok: true as const, pull };
  }

  async clearLocalData() {
    if (!this.isWriter) return singleWriterRefusal();
    return this.store.write(async (transaction) => {
      const identity = await readIdentity(transaction);
      if (identity !== undefined) {
        const pending = await readPendingSummary(transaction, identity.terminalId);
        if (pending.pendingCount > 0)
          return refuse('PENDING_FACTS_NOT_SYNCED', { pendingCount: pending.pendingCount });
      }
      for (const prefix of [storeKeys.statePrefix, storeKeys.indexPrefix]) {
        for (const [key] of await transaction.scan({ prefix })) await transaction.delete(key);
      }
      await transaction.delete(storeKeys.pull);
      await requestStateReset(transaction);
      return { ok: true as const };
    });
  }

  async setPlannedOffline(request: { readonly planned: boolean; readonly approval?: PinAttempt }) {
    if (!this.isWriter) return singleWriterRefusal();
    const identity = await this.identity();
    if (identity === undefined) return refuse('TERMINAL_NOT_ACTIVATED');
    const authorization = await authorize(
      this.store,
      identity.storeId,
      'terminals.manage',
      request.approval,
      this.clock(),
    );
    if (!authorization.ok) return authorization;
    await this.store.write(async (transaction) => {
      const settings = await readTerminalSettings(transaction);
      await writeValue(transaction, storeKeys.settings, { ...settings, plannedOffline: request.planned });
    });
    // Planned offline time is offline time; coming back is confirmed by the next request that succeeds.
    if (request.planned) await observeConnectivity(this.store, false, this.clock());
    else this.loop?.wake();
    return { ok: true as const };
  }

  async setRetentionDays(days: number) {
    if (!this.isWriter) return singleWriterRefusal();
    if (!Number.isSafeInteger(days) || days < RETENTION_DAYS_MIN || days > RETENTION_DAYS_MAX) {
      return refuse('RETENTION_INVALID', { daysMin: RETENTION_DAYS_MIN, daysMax: RETENTION_DAYS_MAX });
    }
    await this.store.write(async (transaction) => {
      const settings = await readTerminalSettings(transaction);
      await writeValue(transaction, storeKeys.settings, { ...settings, acknowledgedRetentionDays: days });
    });
    return { ok: true as const };
  }

  settings() {
    return this.store.read(readTerminalSettings);
  }

  async pruneAcknowledged() {
    const identity = await this.identity();
    if (!this.isWriter || identity === undefined) return { prunedCount: 0 };
    const settings = await this.settings();
    this.lastPruneAtMs = this.clock().getTime();
    return pruneAcknowledgedFacts(this.store, identity.terminalId, {
      retentionDays: settings.acknowledgedRetentionDays,
      now: this.clock(),
    });
  }

  status() {
    return readEngineStatus(this.store, this.clock(), this.isWriter);
  }

  storageUsage() {
    return this.store.usage();
  }

  previousTerminals() {
    return this.store.read(async (transaction) => {
      const entries = await transaction.scan({ prefix: storeKeys.previousIdentityPrefix });
      const previous: PreviousTerminal[] = [];
      for (const [, value] of entries) {
        const identity = terminalIdentitySchema.parse(value);
        const pending = await readPendingSummary(transaction, identity.terminalId);
        previous.push({
          identity,
          headSequence: pending.headSequence,
          acknowledgedSequence: pending.acknowledgedSequence,
          pendingCount: pending.pendingCount,
        });
      }
      return previous;
    });
  }

  async *exportFacts(options: { readonly terminalId?: string } = {}): AsyncGenerator<StoredFact> {
    const terminalId = options.terminalId ?? (await this.identity())?.terminalId;
    if (terminalId === undefined) return;
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.read((transaction) =>
        transaction.scan({
          prefix: storeKeys.factPrefix(terminalId),
          limit: EXPORT_PAGE_FACTS,
          ...(startAfter === undefined ? {} : { startAfter }),
        }),
      );
      for (const [, value] of page) yield value as unknown as StoredFact;
      const last = page.at(-1);
      if (last === undefined || page.length < EXPORT_PAGE_FACTS) return;
      startAfter = last[0];
    }
  }

  async close() {
    await this.stopSync();
    await this.syncInFlight?.catch(() => undefined);
    await this.lease?.release();
  }

  private async runCycle(): Promise<SyncCycleResult> {
    const identity = await this.identity();
    if (identity === undefined) return { outcome: 'skipped', code: 'TERMINAL_NOT_ACTIVATED' };
    const result = await runSyncCycle({
      store: this.store,
      transport: this.transportOf(identity),
      clock: this.clock,
      ...(this.options.pushBatchFactsMax === undefined
        ? {}
        : { pushBatchFactsMax: this.options.pushBatchFactsMax }),
      ...(this.options.pullPageChangesMax === undefined
        ? {}
        : { pullPageChangesMax: this.options.pullPageChangesMax }),
    });
    const pruneIntervalMs = this.options.pruneIntervalMs ?? PRUNE_INTERVAL_MS_DEFAULT;
    if (result.outcome === 'ok' && this.clock().getTime() - this.lastPruneAtMs >= pruneIntervalMs) {
      await this.pruneAcknowledged();
    }
    return result;
  }

  private async ping(): Promise<boolean> {
    const identity = await this.identity();
    if (identity === undefined) return false;
    let reachedServer: boolean;
    try {
      const response = await this.transportOf(identity)({ method: 'GET', path: '/health', headers: {} });
      reachedServer = isSuccessStatus(response.status);
    } catch {
      reachedServer = false;
    }
    await observeConnectivity(this.store, reachedServer, this.clock());
    return reachedServer;
  }

  private async isOffline(transaction: ReadTransaction, terminalId: string): Promise<boolean> {
    const [planned, connectivity] = await Promise.all([
      readPlannedOffline(transaction, terminalId),
      readConnectivity(transaction, this.clock()),
    ]);
    return planned.any || connectivity.state === 'offline';
  }

  private async loadDeviceKey(): Promise<DeviceKey | undefined> {
    if (this.deviceKey !== undefined) return this.deviceKey;
    const keyPair = await this.options.keyVault.load();
    this.deviceKey = keyPair === undefined ? undefined : await deviceKeyFrom(keyPair);
    return this.deviceKey;
  }

  private transportOf(identity: TerminalIdentity): Transport {
    return this.options.transport ?? this.transportFor(identity.serverUrl);
  }

  private transportFor(serverUrl: string): Transport {
    let transport = this.transports.get(serverUrl);
    if (transport === undefined) {
      transport = fetchTransport(serverUrl);
      this.transports.set(serverUrl, transport);
    }
    return transport;
  }
}

function sessionUser(user: {
  id: string;
  name: string;
  role: Role;
  maxDiscountBasisPoints: number;
}): SessionUser {
  return {
    userId: user.id,
    name: user.name,
    role: user.role,
    maxDiscountBasisPoints: user.maxDiscountBasisPoints,
  };
}
