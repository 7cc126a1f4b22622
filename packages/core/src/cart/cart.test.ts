import { describe, expect, it } from 'vitest';
import { type CurrencyCode, MoneyInvariantError, money } from '../money';
import { parseQuantity, type Quantity, quantityFromMilli, quantityFromUnits } from '../quantity';
import {
  addItem,
  applyCartDiscount,
  applyLineDiscount,
  type Cart,
  type CartOutcome,
  type CatalogItem,
  type CatalogLookup,
  cartLinesMax,
  changeQuantity,
  createCart,
  removeCartDiscount,
  removeLine,
  removeLineDiscount,
} from './cart';

function quantity(text: string): Quantity {
  const outcome = parseQuantity(text);
  if (!outcome.ok) throw new Error(`bad quantity in test: ${text}`);
  return outcome.quantity;
}

function catalog(items: readonly CatalogItem[]): CatalogLookup {
  return (code) => items.find((item) => item.sku === code || item.barcodes.includes(code));
}

function cartOf(outcome: CartOutcome): Cart {
  if (!outcome.ok) throw new Error(`expected a cart, got ${outcome.code}`);
  return outcome.cart;
}

const coffee: CatalogItem = {
  variantId: 'variant-coffee',
  sku: 'CAFE-500',
  name: 'Café molido 500 g',
  unitPrice: money(250_000, 'CRC'),
  taxRateBasisPoints: 1300,
  barcodes: ['7441001234567'],
};
const bananas: CatalogItem = {
  variantId: 'variant-bananas',
  sku: 'BANANO-KG',
  name: 'Banano por kg',
  unitPrice: money(120_000, 'CRC'),
  taxRateBasisPoints: 100,
  barcodes: [],
  soldByWeight: true,
};
const lookup = catalog([coffee, bananas]);
const manager = { maxDiscountBasisPoints: 10_000 };
const cashier = { maxDiscountBasisPoints: 1_000 };

