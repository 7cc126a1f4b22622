import type { FactEnvelope, SaleCompleted } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../database/tenant-transaction';
import { pricedVariants } from '../sync/push-test-kit';
import { createTestTenant, startTestServer, type TestServer, type TestTenant } from '../testing/test-server';
import {
  loadPricesInForce,
  PRICE_ROWS_PER_VARIANT,
  type PriceHistoryRow,
  priceInForceAt,
} from './price-in-force';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const row = (
  storeOverride: boolean,
  minute: number,
  amountMinor: number,
  deleted = false,
): PriceHistoryRow => ({
  storeOverride,
  validFrom: at(minute),
  deleted,
  amountMinor,
});

describe('priceInForceAt: the rule, from a variant’s latest rows', () => {
  // Newest first, as the database reads them.
  const rows = [
    row(true, 50, 0, true), // the store override removed at minute 50
    row(false, 40, 1_300),
    row(true, 30, 1_900), // a store override from minute 30
    row(false, 10, 1_000),
  ];

  it('takes the store override where there is one, else the tenant-wide price', () => {
    const history = { rows, complete: true };
    expect(priceInForceAt(history, at(5))).toBeNull();
    expect(priceInForceAt(history, at(10))).toBe(1_000);
    expect(priceInForceAt(history, at(35))).toBe(1_900);
    expect(priceInForceAt(history, at(45))).toBe(1_900);
    // A removed override falls back to the tenant-wide price in force.
    expect(priceInForceAt(history, at(55))).toBe(1_300);
  });

  it('a tenant-wide deletion means no price', () => {
    const history = { rows: [row(false, 20, 0, true), row(false, 10, 1_000)], complete: true };
    expect(priceInForceAt(history, at(15))).toBe(1_000);
    expect(priceInForceAt(history, at(25))).toBeNull();
  });

  it('leaves undecided what lies in rows older than those read', () => {
    const history = { rows: rows.slice(0, 2), complete: false };
    // Minute 55: the removed override, then the tenant-wide price of minute 40; both were read.
    expect(priceInForceAt(history, at(55))).toBe(1_300);
    // Minute 45: an older override may be in force, and it was not read.
    expect(priceInForceAt(history, at(45))).toBe('undecided');
    expect(priceInForceAt({ rows: [], complete: false }, at(45))).toBe('undecided');
    expect(priceInForceAt({ rows: [], complete: true }, at(45))).toBeNull();
  });
});

describe('loadPricesInForce against the database', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let variants: string[];

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 10);
    variants = (await pricedVariants(server.database, tenant.tenantId, 'MXN', 3)).map((v) => v.variantId);
  });
  afterAll(async () => {
    await server.close();
  });

  it('agrees with the rule row by row, also for a variant with more changes than one read takes', async () => {
    const storeId = tenant.storeIds.MX;
    const [busy, overridden, unpriced] = variants as [string, string, string];
    const history: {
      variantId: string;
      storeId: string | null;
      minute: number;
      amount: number;
      deleted: boolean;
    }[] = [];
    // More tenant-wide changes than PRICE_ROWS_PER_VARIANT, with a store override early on.
    const changes = PRICE_ROWS_PER_VARIANT + 20;
    for (let index = 0; index < changes; index += 1) {
      history.push({
        variantId: busy,
        storeId: null,
        minute: 100 + index * 10,
        amount: 1_000 + index,
        deleted: false,
      });
    }
    history.push({ variantId: busy, storeId, minute: 105, amount: 7_777, deleted: false });
    history.push({ variantId: busy, storeId, minute: 135, amount: 0, deleted: true });
    history.push({ variantId: overridden, storeId: null, minute: 100, amount: 500, deleted: false });
    history.push({ variantId: overridden, storeId, minute: 200, amount: 450, deleted: false });
    history.push({ variantId: overridden, storeId: null, minute: 300, amount: 0, deleted: true });
    // The seeded prices are in force from when the tenant was made; these rows go back before them.
    await server.database.system
      .deleteFrom('price_history')
      .where('tenant_id', '=', tenant.tenantId)
      .where('variant_id', 'in', variants)
      .execute();
    await server.database.system
      .insertInto('price_history')
      .values(
        history.map((entry) => ({
          tenant_id: tenant.tenantId,
          price_id: uuidv7(),
          variant_id: entry.variantId,
          store_id: entry.storeId,
          currency: 'MXN',
          amount_minor: entry.amount,
          valid_from: at(entry.minute),
          deleted: entry.deleted,
        })),
      )
      .execute();

    const expected = (variantId: string, minute: number): number | null => {
      const latest = (store: string | null) =>
        history
          .filter(
            (entry) => entry.variantId === variantId && entry.storeId === store && entry.minute <= minute,
          )
          .sort((left, right) => right.minute - left.minute)[0];
      const override = latest(storeId);
      if (override !== undefined && !override.deleted) return override.amount;
      const tenantWide = latest(null);
      return tenantWide === undefined || tenantWide.deleted ? null : tenantWide.amount;
    };
    const minutes = [50, 100, 104, 105, 110, 134, 135, 140, 200, 299, 300, 500, 700, 100 + changes * 10];
    const sales = minutes.map((minute) => saleAt(minute, [busy, overridden, unpriced]));
    const prices = await withTenant(
      server.database.app,
      { tenantId: tenant.tenantId, userId: null },
      (work) => loadPricesInForce(work, storeId, sales, at(100_000)),
    );
    const judged = sales.flatMap(({ sale }, index) =>
      sale.lines.map((line) => [minutes[index], line.variantId, prices.get(`${sale.saleId}:${line.lineId}`)]),
    );
    const rule = sales.flatMap(({ sale }, index) =>
      sale.lines.map((line) => [minutes[index], line.variantId, expected(line.variantId, minutes[index]!)]),
    );
    expect(judged).toEqual(rule);
    // The early minutes of the busy variant lie beyond the rows one read takes: asked line by line.
    expect(prices.get(`${sales[3]!.sale.saleId}:${sales[3]!.sale.lines[0]!.lineId}`)).toBe(7_777);
    expect(prices.get(`${sales[6]!.sale.saleId}:${sales[6]!.sale.lines[0]!.lineId}`)).toBe(1_003);
  });
});

/** The fields of a sale and its fact that the price rule reads; the rest is not looked at. */
function saleAt(minute: number, variantIds: readonly string[]): { fact: FactEnvelope; sale: SaleCompleted } {
  const time = at(minute).toISOString();
  const sale = {
    saleId: uuidv7(),
    currency: 'MXN',
    lines: variantIds.map((variantId) => ({ lineId: uuidv7(), variantId })),
  };
  const fact = { deviceTime: time, lastServerTime: null };
  return { fact: fact as unknown as FactEnvelope, sale: sale as unknown as SaleCompleted };
}
