import type { StateChange } from '@mostrador/core';
import {
  type Compilable,
  type Expression,
  type OperationNodeSource,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import type { DatabaseSchema } from '../database/database-schema';
import type { TenantTransaction } from '../database/tenant-transaction';

/**
 * The change feed a terminal pulls. Every row of terminal-visible state carries the tenant version
 * of the transaction that last wrote it; because a tenant's writers serialise on its version row
 * (database/tenant-transaction.ts), versions commit in order and a reader that pages by
 * `version > cursor` never skips a change that commits later with a smaller version.
 *
 * A cursor is (version, entity index, key): pages may split one version (the seed writes half a
 * million rows at version 1), so within a version rows are ordered by entity, then key.
 */
export interface FeedCursor {
  readonly version: number;
  readonly entityIndex: number;
  readonly key: string;
}

export const FEED_START: FeedCursor = { version: -1, entityIndex: 0, key: '' };

export function encodeCursor(cursor: FeedCursor): string {
  return Buffer.from(JSON.stringify([cursor.version, cursor.entityIndex, cursor.key])).toString('base64url');
}

export function decodeCursor(text: string | undefined): FeedCursor | undefined {
  if (text === undefined || text === '' || text === '0') return FEED_START;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isSafeInteger(value[0]) &&
      Number.isSafeInteger(value[1]) &&
      typeof value[2] === 'string' &&
      value[2].length <= 200
    ) {
      return { version: value[0], entityIndex: value[1], key: value[2] };
    }
  } catch {
    // An unreadable cursor is answered as a bad request below.
  }
  return undefined;
}

/**
 * Where the feed continues after a snapshot taken at `version`: past every change at or below it.
 * Every entity index is below this one, so each reader asks only for `version > version`.
 */
export function cursorAfterVersion(version: number): FeedCursor {
  return { version, entityIndex: FEED_ENTITY_COUNT, key: '' };
}

export interface FeedScope {
  readonly storeId: string;
  readonly terminalId: string;
  readonly warehouseIds: readonly string[];
}

/**
 * Starts reading the feed in a transaction: what a terminal may see is decided by its store, its
 * own id and the store's warehouses.
 *
 * Every feed query is meant to be a range scan of its feed index, which already yields (version,
 * key) order. Without table statistics (PGlite never analyses on its own, nor has a server right
 * after a bulk import) the planner expects a handful of rows and picks a bitmap scan that sorts
 * everything after the cursor instead, which makes each page cost as much as the rest of the
 * table and a bootstrap quadratic. Sorting is switched off for this transaction only.
 *
 * So is JIT compilation. A query that must still sort (the one-row tenants table has no feed
 * index) then carries the planner's cost for a disabled step, 10^10, far above `jit_above_cost`,
 * and PostgreSQL compiled it with LLVM on every pull: 100–370 ms of a backend's CPU for a query
 * that runs in 0.02 ms. With 200 tills pulling every few seconds that compilation kept both cores
 * busy and every sync waited about 3 s (drain benchmark, session 12).
 */
export async function beginFeedRead(
  transaction: TenantTransaction,
  terminal: { readonly storeId: string; readonly terminalId: string },
): Promise<FeedScope> {
  await sql`SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`.execute(
    transaction,
  );
  const warehouses = await transaction
    .selectFrom('warehouses')
    .select('id')
    .where('store_id', '=', terminal.storeId)
    .execute();
  return {
    storeId: terminal.storeId,
    terminalId: terminal.terminalId,
    warehouseIds: warehouses.map((row) => row.id),
  };
}

interface FeedRow {
  readonly version: number;
  readonly key: string;
  readonly change: StateChange;
}

/** The columns that order one entity's rows within a version, and how to compare them. */
type KeyColumns = { readonly columns: readonly string[]; readonly type: 'uuid' | 'text' };
type AfterCursor = (keyColumns: KeyColumns) => Expression<SqlBool>;

/**
 * One entity of the feed: the query of the rows after a cursor that the terminal may see (in
 * feed order, at most `limit`; null when it can see none), and how such a row becomes a change.
 * Pull pages and the snapshot read every entity through these and nothing else, so what a
 * terminal sees and how it is shaped is written once.
 */
interface EntityReader {
  query(
    transaction: TenantTransaction,
    scope: FeedScope,
    after: AfterCursor,
    limit: number,
  ): RowsQuery | null;
  change(row: never, scope: FeedScope): FeedRow;
}