describe('adding items', () => {
  it('adds by SKU and by scanned barcode', () => {
    const bySku = cartOf(addItem(createCart('CRC'), { code: 'CAFE-500' }, lookup));
    const byBarcode = cartOf(addItem(createCart('CRC'), { code: ' 7441001234567\n' }, lookup));
    expect(bySku).toEqual(byBarcode);
    expect(bySku.lines).toEqual([
      {
        variantId: 'variant-coffee',
        sku: 'CAFE-500',
        name: 'Café molido 500 g',
        unitPrice: money(250_000, 'CRC'),
        taxRateBasisPoints: 1300,
        soldByWeight: false,
        quantity: quantityFromUnits(1),
        discount: undefined,
      },
    ]);
  });

  it('returns PRODUCT_NOT_FOUND for unknown or empty codes', () => {
    expect(addItem(createCart('CRC'), { code: '000' }, lookup)).toEqual({
      ok: false,
      code: 'PRODUCT_NOT_FOUND',
      productCode: '000',
    });
    expect(addItem(createCart('CRC'), { code: '   ' }, lookup)).toEqual({
      ok: false,
      code: 'PRODUCT_NOT_FOUND',
      productCode: '',
    });
  });

  it('adds to the existing line when the variant is scanned again', () => {
    let cart = cartOf(addItem(createCart('CRC'), { code: 'CAFE-500' }, lookup));
    cart = cartOf(addItem(cart, { code: 'BANANO-KG', quantity: quantity('1.5') }, lookup));
    cart = cartOf(addItem(cart, { code: '7441001234567', quantity: quantityFromUnits(2) }, lookup));
    expect(cart.lines.map((line) => [line.variantId, line.quantity])).toEqual([
      ['variant-coffee', quantityFromUnits(3)],
      ['variant-bananas', quantity('1.5')],
    ]);
  });

  it('accepts up to three decimals for weighed goods and only whole numbers otherwise', () => {
    const weighed = cartOf(
      addItem(createCart('CRC'), { code: 'BANANO-KG', quantity: quantity('1.255') }, lookup),
    );
    expect(weighed.lines[0]?.quantity).toEqual(quantityFromMilli(1255));
    const again = cartOf(addItem(weighed, { code: 'BANANO-KG', quantity: quantity('0.5') }, lookup));
    expect(again.lines[0]?.quantity).toEqual(quantityFromMilli(1755));
    expect(addItem(createCart('CRC'), { code: 'CAFE-500', quantity: quantity('1.5') }, lookup)).toEqual({
      ok: false,
      code: 'QUANTITY_NOT_WHOLE',
      quantity: quantity('1.5'),
    });
  });

  it('refuses quantities that are not positive or above the line limit', () => {
    expect(
      addItem(createCart('CRC'), { code: 'CAFE-500', quantity: quantityFromUnits(0) }, lookup),
    ).toMatchObject({
      ok: false,
      code: 'QUANTITY_NOT_POSITIVE',
    });
    const cart = cartOf(
      addItem(createCart('CRC'), { code: 'CAFE-500', quantity: quantityFromUnits(5) }, lookup),
    );
    expect(addItem(cart, { code: 'CAFE-500', quantity: quantityFromUnits(-2) }, lookup)).toMatchObject({
      ok: false,
      code: 'QUANTITY_NOT_POSITIVE',
    });
    expect(addItem(cart, { code: 'CAFE-500', quantity: quantityFromUnits(1_000_000) }, lookup)).toEqual({
      ok: false,
      code: 'QUANTITY_ABOVE_LIMIT',
      quantityMax: quantityFromUnits(1_000_000),
    });
  });

  it('refuses an item priced in another currency', () => {
    expect(addItem(createCart('MXN'), { code: 'CAFE-500' }, lookup)).toEqual({
      ok: false,
      code: 'CURRENCY_MISMATCH',
      expected: 'MXN',
      received: 'CRC',
    });
  });

  it('treats a negative catalog price as a bug', () => {
    const broken = { ...coffee, unitPrice: money(-1, 'CRC') };
    expect(() => addItem(createCart('CRC'), { code: 'CAFE-500' }, catalog([broken]))).toThrow(
      MoneyInvariantError,
    );
  });

  it('stops at the line limit', () => {
    const currency: CurrencyCode = 'USD';
    const manyItems = (code: string): CatalogItem => ({
      variantId: `variant-${code}`,
      sku: code,
      name: code,
      unitPrice: money(100, currency),
      taxRateBasisPoints: 0,
      barcodes: [],
    });
    let cart = createCart(currency);
    for (let index = 0; index < cartLinesMax; index += 1) {
      cart = cartOf(addItem(cart, { code: `SKU-${index}` }, manyItems));
    }
    expect(addItem(cart, { code: 'SKU-extra' }, manyItems)).toEqual({
      ok: false,
      code: 'CART_LINE_LIMIT_REACHED',
      linesMax: cartLinesMax,
    });
    expect(cartOf(addItem(cart, { code: 'SKU-0' }, manyItems)).lines).toHaveLength(cartLinesMax);
  });
});

describe('changing the cart', () => {
  const start = cartOf(addItem(createCart('CRC'), { code: 'CAFE-500' }, lookup));
  const withBananas = cartOf(addItem(start, { code: 'BANANO-KG', quantity: quantity('0.8') }, lookup));

  it('changes quantities with the same rules as adding', () => {
    expect(
      cartOf(changeQuantity(withBananas, 'variant-bananas', quantity('2.125'))).lines[1]?.quantity,
    ).toEqual(quantityFromMilli(2125));
    expect(changeQuantity(withBananas, 'variant-coffee', quantity('2.5'))).toMatchObject({
      code: 'QUANTITY_NOT_WHOLE',
    });
    expect(changeQuantity(withBananas, 'variant-coffee', quantityFromUnits(0))).toMatchObject({
      code: 'QUANTITY_NOT_POSITIVE',
    });
    expect(changeQuantity(withBananas, 'variant-none', quantityFromUnits(1))).toEqual({
      ok: false,
      code: 'LINE_NOT_FOUND',
      variantId: 'variant-none',
    });
  });

  it('removes lines', () => {
    expect(cartOf(removeLine(withBananas, 'variant-coffee')).lines.map((line) => line.variantId)).toEqual([
      'variant-bananas',
    ]);
    expect(removeLine(withBananas, 'variant-none')).toMatchObject({ ok: false, code: 'LINE_NOT_FOUND' });
  });

  it('never changes the cart it was given', () => {
    const snapshot = structuredClone(withBananas);
    changeQuantity(withBananas, 'variant-bananas', quantityFromUnits(3));
    removeLine(withBananas, 'variant-coffee');
    applyLineDiscount(withBananas, 'variant-coffee', { kind: 'percent', rateBasisPoints: 500 }, manager);
    applyCartDiscount(withBananas, { kind: 'percent', rateBasisPoints: 500 }, manager);
    addItem(withBananas, { code: 'CAFE-500' }, lookup);
    expect(withBananas).toEqual(snapshot);
  });
});

