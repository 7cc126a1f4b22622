import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../testing/test-server';
import { insertRows } from './bulk-insert';
import { type Database, openDatabase } from './database';
import { withTenant } from './tenant-transaction';

describe('insertRows', () => {
  let database: Database;
  let tenant: TestTenant;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
    tenant = await createTestTenant(database, 1);
  });
  afterAll(async () => database.close());

  it('writes the columns each row carries, and lets a row that leaves one out take its default', async () => {
    const product = (name: string) => ({
      tenant_id: tenant.tenantId,
      id: uuidv7(),
      name,
      tax_class: 'general',
      version: 1,
    });
    const branded = { ...product('branded'), brand: 'Marca' };
    const plain = product('plain');
    const reordered = { brand: 'Otra', ...product('reordered'), sold_by_weight: true };
    const alsoBranded = { ...product('also branded'), brand: 'Marca 2' };
    const scope = { tenantId: tenant.tenantId, userId: null };
    const stored = await withTenant(database.app, scope, async (work) => {
      await insertRows(work, 'products', [branded, plain, reordered, alsoBranded]);
      return work.transaction
        .selectFrom('products')
        .select(['name', 'brand', 'sold_by_weight'])
        .where('id', 'in', [branded.id, plain.id, reordered.id, alsoBranded.id])
        .orderBy('name')
        .execute();
    });
    expect(stored).toEqual([
      { name: 'also branded', brand: 'Marca 2', sold_by_weight: false },
      { name: 'branded', brand: 'Marca', sold_by_weight: false },
      { name: 'plain', brand: '', sold_by_weight: false },
      { name: 'reordered', brand: 'Otra', sold_by_weight: true },
    ]);
  });
});