/** A select of one entity's rows, not yet run: readRows runs it. */
type RowsQuery = OperationNodeSource & Compilable;

/**
 * Runs an entity's query with its rows gathered into one JSON array by the database (json_agg):
 * each value a row would carry costs the driver an allocation and a decode (on PGlite, more than
 * reading the row), so a page arrives as one value. Building each change's JSON in SQL instead
 * (json_build_object) measured twice as slow on PGlite as this and a JavaScript mapping. In JSON,
 * numeric columns must be selected as text to keep their scale, int8 columns arrive as numbers,
 * and timestamps as strings (only ever compared with null).
 */
async function readRows(
  reader: EntityReader,
  transaction: TenantTransaction,
  scope: FeedScope,
  after: AfterCursor,
  limit: number,
): Promise<FeedRow[]> {
  const query = reader.query(transaction, scope, after, limit);
  if (query === null) return [];
  const result = await sql<{ rows: never[] | null }>`
    SELECT json_agg(page) AS rows FROM (${query}) AS page
  `.execute(transaction);
  return (result.rows[0]?.rows ?? []).map((row) => reader.change(row, scope));
}

function entityReader<Row>(
  query: EntityReader['query'],
  change: (row: Row, scope: FeedScope) => FeedRow,
): EntityReader {
  return { query, change: change as (row: never, scope: FeedScope) => FeedRow };
}

const UUID_KEY: KeyColumns = { columns: ['id'], type: 'uuid' };

const tombstone = (deletedAt: Date | string | null) => deletedAt !== null;

/**
 * Rows newer than the cursor for one entity. Keys compare as uuids or as bytes (COLLATE "C"), the
 * same order as JavaScript's string comparison of these ASCII keys, and match the feed indexes
 * (tenant_id, version, key...), so each page is an index range scan.
 */
function afterCursor(cursor: FeedCursor, entityIndex: number): AfterCursor {
  return ({ columns, type }) => {
    if (entityIndex < cursor.entityIndex) return sql<SqlBool>`version > ${cursor.version}`;
    if (entityIndex > cursor.entityIndex) return sql<SqlBool>`version >= ${cursor.version}`;
    const keyParts = columns.length === 1 ? [cursor.key] : cursor.key.split(':');
    if (keyParts.length !== columns.length || keyParts.some((part) => part === '')) {
      return sql<SqlBool>`version > ${cursor.version}`;
    }
    const left = sql.join(
      columns.map((column) => (type === 'text' ? sql`${sql.ref(column)} COLLATE "C"` : sql.ref(column))),
    );
    const right = sql.join(
      keyParts.map((part) => (type === 'uuid' ? sql`${part}::uuid` : sql`${part} COLLATE "C"`)),
    );
    return sql<SqlBool>`(version, ${left}) > (${cursor.version}, ${right})`;
  };
}

type TombstonedTable = 'stores' | 'warehouses' | 'categories' | 'tax_rates' | 'products' | 'variants';

/**
 * The reader of an entity keyed by its uuid `id` whose deletions are tombstones (`deleted_at`):
 * rows newer than the cursor in (version, id) order, each a change carrying `data(row)`.
 */
function tombstonedById<T extends TombstonedTable, E extends StateChange['entity']>(
  table: T,
  entity: E,
  data: (row: Selectable<DatabaseSchema[T]>) => Extract<StateChange, { entity: E }>['data'],
): EntityReader {
  return entityReader(
    (transaction, _scope, after, limit) =>
      transaction
        .selectFrom(table as TombstonedTable)
        .selectAll()
        .where(after(UUID_KEY))
        .orderBy('version')
        .orderBy('id')
        .limit(limit),
    (row: Selectable<DatabaseSchema[T]>) => {
      const { id, version, deleted_at } = row as Selectable<DatabaseSchema[TombstonedTable]>;
      return {
        version,
        key: id,
        change: { entity, key: id, version, deleted: tombstone(deleted_at), data: data(row) } as StateChange,
      };
    },
  );
}

