import { assertMoneyInvariant, type CurrencyCode, type Money } from '../money';
import {
  addQuantity,
  compareQuantity,
  isPositiveQuantity,
  isWholeQuantity,
  type Quantity,
  quantityFromMilli,
  quantityFromUnits,
} from '../quantity';
import { assertTaxRate } from '../tax';
import { cartDiscountBase, lineGross } from './cart-totals';
import { checkDiscount, type Discount, type DiscountPermission, type DiscountRefusal } from './discount';

// The cart is an immutable value: every operation returns a new cart, or a refusal with a stable
// code saying why not (an unknown barcode, a discount above the cashier's limit). Nothing here
// throws for something a cashier can do; throwing is kept for bugs such as a catalog price
// with a negative amount.
//
// One line per variant: scanning a variant already in the cart adds to that line's quantity and
// keeps the price and name the line was first scanned with, so a price change synced mid-sale
// does not silently reprice what the customer already saw.

export type CatalogItem = {
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: Money;
  readonly taxRateBasisPoints: number;
  readonly barcodes: readonly string[];
  /** Weighed goods accept quantities with up to three decimals; unit goods only whole numbers. */
  readonly soldByWeight?: boolean;
};

/** Finds a catalog item by SKU or barcode; the caller decides how (index, cache, server). */
export type CatalogLookup = (code: string) => CatalogItem | undefined;

export type CartLine = {
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: Money;
  readonly taxRateBasisPoints: number;
  readonly soldByWeight: boolean;
  readonly quantity: Quantity;
  readonly discount: Discount | undefined;
};

export type Cart = {
  readonly currency: CurrencyCode;
  readonly lines: readonly CartLine[];
  readonly discount: Discount | undefined;
};

export const cartLinesMax = 500;
/** One million units (or kilograms) on one line. */
export const lineQuantityMax: Quantity = quantityFromUnits(1_000_000);

export type CartRefusal =
  | { readonly ok: false; readonly code: 'PRODUCT_NOT_FOUND'; readonly productCode: string }
  | { readonly ok: false; readonly code: 'LINE_NOT_FOUND'; readonly variantId: string }
  | { readonly ok: false; readonly code: 'QUANTITY_NOT_POSITIVE'; readonly quantity: Quantity }
  | { readonly ok: false; readonly code: 'QUANTITY_NOT_WHOLE'; readonly quantity: Quantity }
  | { readonly ok: false; readonly code: 'QUANTITY_ABOVE_LIMIT'; readonly quantityMax: Quantity }
  | { readonly ok: false; readonly code: 'CART_LINE_LIMIT_REACHED'; readonly linesMax: number }
  | DiscountRefusal;

export type CartOutcome = { readonly ok: true; readonly cart: Cart } | CartRefusal;

export type AddItemRequest = {
  /** A SKU or a barcode, as typed or scanned. */
  readonly code: string;
  /** Defaults to one unit. */
  readonly quantity?: Quantity;
};

export function createCart(currency: CurrencyCode): Cart {
  return { currency, lines: [], discount: undefined };
}

export function addItem(cart: Cart, request: AddItemRequest, lookup: CatalogLookup): CartOutcome {
  const productCode = request.code.trim();
  const item = productCode === '' ? undefined : lookup(productCode);
  if (item === undefined) return { ok: false, code: 'PRODUCT_NOT_FOUND', productCode };
  if (item.unitPrice.currency !== cart.currency) {
    return {
      ok: false,
      code: 'CURRENCY_MISMATCH',
      expected: cart.currency,
      received: item.unitPrice.currency,
    };
  }
  assertMoneyInvariant(item.unitPrice.amountMinor >= 0, `Catalog price of ${item.sku} must not be negative`);
  assertTaxRate(item.taxRateBasisPoints);

  const added = request.quantity ?? quantityFromUnits(1);
  const existing = findLine(cart, item.variantId);
  const soldByWeight = existing?.soldByWeight ?? item.soldByWeight === true;
  const refusal = checkQuantity(added, soldByWeight);
  if (refusal !== undefined) return refusal;
  if (existing !== undefined) {
    return changeQuantity(cart, existing.variantId, addQuantity(existing.quantity, added));
  }
  if (cart.lines.length >= cartLinesMax) {
    return { ok: false, code: 'CART_LINE_LIMIT_REACHED', linesMax: cartLinesMax };
  }
  const line: CartLine = {
    variantId: item.variantId,
    sku: item.sku,
    name: item.name,
    unitPrice: item.unitPrice,
    taxRateBasisPoints: item.taxRateBasisPoints,
    soldByWeight,
    quantity: added,
    discount: undefined,
  };
  return { ok: true, cart: { ...cart, lines: [...cart.lines, line] } };
}

