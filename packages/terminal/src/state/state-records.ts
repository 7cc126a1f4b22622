import type { StateChange, StateEntity } from '@mostrador/core';
import type { ReadTransaction } from '../storage/terminal-store';
import { readValue, storeKeys } from '../store-layout';

/** The row of one entity as the change feed delivers it. */
export type EntityData<E extends StateEntity> = NonNullable<Extract<StateChange, { entity: E }>['data']>;

/**
 * A pulled row as stored: its data, the tenant version that produced it, and the generation of
 * the pull that last wrote it (a "reload data" pull writes a new generation and, once complete,
 * sweeps what it did not see).
 */
export type StateRecord<E extends StateEntity> = {
  readonly version: number;
  readonly generation: number;
  readonly data: EntityData<E>;
};

export async function readState<E extends StateEntity>(
  transaction: ReadTransaction,
  entity: E,
  key: string,
): Promise<EntityData<E> | undefined> {
  const record = await readValue<StateRecord<E>>(transaction, storeKeys.state(entity, key));
  return record?.data;
}

export async function scanState<E extends StateEntity>(
  transaction: ReadTransaction,
  entity: E,
  limit?: number,
): Promise<EntityData<E>[]> {
  const entries = await transaction.scan({
    prefix: storeKeys.stateEntityPrefix(entity),
    ...(limit === undefined ? {} : { limit }),
  });
  return entries.map(([, value]) => (value as unknown as StateRecord<E>).data);
}

/** Secondary indexes over state records, so lookups at the counter are single reads. */
export const stateIndexKeys = {
  sku: (sku: string) => `index/sku/${sku}`,
  variantPricePrefix: (variantId: string) => `index/variant-price/${variantId}/`,
  variantPrice: (variantId: string, priceKey: string) => `index/variant-price/${variantId}/${priceKey}`,
  taxClassPrefix: (taxClass: string) => `index/tax-class/${taxClass}/`,
  taxClass: (taxClass: string, taxRateKey: string) => `index/tax-class/${taxClass}/${taxRateKey}`,
  storeWarehousePrefix: (storeId: string) => `index/store-warehouse/${storeId}/`,
  storeWarehouse: (storeId: string, warehouseKey: string) =>
    `index/store-warehouse/${storeId}/${warehouseKey}`,
} as const;

export function stockLevelKey(warehouseId: string, variantId: string): string {
  return `${warehouseId}:${variantId}`;
}
