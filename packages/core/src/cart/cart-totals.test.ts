import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, type CurrencyCode, type Money, money, subtractMoney, sumMoney } from '../money';
import { parseQuantity, type Quantity, quantityFromMilli, quantityFromUnits } from '../quantity';
import {
  addItem,
  applyCartDiscount,
  applyLineDiscount,
  type Cart,
  type CartOutcome,
  type CatalogItem,
  type CatalogLookup,
  changeQuantity,
  createCart,
} from './cart';
import { cartDiscountBase, cartTotals, lineGross } from './cart-totals';
import type { Discount } from './discount';

function quantity(text: string): Quantity {
  const outcome = parseQuantity(text);
  if (!outcome.ok) throw new Error(`bad quantity in test: ${text}`);
  return outcome.quantity;
}

function cartOf(outcome: CartOutcome): Cart {
  if (!outcome.ok) throw new Error(`expected a cart, got ${outcome.code}`);
  return outcome.cart;
}

function catalog(items: readonly CatalogItem[]): CatalogLookup {
  return (code) => items.find((item) => item.sku === code || item.barcodes.includes(code));
}

function item(sku: string, unitPrice: Money, taxRateBasisPoints: number, soldByWeight = false): CatalogItem {
  return {
    variantId: `variant-${sku}`,
    sku,
    name: sku,
    unitPrice,
    taxRateBasisPoints,
    barcodes: [],
    soldByWeight,
  };
}

const manager = { maxDiscountBasisPoints: 10_000 };
const minor = (amount: Money) => amount.amountMinor;

