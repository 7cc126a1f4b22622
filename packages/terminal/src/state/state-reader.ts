import { type CurrencyCode, isCurrencyCode, type Role, roleSpansAllStores } from '@mostrador/core';
import type { ReadTransaction } from '../storage/terminal-store';
import { storeKeys } from '../store-layout';
import { type EntityData, readState, scanState, stateIndexKeys, stockLevelKey } from './state-records';

/** Used until the first pull delivers the tenant row; they match the server's defaults. */
export const TENANT_DEFAULTS = { pricesIncludeTax: true, loginMaxAttempts: 5, lockoutMinutes: 15 } as const;

export type TenantSettings = EntityData<'tenant'>;
export type StoreData = EntityData<'store'> & { readonly currency: CurrencyCode };
export type UserData = EntityData<'user'>;
export type FolioSeriesData = EntityData<'folio_series'>;

export async function readTenantSettings(transaction: ReadTransaction): Promise<TenantSettings | undefined> {
  const [tenant] = await scanState(transaction, 'tenant', 1);
  return tenant;
}

export async function readStore(
  transaction: ReadTransaction,
  storeId: string,
): Promise<StoreData | undefined> {
  const store = await readState(transaction, 'store', storeId);
  if (store === undefined || !isCurrencyCode(store.currency)) return undefined;
  return { ...store, currency: store.currency };
}

/** The warehouse a till sells from: the store's default one, else its first. */
export async function readSellingWarehouse(
  transaction: ReadTransaction,
  storeId: string,
): Promise<EntityData<'warehouse'> | undefined> {
  const entries = await transaction.scan({ prefix: stateIndexKeys.storeWarehousePrefix(storeId) });
  const warehouses: EntityData<'warehouse'>[] = [];
  for (const [, key] of entries) {
    const warehouse = await readState(transaction, 'warehouse', String(key));
    if (warehouse !== undefined) warehouses.push(warehouse);
  }
  return warehouses.find((warehouse) => warehouse.isDefault) ?? warehouses[0];
}

export async function readUser(transaction: ReadTransaction, userId: string): Promise<UserData | undefined> {
  return readState(transaction, 'user', userId);
}

/** Active users who may work at this store (ADMIN spans every store). */
export async function readStoreUsers(transaction: ReadTransaction, storeId: string): Promise<UserData[]> {
  const users = await scanState(transaction, 'user');
  return users.filter((user) => user.active && userServesStore(user.role, user.storeIds, storeId));
}

export function userServesStore(role: Role, storeIds: readonly string[], storeId: string): boolean {
  return roleSpansAllStores(role) || storeIds.includes(storeId);
}

/** A store's own price overrides the tenant-wide one; only prices in the store's currency count. */
export async function resolvePriceMinor(
  transaction: ReadTransaction,
  variantId: string,
  storeId: string,
  currency: CurrencyCode,
): Promise<number | undefined> {
  const entries = await transaction.scan({ prefix: stateIndexKeys.variantPricePrefix(variantId) });
  let tenantWide: number | undefined;
  for (const [, key] of entries) {
    const price = await readState(transaction, 'price', String(key));
    if (price === undefined || price.currency !== currency) continue;
    if (price.storeId === storeId) return price.amountMinor;
    if (price.storeId === null) tenantWide ??= price.amountMinor;
  }
  return tenantWide;
}

/** A store's own rate for a tax class overrides the tenant-wide one. */
export async function resolveTaxRateBasisPoints(
  transaction: ReadTransaction,
  taxClass: string,
  storeId: string,
): Promise<number | undefined> {
  const entries = await transaction.scan({ prefix: stateIndexKeys.taxClassPrefix(taxClass) });
  let tenantWide: number | undefined;
  for (const [, key] of entries) {
    const rate = await readState(transaction, 'tax_rate', String(key));
    if (rate === undefined) continue;
    if (rate.storeId === storeId) return rate.rateBasisPoints;
    if (rate.storeId === null) tenantWide ??= rate.rateBasisPoints;
  }
  return tenantWide;
}

/** The series a document takes its folio from: the terminal's own series first, else the store's. */
export async function resolveFolioSeries(
  transaction: ReadTransaction,
  storeId: string,
  terminalId: string,
  documentType: FolioSeriesData['documentType'],
): Promise<FolioSeriesData | undefined> {
  const series = (await scanState(transaction, 'folio_series')).filter(
    (candidate) => candidate.storeId === storeId && candidate.documentType === documentType,
  );
  return (
    series.find((candidate) => candidate.scope === 'per_terminal' && candidate.terminalId === terminalId) ??
    series.find((candidate) => candidate.scope === 'per_store')
  );
}

export async function readStockLevel(
  transaction: ReadTransaction,
  warehouseId: string,
  variantId: string,
): Promise<EntityData<'stock_level'> | undefined> {
  return readState(transaction, 'stock_level', stockLevelKey(warehouseId, variantId));
}

export async function readSafetyBuffer(
  transaction: ReadTransaction,
  storeId: string,
  variantId: string,
): Promise<EntityData<'safety_buffer'> | undefined> {
  const buffer = await readState(transaction, 'safety_buffer', variantId);
  return buffer?.storeId === storeId ? buffer : undefined;
}

/**
 * Whether the tenant keeps any safety buffer at all. Buffers are optional, and a till without any
 * would otherwise look one up for every line it sells; the browser store answers a count it has
 * made before from memory.
 */
export async function anySafetyBuffer(transaction: ReadTransaction): Promise<boolean> {
  return (await transaction.count(storeKeys.stateEntityPrefix('safety_buffer'))) > 0;
}

export async function readServerTerminal(
  transaction: ReadTransaction,
  terminalId: string,
): Promise<EntityData<'terminal'> | undefined> {
  return readState(transaction, 'terminal', terminalId);
}
