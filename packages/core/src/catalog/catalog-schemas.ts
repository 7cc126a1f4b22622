import { z } from 'zod';
import { ROLES } from '../auth/permissions';
import { currencyCodeSchema } from '../money/money-schema';

/**
 * The catalog and store shapes as they cross HTTP: the server validates its bodies and answers
 * with them, and terminals parse what they pull with the same schemas.
 */
export const idSchema = z.uuid();
/** Exact decimal with up to three places (weighed goods), carried as a string. */
export const decimalQuantitySchema = z
  .string()
  .regex(/^-?\d{1,11}(\.\d{1,3})?$/, 'decimal with up to 3 places, e.g. "1.250"');
export const priceAmountMinorSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const barcodeSchema = z.string().regex(/^[0-9A-Za-z\-.]{4,32}$/, '4 to 32 letters, digits, - or .');
export const taxClassSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);
const nameSchema = z.string().trim().min(1).max(200);
const attributesSchema = z
  .record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,31}$/), z.string().max(100))
  .refine((attributes) => Object.keys(attributes).length <= 20, 'at most 20 attributes');

export const storeSchema = z.object({
  id: idSchema,
  code: z.string(),
  name: z.string(),
  currency: z.string(),
  locale: z.string(),
  timezone: z.string(),
  country: z.string(),
  cashRoundingMinor: z.number().int(),
  version: z.number().int(),
});
export type Store = z.infer<typeof storeSchema>;

export const createStoreSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]{1,16}$/),
  name: nameSchema,
  currency: currencyCodeSchema,
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/),
  timezone: z.string().min(3).max(64),
  country: z.string().regex(/^[A-Z]{2}$/),
  cashRoundingMinor: z.number().int().min(1).max(100_000),
});
export const updateStoreSchema = createStoreSchema.partial().omit({ code: true, currency: true });

export const warehouseSchema = z.object({
  id: idSchema,
  storeId: idSchema,
  code: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  version: z.number().int(),
});
export const createWarehouseSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]{1,16}$/),
  name: nameSchema,
  isDefault: z.boolean().default(false),
});

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  storeIds: z.array(idSchema),
  maxDiscountBasisPoints: z.number().int(),
  active: z.boolean(),
  locked: z.boolean(),
  hasPin: z.boolean(),
  version: z.number().int(),
});
export type User = z.infer<typeof userSchema>;
const pinSchema = z.string().regex(/^\d{4,6}$/, 'PIN of 4 to 6 digits');
const passwordSchema = z.string().min(10).max(200);
export const createUserSchema = z.strictObject({
  email: z.email().max(200),
  name: nameSchema,
  role: z.enum(ROLES),
  password: passwordSchema.optional(),
  pin: pinSchema.optional(),
  storeIds: z.array(idSchema).max(100).default([]),
  maxDiscountBasisPoints: z.number().int().min(0).max(10_000).optional(),
});
export const updateUserSchema = z.strictObject({
  name: nameSchema.optional(),
  role: z.enum(ROLES).optional(),
  password: passwordSchema.optional(),
  pin: pinSchema.optional(),
  storeIds: z.array(idSchema).max(100).optional(),
  maxDiscountBasisPoints: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
});

export const categorySchema = z.object({
  id: idSchema,
  parentId: idSchema.nullable(),
  name: z.string(),
  version: z.number().int(),
});
export const createCategorySchema = z.strictObject({
  name: nameSchema,
  parentId: idSchema.nullable().default(null),
});
export const updateCategorySchema = z.strictObject({
  name: nameSchema.optional(),
  parentId: idSchema.nullable().optional(),
});

export const taxRateSchema = z.object({
  id: idSchema,
  storeId: idSchema.nullable(),
  taxClass: z.string(),
  name: z.string(),
  rateBasisPoints: z.number().int(),
  version: z.number().int(),
});
export const createTaxRateSchema = z.strictObject({
  storeId: idSchema.nullable().default(null),
  taxClass: taxClassSchema,
  name: nameSchema,
  rateBasisPoints: z.number().int().min(0).max(10_000),
});
export const updateTaxRateSchema = z.strictObject({
  name: nameSchema.optional(),
  rateBasisPoints: z.number().int().min(0).max(10_000).optional(),
});