const ENTITY_READERS: readonly EntityReader[] = [
  entityReader(
    (transaction, _scope, after, limit) =>
      transaction
        .selectFrom('tenants')
        .select(['id', 'name', 'prices_include_tax', 'login_max_attempts', 'lockout_minutes', 'version'])
        .where(after(UUID_KEY))
        .orderBy('version')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['tenants']>,
        'id' | 'name' | 'prices_include_tax' | 'login_max_attempts' | 'lockout_minutes' | 'version'
      >,
    ) => ({
      version: row.version,
      key: row.id,
      change: {
        entity: 'tenant',
        key: row.id,
        version: row.version,
        deleted: false,
        data: {
          name: row.name,
          pricesIncludeTax: row.prices_include_tax,
          loginMaxAttempts: row.login_max_attempts,
          lockoutMinutes: row.lockout_minutes,
        },
      },
    }),
  ),
  tombstonedById('stores', 'store', (row) => ({
    id: row.id,
    code: row.code,
    name: row.name,
    currency: row.currency,
    locale: row.locale,
    timezone: row.timezone,
    country: row.country,
    cashRoundingMinor: row.cash_rounding_minor,
  })),
  tombstonedById('warehouses', 'warehouse', (row) => ({
    id: row.id,
    storeId: row.store_id,
    code: row.code,
    name: row.name,
    isDefault: row.is_default,
  })),
  entityReader(
    (transaction, _scope, after, limit) =>
      transaction
        .selectFrom('users')
        .select([
          'id',
          'name',
          'role',
          'pin_hash',
          'max_discount_basis_points',
          'active',
          'version',
          sql<
            string[]
          >`coalesce((SELECT array_agg(store_id::text ORDER BY store_id) FROM user_stores us WHERE us.user_id = users.id), '{}')`.as(
            'store_ids',
          ),
        ])
        .where(after(UUID_KEY))
        .orderBy('version')
        .orderBy('id')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['users']>,
        'id' | 'name' | 'role' | 'pin_hash' | 'max_discount_basis_points' | 'active' | 'version'
      > & { readonly store_ids: string[] },
      scope: FeedScope,
    ) => ({
      version: row.version,
      key: row.id,
      change: {
        entity: 'user',
        key: row.id,
        version: row.version,
        deleted: false,
        data: {
          id: row.id,
          name: row.name,
          role: row.role,
          // PIN hashes go only to terminals of stores where the user may approve or sell.
          pinHash: row.role === 'ADMIN' || row.store_ids.includes(scope.storeId) ? row.pin_hash : null,
          maxDiscountBasisPoints: row.max_discount_basis_points,
          storeIds: row.store_ids,
          active: row.active,
        },
      },
    }),
  ),
  tombstonedById('categories', 'category', (row) => ({
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
  })),
  tombstonedById('tax_rates', 'tax_rate', (row) => ({
    id: row.id,
    storeId: row.store_id,
    taxClass: row.tax_class,
    name: row.name,
    rateBasisPoints: row.rate_basis_points,
  })),
  tombstonedById('products', 'product', (row) => ({
    id: row.id,
    categoryId: row.category_id,
    name: row.name,
    brand: row.brand,
    description: row.description,
    taxClass: row.tax_class,
    soldByWeight: row.sold_by_weight,
  })),
  tombstonedById('variants', 'variant', (row) => ({
    id: row.id,
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    attributes: row.attributes,
  })),
  entityReader(
    (transaction, _scope, after, limit) =>
      transaction
        .selectFrom('barcodes')
        .select(['code', 'variant_id', 'version', 'deleted_at'])
        .where(after({ columns: ['code'], type: 'text' }))
        .orderBy('version')
        .orderBy(sql`code COLLATE "C"`)
        .limit(limit),
    (
      row: Pick<Selectable<DatabaseSchema['barcodes']>, 'code' | 'variant_id' | 'version' | 'deleted_at'>,
    ) => ({
      version: row.version,
      key: row.code,
      change: {
        entity: 'barcode',
        key: row.code,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: { code: row.code, variantId: row.variant_id },
      },
    }),
  ),
  entityReader(
    (transaction, scope, after, limit) =>
      transaction
        .selectFrom('prices')
        .select(['id', 'variant_id', 'store_id', 'currency', 'amount_minor', 'version', 'deleted_at'])
        .where(after(UUID_KEY))
        .where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', scope.storeId)]))
        .orderBy('version')
        .orderBy('id')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['prices']>,
        'id' | 'variant_id' | 'store_id' | 'currency' | 'amount_minor' | 'version' | 'deleted_at'
      >,
    ) => ({
      version: row.version,
      key: row.id,
      change: {
        entity: 'price',
        key: row.id,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: {
          id: row.id,
          variantId: row.variant_id,
          storeId: row.store_id,
          currency: row.currency,
          amountMinor: row.amount_minor,
        },
      },
    }),
  ),
  entityReader(
    (transaction, scope, after, limit) => {
      if (scope.warehouseIds.length === 0) return null;
      return transaction
        .selectFrom('stock_levels')
        .select([
          'warehouse_id',
          'variant_id',
          sql<string>`qty_on_hand::text`.as('qty_on_hand'),
          sql<string>`qty_reserved::text`.as('qty_reserved'),
          sql<string>`qty_available::text`.as('qty_available'),
          'version',
        ])
        .where(after({ columns: ['warehouse_id', 'variant_id'], type: 'uuid' }))
        .where('warehouse_id', 'in', scope.warehouseIds)
        .orderBy('version')
        .orderBy('warehouse_id')
        .orderBy('variant_id')
        .limit(limit);
    },
    (
      row: Pick<
        Selectable<DatabaseSchema['stock_levels']>,
        'warehouse_id' | 'variant_id' | 'qty_on_hand' | 'qty_reserved' | 'qty_available' | 'version'
      >,
    ) => {
      const key = `${row.warehouse_id}:${row.variant_id}`;
      return {
        version: row.version,
        key,
        change: {
          entity: 'stock_level',
          key,
          version: row.version,
          deleted: false,
          data: {
            warehouseId: row.warehouse_id,
            variantId: row.variant_id,
            qtyOnHand: row.qty_on_hand,
            qtyReserved: row.qty_reserved,
            qtyAvailable: row.qty_available,
          },
        },
      };
    },
  ),
  entityReader(
    (transaction, scope, after, limit) =>
      transaction
        .selectFrom('safety_buffers')
        .select([
          'store_id',
          'variant_id',
          sql<string>`quantity::text`.as('quantity'),
          'version',
          'deleted_at',
        ])
        .where(after({ columns: ['variant_id'], type: 'uuid' }))
        .where('store_id', '=', scope.storeId)
        .orderBy('version')
        .orderBy('variant_id')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['safety_buffers']>,
        'store_id' | 'variant_id' | 'quantity' | 'version' | 'deleted_at'
      >,
    ) => ({
      version: row.version,
      key: row.variant_id,
      change: {
        entity: 'safety_buffer',
        key: row.variant_id,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: { storeId: row.store_id, variantId: row.variant_id, quantity: row.quantity },
      },
    }),
  ),
  entityReader(
    (transaction, scope, after, limit) =>
      transaction
        .selectFrom('folio_series')
        .select([
          'id',
          'store_id',
          'terminal_id',
          'document_type',
          'scope',
          'prefix',
          'version',
          'deleted_at',
        ])
        .where(after(UUID_KEY))
        .where('store_id', '=', scope.storeId)
        .where((eb) => eb.or([eb('terminal_id', 'is', null), eb('terminal_id', '=', scope.terminalId)]))
        .orderBy('version')
        .orderBy('id')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['folio_series']>,
        'id' | 'store_id' | 'terminal_id' | 'document_type' | 'scope' | 'prefix' | 'version' | 'deleted_at'
      >,
    ) => ({
      version: row.version,
      key: row.id,
      change: {
        entity: 'folio_series',
        key: row.id,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: {
          id: row.id,
          storeId: row.store_id,
          terminalId: row.terminal_id,
          documentType: row.document_type,
          scope: row.scope,
          prefix: row.prefix,
        },
      },
    }),
  ),
  entityReader(
    (transaction, scope, after, limit) =>
      transaction
        .selectFrom('terminals')
        .select(['id', 'store_id', 'name', 'status', 'planned_offline', 'version'])
        .where(after(UUID_KEY))
        .where('id', '=', scope.terminalId)
        .orderBy('version')
        .limit(limit),
    (
      row: Pick<
        Selectable<DatabaseSchema['terminals']>,
        'id' | 'store_id' | 'name' | 'status' | 'planned_offline' | 'version'
      >,
    ) => ({
      version: row.version,
      key: row.id,
      change: {
        entity: 'terminal',
        key: row.id,
        version: row.version,
        deleted: false,
        data: {
          id: row.id,
          storeId: row.store_id,
          name: row.name,
          status: row.status,
          plannedOffline: row.planned_offline,
        },
      },
    }),
  ),
];