describe('cartTotals', () => {
  it('is all zeros for an empty cart', () => {
    const totals = cartTotals(createCart('PEN'), { pricesIncludeTax: true });
    expect(totals).toEqual({
      currency: 'PEN',
      pricesIncludeTax: true,
      lines: [],
      subtotal: money(0, 'PEN'),
      discountTotal: money(0, 'PEN'),
      netTotal: money(0, 'PEN'),
      taxTotal: money(0, 'PEN'),
      taxByRate: [],
      total: money(0, 'PEN'),
    });
  });

  it('computes a Costa Rican cart with prices including tax', () => {
    const crc = (amountMinor: number) => money(amountMinor, 'CRC');
    const lookup = catalog([
      item('CAFE', crc(250_000), 1300),
      item('BANANO', crc(120_000), 100, true),
      item('MEDICINA', crc(99_900), 0),
    ]);
    let cart = createCart('CRC');
    cart = cartOf(addItem(cart, { code: 'CAFE', quantity: quantityFromUnits(2) }, lookup));
    cart = cartOf(addItem(cart, { code: 'BANANO', quantity: quantity('1.255') }, lookup));
    cart = cartOf(addItem(cart, { code: 'MEDICINA' }, lookup));
    cart = cartOf(
      applyLineDiscount(cart, 'variant-CAFE', { kind: 'percent', rateBasisPoints: 1_000 }, manager),
    );
    cart = cartOf(applyCartDiscount(cart, { kind: 'amount', amount: crc(100_000) }, manager));

    const totals = cartTotals(cart, { pricesIncludeTax: true });
    // Gross: 5,000.00; 1.255 kg × 1,200.00 = 1,506.00; 999.00. Line discount 10 % of coffee = 500.00.
    // The 1,000.00 cart discount is spread over 4,500.00 / 1,506.00 / 999.00:
    // exact shares 642.398 / 214.989 / 142.612 → 642.40 / 214.99 / 142.61 by largest remainder.
    // Tax included: 3,857.60 × 13/113 = 443.79; 1,291.01 × 1/101 = 12.78; exempt 0.
    expect(
      totals.lines.map((line) => [
        line.sku,
        minor(line.gross),
        minor(line.lineDiscount),
        minor(line.cartDiscount),
        minor(line.discount),
        minor(line.net),
        minor(line.tax),
        minor(line.total),
      ]),
    ).toEqual([
      ['CAFE', 500_000, 50_000, 64_240, 114_240, 341_381, 44_379, 385_760],
      ['BANANO', 150_600, 0, 21_499, 21_499, 127_823, 1_278, 129_101],
      ['MEDICINA', 99_900, 0, 14_261, 14_261, 85_639, 0, 85_639],
    ]);
    expect(
      [totals.subtotal, totals.discountTotal, totals.netTotal, totals.taxTotal, totals.total].map(minor),
    ).toEqual([750_500, 150_000, 554_843, 45_657, 600_500]);
    expect(totals.taxByRate).toEqual([
      { rateBasisPoints: 0, taxableBase: crc(85_639), tax: crc(0), gross: crc(85_639) },
      { rateBasisPoints: 100, taxableBase: crc(127_823), tax: crc(1_278), gross: crc(129_101) },
      { rateBasisPoints: 1300, taxableBase: crc(341_381), tax: crc(44_379), gross: crc(385_760) },
    ]);
  });

  it('computes a Mexican cart with prices excluding tax', () => {
    const mxn = (amountMinor: number) => money(amountMinor, 'MXN');
    const lookup = catalog([
      item('CUADERNO', mxn(4_599), 1600),
      item('PLUMAS', mxn(12_990), 1600),
      item('TORTILLA', mxn(2_200), 0, true),
    ]);
    let cart = createCart('MXN');
    cart = cartOf(addItem(cart, { code: 'CUADERNO' }, lookup));
    cart = cartOf(addItem(cart, { code: 'PLUMAS', quantity: quantityFromUnits(3) }, lookup));
    cart = cartOf(addItem(cart, { code: 'TORTILLA', quantity: quantity('0.75') }, lookup));
    cart = cartOf(applyCartDiscount(cart, { kind: 'percent', rateBasisPoints: 500 }, manager));

    const totals = cartTotals(cart, { pricesIncludeTax: false });
    // Base 452.19; 5 % = 22.6095 → 22.61, spread as 2.30 / 19.49 / 0.82. Tax 16 % on the rest.
    expect(
      totals.lines.map((line) => [minor(line.gross), minor(line.discount), minor(line.net), minor(line.tax)]),
    ).toEqual([
      [4_599, 230, 4_369, 699],
      [38_970, 1_949, 37_021, 5_923],
      [1_650, 82, 1_568, 0],
    ]);
    expect(
      [totals.subtotal, totals.discountTotal, totals.netTotal, totals.taxTotal, totals.total].map(minor),
    ).toEqual([45_219, 2_261, 42_958, 6_622, 49_580]);
  });

  it('caps a fixed discount at the line when the quantity later shrinks', () => {
    const usd = (amountMinor: number) => money(amountMinor, 'USD');
    const lookup = catalog([item('SODA', usd(150), 0)]);
    let cart = cartOf(addItem(createCart('USD'), { code: 'SODA', quantity: quantityFromUnits(4) }, lookup));
    cart = cartOf(applyLineDiscount(cart, 'variant-SODA', { kind: 'amount', amount: usd(500) }, manager));
    cart = cartOf(changeQuantity(cart, 'variant-SODA', quantityFromUnits(2)));
    const totals = cartTotals(cart, { pricesIncludeTax: true });
    expect([totals.subtotal, totals.discountTotal, totals.total].map(minor)).toEqual([300, 300, 0]);
  });

  it('keeps the price a line was first scanned with', () => {
    const usd = (amountMinor: number) => money(amountMinor, 'USD');
    let cart = cartOf(addItem(createCart('USD'), { code: 'SODA' }, catalog([item('SODA', usd(150), 0)])));
    cart = cartOf(addItem(cart, { code: 'SODA' }, catalog([item('SODA', usd(175), 0)])));
    expect(minor(cartTotals(cart, { pricesIncludeTax: true }).total)).toBe(300);
  });
});

type LineSpec = {
  readonly unitPriceMinor: number;
  readonly taxRateBasisPoints: number;
  readonly soldByWeight: boolean;
  readonly quantityMilli: number;
  readonly discount: DiscountSpec | undefined;
};
type DiscountSpec = { readonly kind: 'percent' | 'amount'; readonly thousandths: number };

const discountSpec: fc.Arbitrary<DiscountSpec | undefined> = fc.option(
  fc.record({
    kind: fc.constantFrom('percent' as const, 'amount' as const),
    thousandths: fc.integer({ min: 0, max: 1000 }),
  }),
  { nil: undefined },
);

const lineSpec: fc.Arbitrary<LineSpec> = fc
  .record({
    unitPriceMinor: fc.integer({ min: 0, max: 5_000_000 }),
    taxRateBasisPoints: fc.constantFrom(0, 100, 400, 800, 1300, 1500, 1600, 1800),
    soldByWeight: fc.boolean(),
    units: fc.integer({ min: 1, max: 50 }),
    weightMilli: fc.integer({ min: 1, max: 25_000 }),
    discount: discountSpec,
  })
  .map(({ units, weightMilli, ...spec }) => ({
    ...spec,
    quantityMilli: spec.soldByWeight ? weightMilli : units * 1000,
  }));

