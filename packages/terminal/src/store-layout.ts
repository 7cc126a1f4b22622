import { journalWrites } from './storage/journaled-store';
import { openPagedStore } from './storage/paged-store';
import type { JsonValue, ReadTransaction, TerminalStore, WriteTransaction } from './storage/terminal-store';

/**
 * Where everything lives in the terminal's durable store. One file, so the whole layout can be
 * read at a glance and no two modules invent overlapping prefixes.
 *
 * Format history (LOCAL_STORE_FORMAT_VERSION):
 * - 3 (2026-11): in the browser, small writes (a sale, a shift movement, a pull of a few changes)
 *   are kept as journal records under `~journal/` until a checkpoint moves them into their keys
 *   (storage/journaled-store.ts, through browserStoreLayers); the keys are unchanged. A build of
 *   format 2 would read the keys without the records, so it must not open it; the format marker
 *   itself is always written through to its key, where such a build looks.
 * - 2 (2026-11): in the browser, server state (`state/`, `index/`) is kept in sealed pages of up
 *   to 128 records (storage/paged-store.ts, through pageServerState); the keys are unchanged. A
 *   store of format 1 is moved into pages when it is opened; a build of format 1 must not open it.
 * - 1 (2026-11): identity, per-terminal chains, facts with acknowledgement times, counters,
 *   state records with reset generations, stock-guard ledger, shifts, local sales and refunds.
 *
 * Three families of keys, and the rule that keeps cashiers' work safe:
 * - Facts and what they imply (`fact/`, `chain/`, `outbox/`, `counter/`, `sale/`, `refund/`,
 *   `shift/`, `guard/`, `identity`): written only by recording a fact or by the server's
 *   acknowledgement. "Reload data" never touches them.
 * - Server state (`state/`, `index/`, `pull/`): a cache of the change feed; reloading replaces it.
 * - Terminal-local settings and bookkeeping (`auth/`, `session`, `settings`, `connectivity`, `sync/`).
 */
export const LOCAL_STORE_FORMAT_VERSION = 3;

/** Sequence numbers are zero-padded so that key order is sequence order. */
const SEQUENCE_DIGITS = 12;

export function sequenceKeyPart(sequence: number): string {
  return String(sequence).padStart(SEQUENCE_DIGITS, '0');
}

export function sequenceFromKey(key: string): number {
  const part = key.slice(key.lastIndexOf('/') + 1);
  return Number(part);
}

export const storeKeys = {
  format: 'meta/format',
  identity: 'identity',
  /** The identities this device had before a re-activation; their facts stay exportable. */
  previousIdentityPrefix: 'identity-previous/',
  previousIdentity: (terminalId: string) => `identity-previous/${terminalId}`,
  chainHead: (terminalId: string) => `chain/${terminalId}`,
  outbox: (terminalId: string) => `outbox/${terminalId}`,
  factPrefix: (terminalId: string) => `fact/${terminalId}/`,
  fact: (terminalId: string, sequence: number) => `fact/${terminalId}/${sequenceKeyPart(sequence)}`,
  provisionalFolioCounter: (terminalId: string) => `counter/provisional-folio/${terminalId}`,
  folioSeriesCounter: (folioSeriesId: string) => `counter/folio-series/${folioSeriesId}`,
  sale: (saleId: string) => `sale/${saleId}`,
  salePrefix: 'sale/',
  saleByFolio: (folio: string) => `sale-folio/${folio}`,
  refund: (refundId: string) => `refund/${refundId}`,
  refundPrefix: 'refund/',
  currentShift: 'shift-current',
  shift: (shiftId: string) => `shift/${shiftId}`,
  guardLocalTotal: (variantId: string) => `guard/total/${variantId}`,
  guardFactPrefix: (terminalId: string) => `guard/fact/${terminalId}/`,
  guardFact: (terminalId: string, sequence: number) =>
    `guard/fact/${terminalId}/${sequenceKeyPart(sequence)}`,
  statePrefix: 'state/',
  stateEntityPrefix: (entity: string) => `state/${entity}/`,
  state: (entity: string, key: string) => `state/${entity}/${key}`,
  indexPrefix: 'index/',
  pull: 'pull/state',
  pinFailures: (subject: string) => `auth/pin-failures/${subject}`,
  session: 'session',
  settings: 'settings',
  connectivity: 'connectivity',
  syncStatus: 'sync/status',
  healthSamplePrefix: 'health/sample/',
  healthSample: (at: string) => `health/sample/${at}`,
  /** The key of the last health sample the server accepted. */
  healthReported: 'health/reported',
} as const;

/**
 * The server state a terminal caches: hundreds of thousands of small records that arrive together
 * from the bootstrap snapshot and change a few at a time.
 */
export const SERVER_STATE_PREFIXES = [storeKeys.statePrefix, storeKeys.indexPrefix] as const;

/**
 * Keeps server state in pages over a store that pays per value (the browser's encrypted IndexedDB,
 * where a first activation on 100k SKUs sealed and put about 800,000 values one by one).
 */
export function pageServerState(store: TerminalStore): Promise<TerminalStore> {
  return openPagedStore(store, { prefixes: SERVER_STATE_PREFIXES });
}

/**
 * The layers the browser terminal keeps over its encrypted IndexedDB: small writes journaled, one
 * sealed record a sale instead of eleven values, and server state in pages.
 */
export function browserStoreLayers(encrypted: TerminalStore): Promise<TerminalStore> {
  return pageServerState(journalWrites(encrypted, { writeThroughKeys: [storeKeys.format] }));
}

/** Reads a value this module's writers stored; the layout above is the only writer, so a cast suffices. */
export async function readValue<T>(transaction: ReadTransaction, key: string): Promise<T | undefined> {
  return (await transaction.get(key)) as T | undefined;
}

export async function writeValue<T>(transaction: WriteTransaction, key: string, value: T): Promise<void> {
  await transaction.put(key, value as unknown as JsonValue);
}
