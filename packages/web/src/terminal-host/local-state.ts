import { type CurrencyCode, isCurrencyCode, type StateChange, type StateEntity } from '@mostrador/core';
import { type JsonValue, type ReadTransaction, storeKeys, type TerminalStore } from '@mostrador/terminal';

// Reads of the server state the engine pulled (the store's settings, the tenant's price mode, the
// catalog for search) that the engine's API does not offer yet. They go through the public store
// interface and the published key layout (storeKeys), read-only; packages/web/README.md lists the engine
// calls that would replace them.

type EntityData<E extends StateEntity> = NonNullable<Extract<StateChange, { entity: E }>['data']>;

export type StoreSettings = EntityData<'store'> & { readonly currency: CurrencyCode };
export type TenantSettings = EntityData<'tenant'>;

function recordData(value: JsonValue | undefined): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data = (value as Record<string, unknown>).data;
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

async function readEntity<E extends StateEntity>(
  transaction: ReadTransaction,
  entity: E,
  key: string,
): Promise<EntityData<E> | undefined> {
  return recordData(await transaction.get(storeKeys.state(entity, key))) as EntityData<E> | undefined;
}

export async function readStoreSettings(
  store: TerminalStore,
  storeId: string,
): Promise<StoreSettings | undefined> {
  const settings = await store.read((transaction) => readEntity(transaction, 'store', storeId));
  if (settings === undefined || !isCurrencyCode(settings.currency)) return undefined;
  return { ...settings, currency: settings.currency };
}

export async function readTenantSettings(store: TerminalStore): Promise<TenantSettings | undefined> {
  const [entry] = await store.read((transaction) =>
    transaction.scan({ prefix: storeKeys.stateEntityPrefix('tenant'), limit: 1 }),
  );
  return entry === undefined ? undefined : (recordData(entry[1]) as TenantSettings | undefined);
}

export type LocalUser = { readonly id: string; readonly name: string };

/** Names of the store's people, for receipts and the manager prompt (never their PIN hashes). */
export async function readUserNames(store: TerminalStore): Promise<Map<string, string>> {
  const entries = await store.read((transaction) =>
    transaction.scan({ prefix: storeKeys.stateEntityPrefix('user') }),
  );
  const names = new Map<string, string>();
  for (const [, value] of entries) {
    const user = recordData(value);
    if (typeof user?.id === 'string' && typeof user.name === 'string') names.set(user.id, user.name);
  }
  return names;
}

/** Pages of one entity's rows, so a 100k-SKU catalog is read without one huge transaction. */
export async function* scanEntity<E extends StateEntity>(
  store: TerminalStore,
  entity: E,
  pageSize: number,
): AsyncGenerator<EntityData<E>[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.read((transaction) =>
      transaction.scan({
        prefix: storeKeys.stateEntityPrefix(entity),
        limit: pageSize,
        ...(startAfter === undefined ? {} : { startAfter }),
      }),
    );
    const rows: EntityData<E>[] = [];
    for (const [, value] of page) {
      const data = recordData(value);
      if (data !== undefined) rows.push(data as EntityData<E>);
    }
    yield rows;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    startAfter = last[0];
  }
}