describe('discounts', () => {
  // Coffee ×2 = 5,000.00 colones.
  const cart = cartOf(
    addItem(createCart('CRC'), { code: 'CAFE-500', quantity: quantityFromUnits(2) }, lookup),
  );

  it('applies line and cart discounts within the acting user limit', () => {
    const discounted = cartOf(
      applyLineDiscount(cart, 'variant-coffee', { kind: 'percent', rateBasisPoints: 1_000 }, cashier),
    );
    expect(discounted.lines[0]?.discount).toEqual({ kind: 'percent', rateBasisPoints: 1_000 });
    // After 10 % off the line, 450.00 is exactly 10 % of the 4,500.00 left.
    const both = cartOf(
      applyCartDiscount(discounted, { kind: 'amount', amount: money(45_000, 'CRC') }, cashier),
    );
    expect(both.discount).toEqual({ kind: 'amount', amount: money(45_000, 'CRC') });
    expect(cartOf(removeLineDiscount(both, 'variant-coffee')).lines[0]?.discount).toBeUndefined();
    expect(removeCartDiscount(both).discount).toBeUndefined();
  });

  it('returns DISCOUNT_ABOVE_LIMIT with the requested share, rounded up', () => {
    expect(
      applyLineDiscount(cart, 'variant-coffee', { kind: 'percent', rateBasisPoints: 1_001 }, cashier),
    ).toEqual({
      ok: false,
      code: 'DISCOUNT_ABOVE_LIMIT',
      maxDiscountBasisPoints: 1_000,
      requestedBasisPoints: 1_001,
    });
    // 500.01 of 5,000.00 is 10.0002 %, reported as 1001 basis points.
    expect(applyCartDiscount(cart, { kind: 'amount', amount: money(50_001, 'CRC') }, cashier)).toEqual({
      ok: false,
      code: 'DISCOUNT_ABOVE_LIMIT',
      maxDiscountBasisPoints: 1_000,
      requestedBasisPoints: 1_001,
    });
    expect(applyCartDiscount(cart, { kind: 'amount', amount: money(50_000, 'CRC') }, cashier).ok).toBe(true);
  });

  it('refuses discounts that are invalid or larger than what they discount', () => {
    expect(applyCartDiscount(cart, { kind: 'percent', rateBasisPoints: 10_001 }, manager)).toEqual({
      ok: false,
      code: 'DISCOUNT_INVALID',
    });
    expect(applyCartDiscount(cart, { kind: 'amount', amount: money(-1, 'CRC') }, manager)).toEqual({
      ok: false,
      code: 'DISCOUNT_INVALID',
    });
    expect(
      applyLineDiscount(cart, 'variant-coffee', { kind: 'amount', amount: money(500_001, 'CRC') }, manager),
    ).toEqual({
      ok: false,
      code: 'DISCOUNT_EXCEEDS_AMOUNT',
      base: money(500_000, 'CRC'),
    });
    expect(applyCartDiscount(cart, { kind: 'amount', amount: money(1, 'USD') }, manager)).toEqual({
      ok: false,
      code: 'CURRENCY_MISMATCH',
      expected: 'CRC',
      received: 'USD',
    });
    expect(
      applyLineDiscount(cart, 'variant-none', { kind: 'percent', rateBasisPoints: 1 }, manager),
    ).toMatchObject({
      code: 'LINE_NOT_FOUND',
    });
  });

  it('treats a permission outside 0 to 10000 basis points as a bug', () => {
    expect(() =>
      applyCartDiscount(cart, { kind: 'percent', rateBasisPoints: 1 }, { maxDiscountBasisPoints: 10_001 }),
    ).toThrow(MoneyInvariantError);
  });
});
