import type { StateChange } from '@mostrador/core';
import { type Expression, type Selectable, type SqlBool, sql } from 'kysely';
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

export interface FeedScope {
  readonly storeId: string;
  readonly terminalId: string;
  readonly warehouseIds: readonly string[];
}

interface FeedRow {
  readonly version: number;
  readonly key: string;
  readonly change: StateChange;
}

/** The columns that order one entity's rows within a version, and how to compare them. */
type KeyColumns = { readonly columns: readonly string[]; readonly type: 'uuid' | 'text' };
type AfterCursor = (keyColumns: KeyColumns) => Expression<SqlBool>;

type EntityReader = (
  transaction: TenantTransaction,
  scope: FeedScope,
  after: AfterCursor,
  limit: number,
) => Promise<FeedRow[]>;

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
  return async (transaction, _scope, after, limit) => {
    const rows = await transaction
      .selectFrom(table as TombstonedTable)
      .selectAll()
      .where(after(UUID_KEY))
      .orderBy('version')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      version: row.version,
      key: row.id,
      change: {
        entity,
        key: row.id,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: data(row as Selectable<DatabaseSchema[T]>),
      } as StateChange,
    }));
  };
}

const ENTITY_READERS: readonly EntityReader[] = [
  async (transaction, _scope, after, limit) => {
    const rows = await transaction
      .selectFrom('tenants')
      .select(['id', 'name', 'prices_include_tax', 'login_max_attempts', 'lockout_minutes', 'version'])
      .where(after(UUID_KEY))
      .orderBy('version')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
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
    }));
  },
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
  async (transaction, scope, after, limit) => {
    const rows = await transaction
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
      .limit(limit)
      .execute();
    return rows.map((row) => {
      // PIN hashes go only to terminals of stores where the user may approve or sell.
      const servesStore = row.role === 'ADMIN' || row.store_ids.includes(scope.storeId);
      return {
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
            pinHash: servesStore ? row.pin_hash : null,
            maxDiscountBasisPoints: row.max_discount_basis_points,
            storeIds: row.store_ids,
            active: row.active,
          },
        },
      };
    });
  },
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
  async (transaction, _scope, after, limit) => {
    const rows = await transaction
      .selectFrom('barcodes')
      .selectAll()
      .where(after({ columns: ['code'], type: 'text' }))
      .orderBy('version')
      .orderBy(sql`code COLLATE "C"`)
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      version: row.version,
      key: row.code,
      change: {
        entity: 'barcode',
        key: row.code,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: { code: row.code, variantId: row.variant_id },
      },
    }));
  },
  async (transaction, scope, after, limit) => {
    const rows = await transaction
      .selectFrom('prices')
      .selectAll()
      .where(after(UUID_KEY))
      .where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', scope.storeId)]))
      .orderBy('version')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
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
    }));
  },
  async (transaction, scope, after, limit) => {
    if (scope.warehouseIds.length === 0) return [];
    const rows = await transaction
      .selectFrom('stock_levels')
      .select(['warehouse_id', 'variant_id', 'qty_on_hand', 'qty_reserved', 'qty_available', 'version'])
      .where(after({ columns: ['warehouse_id', 'variant_id'], type: 'uuid' }))
      .where('warehouse_id', 'in', scope.warehouseIds)
      .orderBy('version')
      .orderBy('warehouse_id')
      .orderBy('variant_id')
      .limit(limit)
      .execute();
    return rows.map((row) => {
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
    });
  },
  async (transaction, scope, after, limit) => {
    const rows = await transaction
      .selectFrom('safety_buffers')
      .selectAll()
      .where(after({ columns: ['variant_id'], type: 'uuid' }))
      .where('store_id', '=', scope.storeId)
      .orderBy('version')
      .orderBy('variant_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      version: row.version,
      key: row.variant_id,
      change: {
        entity: 'safety_buffer',
        key: row.variant_id,
        version: row.version,
        deleted: tombstone(row.deleted_at),
        data: { storeId: row.store_id, variantId: row.variant_id, quantity: row.quantity },
      },
    }));
  },
  async (transaction, scope, after, limit) => {
    const rows = await transaction
      .selectFrom('folio_series')
      .select(['id', 'store_id', 'terminal_id', 'document_type', 'scope', 'prefix', 'version', 'deleted_at'])
      .where(after(UUID_KEY))
      .where('store_id', '=', scope.storeId)
      .where((eb) => eb.or([eb('terminal_id', 'is', null), eb('terminal_id', '=', scope.terminalId)]))
      .orderBy('version')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
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
    }));
  },
  async (transaction, scope, after, limit) => {
    const rows = await transaction
      .selectFrom('terminals')
      .select(['id', 'store_id', 'name', 'status', 'planned_offline', 'version'])
      .where(after(UUID_KEY))
      .where('id', '=', scope.terminalId)
      .orderBy('version')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
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
    }));
  },
];

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
    const rows = await reader(transaction, scope, after, limit + 1);
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