/** How many entities the feed carries; a cursor's entity index is below this. */
export const FEED_ENTITY_COUNT = ENTITY_READERS.length;

export interface EntityRows {
  /** The live changes (tombstones left out). */
  readonly changes: StateChange[];
  /** The highest version among the rows read; null when none was. */
  readonly versionMax: number | null;
  /** Where the next page of this entity starts; null when the entity has no more rows. */
  readonly next: FeedCursor | null;
}

/**
 * Every live row of one entity the terminal may see, `limit` rows at a time in feed order: rows
 * after `after` (a cursor naming this entity, or null for its first row), tombstones left out.
 * The snapshot reads the feed through this.
 */
export async function readEntityRows(
  transaction: TenantTransaction,
  scope: FeedScope,
  entityIndex: number,
  after: FeedCursor | null,
  limit: number,
): Promise<EntityRows> {
  const reader = ENTITY_READERS[entityIndex];
  if (reader === undefined) throw new Error(`the feed has no entity ${entityIndex}`);
  if (after !== null && after.entityIndex !== entityIndex) {
    throw new Error(`a cursor of entity ${after.entityIndex} cannot page entity ${entityIndex}`);
  }
  const rows = await readRows(
    reader,
    transaction,
    scope,
    afterCursor(after ?? { version: FEED_START.version, entityIndex, key: '' }, entityIndex),
    limit,
  );
  // json_agg keeps the subquery's order in practice; the cursor is taken from the largest row anyway.
  let last: (FeedRow & { entityIndex: number }) | undefined;
  for (const row of rows) {
    const candidate = { ...row, entityIndex };
    if (last === undefined || feedOrder(candidate, last) > 0) last = candidate;
  }
  const live: StateChange[] = [];
  for (const row of rows) if (!row.change.deleted) live.push(row.change);
  return {
    changes: live,
    versionMax: last?.version ?? null,
    next:
      rows.length < limit || last === undefined
        ? null
        : { version: last.version, entityIndex, key: last.key },
  };
}