/** Sets a line's quantity; removing a line is its own operation, so zero is refused. */
export function changeQuantity(cart: Cart, variantId: string, quantity: Quantity): CartOutcome {
  const line = findLine(cart, variantId);
  if (line === undefined) return { ok: false, code: 'LINE_NOT_FOUND', variantId };
  const refusal = checkQuantity(quantity, line.soldByWeight);
  if (refusal !== undefined) return refusal;
  return {
    ok: true,
    cart: replaceLine(cart, { ...line, quantity: quantityFromMilli(quantity.quantityMilli) }),
  };
}

export function removeLine(cart: Cart, variantId: string): CartOutcome {
  if (findLine(cart, variantId) === undefined) return { ok: false, code: 'LINE_NOT_FOUND', variantId };
  return { ok: true, cart: { ...cart, lines: cart.lines.filter((line) => line.variantId !== variantId) } };
}

/** Discounts one line, checked against the line's price × quantity and the user's limit. */
export function applyLineDiscount(
  cart: Cart,
  variantId: string,
  discount: Discount,
  permission: DiscountPermission,
): CartOutcome {
  const line = findLine(cart, variantId);
  if (line === undefined) return { ok: false, code: 'LINE_NOT_FOUND', variantId };
  const refusal = checkDiscount(discount, lineGross(line), permission);
  if (refusal !== undefined) return refusal;
  return { ok: true, cart: replaceLine(cart, { ...line, discount }) };
}

export function removeLineDiscount(cart: Cart, variantId: string): CartOutcome {
  const line = findLine(cart, variantId);
  if (line === undefined) return { ok: false, code: 'LINE_NOT_FOUND', variantId };
  return { ok: true, cart: replaceLine(cart, { ...line, discount: undefined }) };
}

/**
 * Discounts the whole cart, checked against the lines after their own discounts. The discount
 * is spread over the lines when totals are computed (see cart-totals.ts).
 */
export function applyCartDiscount(
  cart: Cart,
  discount: Discount,
  permission: DiscountPermission,
): CartOutcome {
  const refusal = checkDiscount(discount, cartDiscountBase(cart), permission);
  if (refusal !== undefined) return refusal;
  return { ok: true, cart: { ...cart, discount } };
}

export function removeCartDiscount(cart: Cart): Cart {
  return { ...cart, discount: undefined };
}

function checkQuantity(quantity: Quantity, soldByWeight: boolean): CartRefusal | undefined {
  if (!isPositiveQuantity(quantity)) return { ok: false, code: 'QUANTITY_NOT_POSITIVE', quantity };
  if (!soldByWeight && !isWholeQuantity(quantity)) return { ok: false, code: 'QUANTITY_NOT_WHOLE', quantity };
  if (compareQuantity(quantity, lineQuantityMax) > 0) {
    return { ok: false, code: 'QUANTITY_ABOVE_LIMIT', quantityMax: lineQuantityMax };
  }
  return undefined;
}

function findLine(cart: Cart, variantId: string): CartLine | undefined {
  return cart.lines.find((line) => line.variantId === variantId);
}

function replaceLine(cart: Cart, replacement: CartLine): Cart {
  return {
    ...cart,
    lines: cart.lines.map((line) => (line.variantId === replacement.variantId ? replacement : line)),
  };
}
