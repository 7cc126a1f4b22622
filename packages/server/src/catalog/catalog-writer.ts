import type { createVariantSchema, setPriceSchema } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { TenantWork } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';

type VariantInput = z.output<typeof createVariantSchema>;
type PriceInput = z.output<typeof setPriceSchema>;

/** Adds a barcode, reviving a deleted one of the same code; a live duplicate is refused. */
export async function addBarcode(work: TenantWork, variantId: string, code: string): Promise<void> {
  const version = await work.changeVersion();
  const row = await work.transaction
    .insertInto('barcodes')
    .values({ tenant_id: work.scope.tenantId, code, variant_id: variantId, version, deleted_at: null })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant_id', 'code'])
        .doUpdateSet({ variant_id: variantId, version, deleted_at: null })
        .where('barcodes.deleted_at', 'is not', null),
    )
    .returning('code')
    .executeTakeFirst();
  if (row === undefined) throw new ApiError('ALREADY_EXISTS', 409, { barcode: code });
}

/** Sets the tenant-wide price in a currency, or a store's override when storeId is given. */
export async function setPrice(work: TenantWork, variantId: string, input: PriceInput) {
  if (input.storeId !== null) {
    const store = await work.transaction
      .selectFrom('stores')
      .select('currency')
      .where('id', '=', input.storeId)
      .executeTakeFirst();
    if (store === undefined) throw new ApiError('REFERENCE_NOT_FOUND', 422, { storeId: input.storeId });
    if (store.currency !== input.currency) {
      throw new ApiError('CURRENCY_MISMATCH', 422, {
        storeCurrency: store.currency,
        currency: input.currency,
      });
    }
  }
  const version = await work.changeVersion();
  let existing = work.transaction
    .selectFrom('prices')
    .select('id')
    .where('variant_id', '=', variantId)
    .where('currency', '=', input.currency)
    .where('deleted_at', 'is', null);
  existing =
    input.storeId === null
      ? existing.where('store_id', 'is', null)
      : existing.where('store_id', '=', input.storeId);
  const current = await existing.executeTakeFirst();
  const row =
    current === undefined
      ? await work.transaction
          .insertInto('prices')
          .values({
            tenant_id: work.scope.tenantId,
            id: uuidv7(),
            variant_id: variantId,
            store_id: input.storeId,
            currency: input.currency,
            amount_minor: input.amountMinor,
            version,
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
      : await work.transaction
          .updateTable('prices')
          .set({ amount_minor: input.amountMinor, version })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
  return {
    id: row.id,
    variantId: row.variant_id,
    storeId: row.store_id,
    currency: row.currency,
    amountMinor: row.amount_minor,
    version: row.version,
  };
}

export async function insertVariant(
  work: TenantWork,
  productId: string,
  input: VariantInput,
): Promise<string> {
  const id = uuidv7();
  await work.transaction
    .insertInto('variants')
    .values({
      tenant_id: work.scope.tenantId,
      id,
      product_id: productId,
      sku: input.sku,
      name: input.name,
      attributes: JSON.stringify(input.attributes),
      version: await work.changeVersion(),
      deleted_at: null,
    })
    .execute();
  for (const code of new Set(input.barcodes)) await addBarcode(work, id, code);
  for (const price of input.prices) await setPrice(work, id, price);
  return id;
}
