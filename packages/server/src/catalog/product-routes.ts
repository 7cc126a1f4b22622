import {
  addBarcodeSchema,
  barcodeSchema,
  createProductSchema,
  createVariantSchema,
  pageOf,
  priceSchema,
  productSchema,
  setPriceSchema,
  updateProductSchema,
  updateVariantSchema,
  variantSchema,
} from '@mostrador/core';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../database/database';
import { type TenantWork, withTenant } from '../database/tenant-transaction';
import { notFound } from '../http/api-error';
import type { AppInstance } from '../http/app-instance';
import { scopeOf } from '../http/authorization';
import { addBarcode, insertVariant, setPrice } from './catalog-writer';
import { readProducts } from './product-reader';

const idParams = z.strictObject({ id: z.uuid() });
const productSearchQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  categoryId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});
const barcodeLookupSchema = z.object({ product: productSchema, variant: variantSchema });

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

async function readOneProduct(work: TenantWork, productId: string) {
  const [product] = await readProducts(work, [productId]);
  if (product === undefined) throw notFound({ productId });
  return product;
}

async function variantOrNotFound(work: TenantWork, variantId: string) {
  const variant = await work.transaction
    .selectFrom('variants')
    .select(['id', 'product_id'])
    .where('id', '=', variantId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (variant === undefined) throw notFound({ variantId });
  return variant;
}

async function audit(
  work: TenantWork,
  action: string,
  entity: string,
  entityId: string,
  details?: Record<string, unknown>,
) {
  await appendAudit(work.transaction, work.scope.tenantId, {
    actorUserId: work.scope.userId,
    action,
    entity,
    entityId,
    ...(details === undefined ? {} : { details }),
  });
}

export function registerProductRoutes(app: AppInstance, database: Database): void {
  app.get(
    '/api/v1/products',
    {
      config: { permission: 'catalog.read' },
      schema: {
        tags: ['catalog'],
        querystring: productSearchQuerySchema,
        response: { 200: pageOf(productSchema) },
      },
    },
    async (request) => {
      const { q, categoryId, limit, cursor } = request.query;
      return withTenant(database.app, scopeOf(request), async (work) => {
        let query = work.transaction
          .selectFrom('products')
          .select('products.id')
          .where('products.deleted_at', 'is', null)
          .orderBy('products.id')
          .limit(limit + 1);
        if (cursor !== undefined) query = query.where('products.id', '>', cursor);
        if (categoryId !== undefined) query = query.where('products.category_id', '=', categoryId);
        if (q !== undefined && q !== '') {
          const pattern = `%${escapeLike(q)}%`;
          query = query.where((eb) =>
            eb.or([
              eb('products.name', 'ilike', pattern),
              eb('products.brand', 'ilike', pattern),
              eb.exists(
                eb
                  .selectFrom('variants')
                  .select(sql.lit(1).as('one'))
                  .whereRef('variants.product_id', '=', 'products.id')
                  .where('variants.deleted_at', 'is', null)
                  .where((inner) =>
                    inner.or([
                      inner('variants.sku', 'ilike', pattern),
                      inner('variants.name', 'ilike', pattern),
                      inner.exists(
                        inner
                          .selectFrom('barcodes')
                          .select(sql.lit(1).as('one'))
                          .whereRef('barcodes.variant_id', '=', 'variants.id')
                          .where('barcodes.code', '=', q)
                          .where('barcodes.deleted_at', 'is', null),
                      ),
                    ]),
                  ),
              ),
            ]),
          );
        }
        const ids = (await query.execute()).map((row) => row.id);
        const pageIds = ids.slice(0, limit);
        return {
          items: await readProducts(work, pageIds),
          nextCursor: ids.length > limit ? (pageIds.at(-1) ?? null) : null,
        };
      });
    },
  );

  app.post(
    '/api/v1/products',
    {
      config: { permission: 'catalog.write' },
      schema: { tags: ['catalog'], body: createProductSchema, response: { 201: productSchema } },
    },
    async (request, reply) => {
      const body = request.body;
      const product = await withTenant(database.app, scopeOf(request), async (work) => {
        const id = uuidv7();
        await work.transaction
          .insertInto('products')
          .values({
            tenant_id: work.scope.tenantId,
            id,
            category_id: body.categoryId,
            name: body.name,
            brand: body.brand,
            description: body.description,
            tax_class: body.taxClass,
            sold_by_weight: body.soldByWeight,
            version: await work.changeVersion(),
            deleted_at: null,
          })
          .execute();
        for (const variant of body.variants) await insertVariant(work, id, variant);
        await audit(work, 'product.created', 'product', id, {
          name: body.name,
          skus: body.variants.map((v) => v.sku),
        });
        return readOneProduct(work, id);
      });
      return reply.status(201).send(product);
    },
  );

  app.get(
    '/api/v1/products/:id',
    {
      config: { permission: 'catalog.read' },
      schema: { tags: ['catalog'], params: idParams, response: { 200: productSchema } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), (work) => readOneProduct(work, request.params.id)),
  );

  app.patch(
    '/api/v1/products/:id',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: updateProductSchema,
        response: { 200: productSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const body = request.body;
        const row = await work.transaction
          .updateTable('products')
          .set({
            version: await work.changeVersion(),
            ...(body.categoryId === undefined ? {} : { category_id: body.categoryId }),
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.brand === undefined ? {} : { brand: body.brand }),
            ...(body.description === undefined ? {} : { description: body.description }),
            ...(body.taxClass === undefined ? {} : { tax_class: body.taxClass }),
            ...(body.soldByWeight === undefined ? {} : { sold_by_weight: body.soldByWeight }),
          })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) throw notFound({ productId: request.params.id });
        await audit(work, 'product.updated', 'product', row.id, body);
        return readOneProduct(work, row.id);
      }),
  );

  app.delete(
    '/api/v1/products/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags: ['catalog'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        const version = await work.changeVersion();
        const now = new Date();
        const row = await work.transaction
          .updateTable('products')
          .set({ deleted_at: now, version })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) throw notFound({ productId: request.params.id });
        await work.transaction
          .updateTable('variants')
          .set({ deleted_at: now, version })
          .where('product_id', '=', row.id)
          .where('deleted_at', 'is', null)
          .execute();
        await audit(work, 'product.deleted', 'product', row.id);
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/products/:id/variants',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: createVariantSchema,
        response: { 201: productSchema },
      },
    },
    async (request, reply) => {
      const product = await withTenant(database.app, scopeOf(request), async (work) => {
        const exists = await work.transaction
          .selectFrom('products')
          .select('id')
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (exists === undefined) throw notFound({ productId: request.params.id });
        const variantId = await insertVariant(work, exists.id, request.body);
        await audit(work, 'variant.created', 'variant', variantId, { sku: request.body.sku });
        return readOneProduct(work, exists.id);
      });
      return reply.status(201).send(product);
    },
  );

  app.patch(
    '/api/v1/variants/:id',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: updateVariantSchema,
        response: { 200: productSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const variant = await variantOrNotFound(work, request.params.id);
        const { sku, name, attributes } = request.body;
        await work.transaction
          .updateTable('variants')
          .set({
            version: await work.changeVersion(),
            ...(sku === undefined ? {} : { sku }),
            ...(name === undefined ? {} : { name }),
            ...(attributes === undefined ? {} : { attributes: JSON.stringify(attributes) }),
          })
          .where('id', '=', variant.id)
          .execute();
        await audit(work, 'variant.updated', 'variant', variant.id, request.body);
        return readOneProduct(work, variant.product_id);
      }),
  );

  app.delete(
    '/api/v1/variants/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags: ['catalog'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        const variant = await variantOrNotFound(work, request.params.id);
        const version = await work.changeVersion();
        const now = new Date();
        await work.transaction
          .updateTable('variants')
          .set({ deleted_at: now, version })
          .where('id', '=', variant.id)
          .execute();
        await work.transaction
          .updateTable('barcodes')
          .set({ deleted_at: now, version })
          .where('variant_id', '=', variant.id)
          .where('deleted_at', 'is', null)
          .execute();
        await audit(work, 'variant.deleted', 'variant', variant.id);
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/variants/:id/barcodes',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: idParams,
        body: addBarcodeSchema,
        response: { 201: productSchema },
      },
    },
    async (request, reply) => {
      const product = await withTenant(database.app, scopeOf(request), async (work) => {
        const variant = await variantOrNotFound(work, request.params.id);
        await addBarcode(work, variant.id, request.body.code);
        await audit(work, 'barcode.added', 'variant', variant.id, { code: request.body.code });
        return readOneProduct(work, variant.product_id);
      });
      return reply.status(201).send(product);
    },
  );

  app.delete(
    '/api/v1/barcodes/:code',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags: ['catalog'],
        params: z.strictObject({ code: barcodeSchema }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .updateTable('barcodes')
          .set({ deleted_at: new Date(), version: await work.changeVersion() })
          .where('code', '=', request.params.code)
          .where('deleted_at', 'is', null)
          .returning(['code', 'variant_id'])
          .executeTakeFirst();
        if (row === undefined) throw notFound({ barcode: request.params.code });
        await audit(work, 'barcode.removed', 'variant', row.variant_id, { code: row.code });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/barcodes/:code',
    {
      config: { permission: 'catalog.read' },
      schema: {
        tags: ['catalog'],
        params: z.strictObject({ code: barcodeSchema }),
        response: { 200: barcodeLookupSchema },
      },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const hit = await work.transaction
          .selectFrom('barcodes')
          .innerJoin('variants', 'variants.id', 'barcodes.variant_id')
          .select(['variants.id as variant_id', 'variants.product_id'])
          .where('barcodes.code', '=', request.params.code)
          .where('barcodes.deleted_at', 'is', null)
          .where('variants.deleted_at', 'is', null)
          .executeTakeFirst();
        if (hit === undefined) throw notFound({ barcode: request.params.code });
        const product = await readOneProduct(work, hit.product_id);
        const variant = product.variants.find((candidate) => candidate.id === hit.variant_id);
        if (variant === undefined) throw notFound({ barcode: request.params.code });
        return { product, variant };
      }),
  );

  app.put(
    '/api/v1/variants/:id/prices',
    {
      config: { permission: 'prices.write' },
      schema: { tags: ['catalog'], params: idParams, body: setPriceSchema, response: { 200: priceSchema } },
    },
    async (request) =>
      withTenant(database.app, scopeOf(request), async (work) => {
        const variant = await variantOrNotFound(work, request.params.id);
        const price = await setPrice(work, variant.id, request.body);
        await audit(work, 'price.set', 'variant', variant.id, request.body);
        return price;
      }),
  );

  app.delete(
    '/api/v1/prices/:id',
    {
      config: { permission: 'prices.write' },
      schema: { tags: ['catalog'], params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withTenant(database.app, scopeOf(request), async (work) => {
        const row = await work.transaction
          .updateTable('prices')
          .set({ deleted_at: new Date(), version: await work.changeVersion() })
          .where('id', '=', request.params.id)
          .where('deleted_at', 'is', null)
          .returning(['id', 'variant_id', 'currency', 'store_id'])
          .executeTakeFirst();
        if (row === undefined) throw notFound({ priceId: request.params.id });
        await audit(work, 'price.removed', 'variant', row.variant_id, {
          priceId: row.id,
          currency: row.currency,
          storeId: row.store_id,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
