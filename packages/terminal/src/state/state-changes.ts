import type { StateChange, StateEntity } from '@mostrador/core';
import { setIdentityStatus } from '../activation/terminal-identity';
import type { WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';
import { type EntityData, type StateRecord, stateIndexKeys } from './state-records';

/**
 * Applies pulled changes to the local copy of server state, keeping the secondary indexes in step:
 * the old row's index entries are removed before the new row's are written, so a SKU or a price
 * that moved never answers from its old place.
 */
export async function applyStateChange(
  transaction: WriteTransaction,
  change: StateChange,
  generation: number,
  terminalId: string,
): Promise<void> {
  const key = storeKeys.state(change.entity, change.key);
  const previous = await readValue<StateRecord<StateEntity>>(transaction, key);
  if (previous !== undefined) await removeIndexes(transaction, change.entity, change.key, previous.data);
  await storeStateChange(transaction, change, generation, terminalId);
}

/** Index entries a bulk load writes later, in key order, instead of one by one as rows arrive. */
export type IndexEntrySink = (indexKey: string, value: string) => void;

/**
 * Stores a change whose key has no row yet, so there is nothing to read or unindex first: a
 * snapshot loaded into a state that held no rows when the load began (each key comes once). With
 * `deferIndexes`, the row's index entries go there instead of into this transaction.
 */
export async function storeStateChange(
  transaction: WriteTransaction,
  change: StateChange,
  generation: number,
  terminalId: string,
  deferIndexes?: IndexEntrySink,
): Promise<void> {
  const key = storeKeys.state(change.entity, change.key);
  if (change.deleted || change.data === null) {
    await transaction.delete(key);
    return;
  }
  const record = { version: change.version, generation, data: change.data };
  await writeValue(transaction, key, record);
  if (deferIndexes === undefined) await addIndexes(transaction, change.entity, change.key, change.data);
  else
    await visitIndexes(change.entity, change.key, change.data, async (indexKey, value) =>
      deferIndexes(indexKey, value),
    );
  await applySideEffects(transaction, change, terminalId);
}

/** Removes a state row and its index entries (used by the sweep after a reload). */
export async function removeStateRecord(
  transaction: WriteTransaction,
  entity: StateEntity,
  key: string,
  data: EntityData<StateEntity>,
): Promise<void> {
  await removeIndexes(transaction, entity, key, data);
  await transaction.delete(storeKeys.state(entity, key));
}

/** The server revokes a terminal through the feed; the terminal stops recording facts at once. */
async function applySideEffects(transaction: WriteTransaction, change: StateChange, terminalId: string) {
  if (change.entity !== 'terminal' || change.data === null || change.data.id !== terminalId) return;
  if (change.data.status === 'revoked' || change.data.status === 'reactivation_required') {
    await setIdentityStatus(transaction, change.data.status);
  }
}

async function addIndexes(
  transaction: WriteTransaction,
  entity: StateEntity,
  key: string,
  data: EntityData<StateEntity>,
) {
  await visitIndexes(entity, key, data, (indexKey, value) => transaction.put(indexKey, value));
}

async function removeIndexes(
  transaction: WriteTransaction,
  entity: StateEntity,
  key: string,
  data: EntityData<StateEntity>,
) {
  await visitIndexes(entity, key, data, async (indexKey, value) => {
    // Two variants may have swapped SKUs in one version; only remove an entry that still points here.
    if ((await transaction.get(indexKey)) === value) await transaction.delete(indexKey);
  });
}

async function visitIndexes(
  entity: StateEntity,
  key: string,
  data: EntityData<StateEntity>,
  visit: (indexKey: string, value: string) => Promise<void>,
): Promise<void> {
  switch (entity) {
    case 'variant':
      await visit(stateIndexKeys.sku((data as EntityData<'variant'>).sku), key);
      return;
    case 'price':
      await visit(stateIndexKeys.variantPrice((data as EntityData<'price'>).variantId, key), key);
      return;
    case 'tax_rate':
      await visit(stateIndexKeys.taxClass((data as EntityData<'tax_rate'>).taxClass, key), key);
      return;
    case 'warehouse':
      await visit(stateIndexKeys.storeWarehouse((data as EntityData<'warehouse'>).storeId, key), key);
      return;
    default:
      return;
  }
}
