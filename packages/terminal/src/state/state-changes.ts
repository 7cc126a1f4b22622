import type { StateChange, StateEntity } from '@mostrador/core';
import { setIdentityStatus } from '../activation/terminal-identity';
import type { JsonValue, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys } from '../store-layout';
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
 *
 * A snapshot calls this for every one of half a million rows, so it awaits only what is
 * asynchronous: the put, and the side effects of the rare change that has any.
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
  const record: StateRecord<StateEntity> = { version: change.version, generation, data: change.data };
  await transaction.put(key, record as unknown as JsonValue);
  const indexKey = indexKeyOf(change.entity, change.key, change.data);
  if (indexKey !== null) {
    if (deferIndexes === undefined) await transaction.put(indexKey, change.key);
    else deferIndexes(indexKey, change.key);
  }
  const status = ownTerminalStatus(change, terminalId);
  if (status !== null) await setIdentityStatus(transaction, status);
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

/**
 * The server revokes a terminal through the feed; the terminal stops recording facts at once.
 * Returns the status this terminal's identity takes from the change, or null for any other change.
 */
function ownTerminalStatus(
  change: StateChange,
  terminalId: string,
): 'revoked' | 'reactivation_required' | null {
  if (change.entity !== 'terminal' || change.data === null || change.data.id !== terminalId) return null;
  const { status } = change.data;
  return status === 'revoked' || status === 'reactivation_required' ? status : null;
}

async function removeIndexes(
  transaction: WriteTransaction,
  entity: StateEntity,
  key: string,
  data: EntityData<StateEntity>,
) {
  const indexKey = indexKeyOf(entity, key, data);
  // Two variants may have swapped SKUs in one version; only remove an entry that still points here.
  if (indexKey !== null && (await transaction.get(indexKey)) === key) await transaction.delete(indexKey);
}

/** The key of the one index entry a row has (its SKU, its variant's price list, …), whose value is the row's key. */
function indexKeyOf(entity: StateEntity, key: string, data: EntityData<StateEntity>): string | null {
  switch (entity) {
    case 'variant':
      return stateIndexKeys.sku((data as EntityData<'variant'>).sku);
    case 'price':
      return stateIndexKeys.variantPrice((data as EntityData<'price'>).variantId, key);
    case 'tax_rate':
      return stateIndexKeys.taxClass((data as EntityData<'tax_rate'>).taxClass, key);
    case 'warehouse':
      return stateIndexKeys.storeWarehouse((data as EntityData<'warehouse'>).storeId, key);
    default:
      return null;
  }
}