/** A discount that takes `thousandths`/1000 of its base: as a percentage or as an amount. */
function discountFor(spec: DiscountSpec, base: Money): Discount {
  if (spec.kind === 'percent') return { kind: 'percent', rateBasisPoints: spec.thousandths * 10 };
  return {
    kind: 'amount',
    amount: money(Math.floor((base.amountMinor * spec.thousandths) / 1000), base.currency),
  };
}

function buildCart(
  currency: CurrencyCode,
  lines: readonly LineSpec[],
  cartDiscount: DiscountSpec | undefined,
): Cart {
  const items = lines.map((spec, index) =>
    item(`SKU-${index}`, money(spec.unitPriceMinor, currency), spec.taxRateBasisPoints, spec.soldByWeight),
  );
  const lookup = catalog(items);
  let cart = createCart(currency);
  for (const [index, spec] of lines.entries()) {
    const variantId = `variant-SKU-${index}`;
    cart = cartOf(
      addItem(cart, { code: `SKU-${index}`, quantity: quantityFromMilli(spec.quantityMilli) }, lookup),
    );
    const line = cart.lines.find((candidate) => candidate.variantId === variantId);
    if (spec.discount !== undefined && line !== undefined) {
      cart = cartOf(applyLineDiscount(cart, variantId, discountFor(spec.discount, lineGross(line)), manager));
    }
  }
  if (cartDiscount !== undefined) {
    cart = cartOf(applyCartDiscount(cart, discountFor(cartDiscount, cartDiscountBase(cart)), manager));
  }
  return cart;
}

describe('cartTotals invariants on random carts', () => {
  for (const pricesIncludeTax of [true, false]) {
    it(`add up exactly (prices ${pricesIncludeTax ? 'include' : 'exclude'} tax)`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom<CurrencyCode>('CRC', 'MXN', 'COP', 'JPY'),
          fc.array(lineSpec, { minLength: 1, maxLength: 25 }),
          discountSpec,
          (currency, lines, cartDiscount) => {
            const cart = buildCart(currency, lines, cartDiscount);
            const totals = cartTotals(cart, { pricesIncludeTax });
            const sum = (pick: (line: (typeof totals.lines)[number]) => Money) =>
              sumMoney(currency, totals.lines.map(pick));

            for (const line of totals.lines) {
              expect(addMoney(line.net, line.tax)).toEqual(line.total);
              expect(addMoney(line.lineDiscount, line.cartDiscount)).toEqual(line.discount);
              expect(line.discount.amountMinor).toBeGreaterThanOrEqual(0);
              expect(line.discount.amountMinor).toBeLessThanOrEqual(line.gross.amountMinor);
              expect(line.tax.amountMinor).toBeGreaterThanOrEqual(0);
              const priced = pricesIncludeTax ? line.total : line.net;
              expect(subtractMoney(line.gross, line.discount)).toEqual(priced);
            }
            expect(sum((line) => line.total)).toEqual(totals.total);
            expect(sum((line) => line.gross)).toEqual(totals.subtotal);
            expect(sum((line) => line.discount)).toEqual(totals.discountTotal);
            expect(sum((line) => line.tax)).toEqual(totals.taxTotal);
            expect(addMoney(totals.netTotal, totals.taxTotal)).toEqual(totals.total);
            expect(
              sumMoney(
                currency,
                totals.taxByRate.map((rate) => rate.gross),
              ),
            ).toEqual(totals.total);
            expect(
              sumMoney(
                currency,
                totals.taxByRate.map((rate) => rate.taxableBase),
              ),
            ).toEqual(totals.netTotal);
            for (const rate of totals.taxByRate)
              expect(addMoney(rate.taxableBase, rate.tax)).toEqual(rate.gross);

            // The cart discount is spread exactly: its shares add up to the discount on the base.
            const base = cartDiscountBase(cart);
            const expectedCartDiscount =
              cart.discount === undefined
                ? 0
                : cart.discount.kind === 'amount'
                  ? cart.discount.amount.amountMinor
                  : Number(
                      (BigInt(base.amountMinor) * BigInt(cart.discount.rateBasisPoints) * 2n + 10_000n) /
                        20_000n,
                    );
            expect(sum((line) => line.cartDiscount).amountMinor).toBe(expectedCartDiscount);
          },
        ),
      );
    });
  }
});