export interface FeedPage {
  readonly changes: StateChange[];
  readonly nextCursor: FeedCursor;
  readonly hasMore: boolean;
}

/**
 * One page of changes after `cursor`, in (version, entity, key) order. Each entity is read with the
 * same limit and the results merged, so a page never holds a change that sorts after one left out.
 */
export async function readFeedPage(
  transaction: TenantTransaction,
  scope: FeedScope,
  cursor: FeedCursor,
  limit: number,
): Promise<FeedPage> {
  let candidates: (FeedRow & { entityIndex: number })[] = [];
  // Once a page and one more row are in hand, a later entity's row can only make the page if its
  // version is below the version of that extra row: at an equal version it sorts after it (a
  // larger entity index). So each later reader is bounded, and skipped when nothing can qualify —
  // a bootstrap, where most rows share one version, reads about one page of rows per page.
  let versionBelow: number | undefined;
  for (const [entityIndex, reader] of ENTITY_READERS.entries()) {
    if (versionBelow !== undefined && versionBelow <= cursor.version) break;
    const after = boundedAbove(afterCursor(cursor, entityIndex), versionBelow);
    const rows = await readRows(reader, transaction, scope, after, limit + 1);
    for (const row of rows) candidates.push({ ...row, entityIndex });
    if (candidates.length > limit) {
      candidates.sort(feedOrder);
      candidates = candidates.slice(0, limit + 1);
      versionBelow = candidates[limit]!.version;
    }
  }
  candidates.sort(feedOrder);
  const page = candidates.slice(0, limit);
  const last = page.at(-1);
  return {
    changes: page.map((row) => row.change),
    nextCursor:
      last === undefined ? cursor : { version: last.version, entityIndex: last.entityIndex, key: last.key },
    hasMore: candidates.length > limit,
  };
}

function feedOrder(
  left: FeedRow & { entityIndex: number },
  right: FeedRow & { entityIndex: number },
): number {
  return (
    left.version - right.version ||
    left.entityIndex - right.entityIndex ||
    (left.key < right.key ? -1 : left.key > right.key ? 1 : 0)
  );
}

function boundedAbove(after: AfterCursor, versionBelow: number | undefined): AfterCursor {
  if (versionBelow === undefined) return after;
  return (keyColumns) => sql<SqlBool>`(${after(keyColumns)}) AND version < ${versionBelow}`;
}