export const priceSchema = z.object({
  id: idSchema,
  variantId: idSchema,
  storeId: idSchema.nullable(),
  currency: z.string(),
  amountMinor: z.number().int(),
  version: z.number().int(),
});
export const setPriceSchema = z.strictObject({
  currency: currencyCodeSchema,
  storeId: idSchema.nullable().default(null),
  amountMinor: priceAmountMinorSchema,
});

export const variantSchema = z.object({
  id: idSchema,
  productId: idSchema,
  sku: z.string(),
  name: z.string(),
  attributes: z.record(z.string(), z.string()),
  barcodes: z.array(z.string()),
  prices: z.array(priceSchema),
  version: z.number().int(),
});
export type Variant = z.infer<typeof variantSchema>;
const skuSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-_.]{0,39}$/, 'SKU of 1 to 40 letters, digits, - _ .');
export const createVariantSchema = z.strictObject({
  sku: skuSchema,
  name: nameSchema,
  attributes: attributesSchema.default({}),
  barcodes: z.array(barcodeSchema).max(10).default([]),
  prices: z.array(setPriceSchema).max(100).default([]),
});
export const updateVariantSchema = z.strictObject({
  sku: skuSchema.optional(),
  name: nameSchema.optional(),
  attributes: attributesSchema.optional(),
});

export const productSchema = z.object({
  id: idSchema,
  categoryId: idSchema.nullable(),
  name: z.string(),
  brand: z.string(),
  description: z.string(),
  taxClass: z.string(),
  soldByWeight: z.boolean(),
  variants: z.array(variantSchema),
  version: z.number().int(),
});
export type Product = z.infer<typeof productSchema>;
export const createProductSchema = z.strictObject({
  categoryId: idSchema.nullable().default(null),
  name: nameSchema,
  brand: z.string().trim().max(100).default(''),
  description: z.string().max(4000).default(''),
  taxClass: taxClassSchema,
  soldByWeight: z.boolean().default(false),
  variants: z.array(createVariantSchema).min(1).max(200),
});
export const updateProductSchema = z.strictObject({
  categoryId: idSchema.nullable().optional(),
  name: nameSchema.optional(),
  brand: z.string().trim().max(100).optional(),
  description: z.string().max(4000).optional(),
  taxClass: taxClassSchema.optional(),
  soldByWeight: z.boolean().optional(),
});
export const addBarcodeSchema = z.strictObject({ code: barcodeSchema });

export const stockLevelSchema = z.object({
  warehouseId: idSchema,
  variantId: idSchema,
  sku: z.string(),
  qtyOnHand: z.string(),
  qtyReserved: z.string(),
  qtyAvailable: z.string(),
  version: z.number().int(),
});
export const stockMovementSchema = z.object({
  id: idSchema,
  warehouseId: idSchema,
  variantId: idSchema,
  qtyDelta: z.string(),
  reason: z.string(),
  reference: z.string(),
  userId: idSchema.nullable(),
  createdAt: z.string(),
});
const positiveQuantitySchema = decimalQuantitySchema.refine(
  (value) => !value.startsWith('-') && /[1-9]/.test(value),
  {
    message: 'must be greater than zero',
  },
);
export const stockReceiptSchema = z.strictObject({
  warehouseId: idSchema,
  reference: z.string().max(200).default(''),
  lines: z
    .array(z.strictObject({ variantId: idSchema, quantity: positiveQuantitySchema }))
    .min(1)
    .max(1000),
});
export const stockAdjustmentSchema = z.strictObject({
  warehouseId: idSchema,
  reason: z.string().trim().min(1).max(200),
  lines: z
    .array(
      z.union([
        z.strictObject({ variantId: idSchema, countedQuantity: decimalQuantitySchema }),
        z.strictObject({ variantId: idSchema, quantityDelta: decimalQuantitySchema }),
      ]),
    )
    .min(1)
    .max(1000),
});

export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
