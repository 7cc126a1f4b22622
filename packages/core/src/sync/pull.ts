import { z } from 'zod';
import { ROLES } from '../auth/permissions';

/** Pages are bounded so a 100k-SKU catalog streams in many small responses. */
export const PULL_PAGE_CHANGES_MAX = 5_000;

/**
 * State a terminal keeps, as it travels in the change feed. Each change names its entity and key,
 * the tenant version that produced it, and either the row (`data`) or a tombstone (`deleted`).
 */
const change = <E extends string, D extends z.ZodType>(entity: E, data: D) =>
  z.object({
    entity: z.literal(entity),
    key: z.string(),
    version: z.number().int(),
    deleted: z.boolean(),
    data: data.nullable(),
  });

export const stateChangeSchema = z.discriminatedUnion('entity', [
  change(
    'tenant',
    z.object({
      name: z.string(),
      pricesIncludeTax: z.boolean(),
      loginMaxAttempts: z.number().int(),
      lockoutMinutes: z.number().int(),
    }),
  ),
  change(
    'store',
    z.object({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      currency: z.string(),
      locale: z.string(),
      timezone: z.string(),
      country: z.string(),
      cashRoundingMinor: z.number().int(),
    }),
  ),
  change(
    'warehouse',
    z.object({
      id: z.string(),
      storeId: z.string(),
      code: z.string(),
      name: z.string(),
      isDefault: z.boolean(),
    }),
  ),
  change(
    'user',
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(ROLES),
      pinHash: z.string().nullable(),
      maxDiscountBasisPoints: z.number().int(),
      storeIds: z.array(z.string()),
      active: z.boolean(),
    }),
  ),
  change('category', z.object({ id: z.string(), parentId: z.string().nullable(), name: z.string() })),
  change(
    'tax_rate',
    z.object({
      id: z.string(),
      storeId: z.string().nullable(),
      taxClass: z.string(),
      name: z.string(),
      rateBasisPoints: z.number().int(),
    }),
  ),
  change(
    'product',
    z.object({
      id: z.string(),
      categoryId: z.string().nullable(),
      name: z.string(),
      brand: z.string(),
      description: z.string(),
      taxClass: z.string(),
      soldByWeight: z.boolean(),
    }),
  ),
  change(
    'variant',
    z.object({
      id: z.string(),
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      attributes: z.record(z.string(), z.string()),
    }),
  ),
  change('barcode', z.object({ code: z.string(), variantId: z.string() })),
  change(
    'price',
    z.object({
      id: z.string(),
      variantId: z.string(),
      storeId: z.string().nullable(),
      currency: z.string(),
      amountMinor: z.number().int(),
    }),
  ),
  change(
    'stock_level',
    z.object({
      warehouseId: z.string(),
      variantId: z.string(),
      qtyOnHand: z.string(),
      qtyReserved: z.string(),
      qtyAvailable: z.string(),
    }),
  ),
  change('safety_buffer', z.object({ storeId: z.string(), variantId: z.string(), quantity: z.string() })),
  change(
    'folio_series',
    z.object({
      id: z.string(),
      storeId: z.string(),
      terminalId: z.string().nullable(),
      documentType: z.enum(['sale', 'refund']),
      scope: z.enum(['per_store', 'per_terminal']),
      prefix: z.string(),
    }),
  ),
  change(
    'terminal',
    z.object({
      id: z.string(),
      storeId: z.string(),
      name: z.string(),
      status: z.string(),
      plannedOffline: z.boolean(),
    }),
  ),
]);
export type StateChange = z.infer<typeof stateChangeSchema>;
export type StateEntity = StateChange['entity'];

export const pullQuerySchema = z.strictObject({
  /** Opaque; absent or "0" for a full snapshot. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PULL_PAGE_CHANGES_MAX).default(1000),
});

export const pullResponseSchema = z.object({
  changes: z.array(stateChangeSchema),
  /** Pass back as `cursor` for the next page; apply the page and store the cursor in one local transaction. */
  nextCursor: z.string(),
  hasMore: z.boolean(),
  serverTime: z.string(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
