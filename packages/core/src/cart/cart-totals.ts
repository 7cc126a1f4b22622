import {
  addMoney,
  allocate,
  assertMoneyInvariant,
  type CurrencyCode,
  type Money,
  subtractMoney,
  sumMoney,
} from '../money';
import { multiplyMoneyByQuantity, type Quantity } from '../quantity';
import { type LineTax, lineTax, type PriceTaxMode, type TaxRateTotal, taxTotalsByRate } from '../tax';
import type { Cart, CartLine } from './cart';
import { discountAmount } from './discount';

// How a cart becomes money, in this order:
// 1. Each line's gross is unit price × quantity, rounded half up to the minor unit.
// 2. The line's own discount comes off its gross.
// 3. The cart discount is spread over the lines with the largest-remainder allocation,
//    proportionally to each line's amount after step 2, so the parts add up to it exactly.
// 4. Tax is computed per line on what is left, rounded per line, tax-included or tax-excluded
//    as the tenant prices.
// Amounts before step 4 (gross, discounts) are in the tenant's price mode: tax-included when
// prices include tax, tax-excluded otherwise.

export type CartLineTotals = {
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  readonly quantity: Quantity;
  readonly unitPrice: Money;
  readonly taxRateBasisPoints: number;
  /** Unit price × quantity before any discount, in the tenant's price mode. */
  readonly gross: Money;
  readonly lineDiscount: Money;
  /** This line's share of the cart discount. */
  readonly cartDiscount: Money;
  /** lineDiscount + cartDiscount. */
  readonly discount: Money;
  /** Taxable base after discounts, tax excluded. */
  readonly net: Money;
  readonly tax: Money;
  /** What the customer pays for the line: net + tax. */
  readonly total: Money;
};

export type CartTotals = {
  readonly currency: CurrencyCode;
  readonly pricesIncludeTax: boolean;
  readonly lines: readonly CartLineTotals[];
  /** Sum of line gross amounts, before discounts, in the tenant's price mode. */
  readonly subtotal: Money;
  readonly discountTotal: Money;
  readonly netTotal: Money;
  readonly taxTotal: Money;
  readonly taxByRate: readonly TaxRateTotal[];
  readonly total: Money;
};

export function lineGross(line: CartLine): Money {
  return multiplyMoneyByQuantity(line.unitPrice, line.quantity);
}

function lineAfterLineDiscount(line: CartLine): Money {
  const gross = lineGross(line);
  return subtractMoney(gross, discountAmount(line.discount, gross));
}

/** The amount a cart discount applies to: every line after its own discount. */
export function cartDiscountBase(cart: Cart): Money {
  return sumMoney(cart.currency, cart.lines.map(lineAfterLineDiscount));
}

export function cartTotals(cart: Cart, mode: PriceTaxMode): CartTotals {
  const { currency } = cart;
  const afterLineDiscounts = cart.lines.map(lineAfterLineDiscount);
  const cartDiscountTotal = discountAmount(cart.discount, sumMoney(currency, afterLineDiscounts));
  const cartDiscountShares =
    cart.lines.length === 0
      ? []
      : allocate(
          cartDiscountTotal,
          afterLineDiscounts.map((amount) => amount.amountMinor),
        );

  const lines = cart.lines.map((line, index): CartLineTotals => {
    const gross = lineGross(line);
    const afterLineDiscount = afterLineDiscounts[index];
    const cartDiscount = cartDiscountShares[index];
    assertMoneyInvariant(
      afterLineDiscount !== undefined && cartDiscount !== undefined,
      'Every cart line needs an amount and a share of the cart discount',
    );
    const lineDiscount = subtractMoney(gross, afterLineDiscount);
    const charged = subtractMoney(afterLineDiscount, cartDiscount);
    assertMoneyInvariant(charged.amountMinor >= 0, `Line ${line.sku} must not be discounted below zero`);
    const taxed = lineTax(charged, line.taxRateBasisPoints, mode);
    return {
      variantId: line.variantId,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxRateBasisPoints: line.taxRateBasisPoints,
      gross,
      lineDiscount,
      cartDiscount,
      discount: addMoney(lineDiscount, cartDiscount),
      net: taxed.net,
      tax: taxed.tax,
      total: taxed.gross,
    };
  });

  const lineTaxes = lines.map(
    (line): LineTax => ({
      rateBasisPoints: line.taxRateBasisPoints,
      net: line.net,
      tax: line.tax,
      gross: line.total,
    }),
  );
  const totals: CartTotals = {
    currency,
    pricesIncludeTax: mode.pricesIncludeTax,
    lines,
    subtotal: sumMoney(
      currency,
      lines.map((line) => line.gross),
    ),
    discountTotal: sumMoney(
      currency,
      lines.map((line) => line.discount),
    ),
    netTotal: sumMoney(
      currency,
      lines.map((line) => line.net),
    ),
    taxTotal: sumMoney(
      currency,
      lines.map((line) => line.tax),
    ),
    taxByRate: taxTotalsByRate(lineTaxes),
    total: sumMoney(
      currency,
      lines.map((line) => line.total),
    ),
  };
  assertTotalsBalance(totals);
  return totals;
}

function assertTotalsBalance(totals: CartTotals): void {
  const { currency } = totals;
  const afterDiscounts = subtractMoney(totals.subtotal, totals.discountTotal);
  const priced = totals.pricesIncludeTax ? totals.total : totals.netTotal;
  assertMoneyInvariant(
    afterDiscounts.amountMinor === priced.amountMinor,
    'Subtotal minus discounts must equal the total (tax-included) or the net total (tax-excluded)',
  );
  assertMoneyInvariant(
    addMoney(totals.netTotal, totals.taxTotal).amountMinor === totals.total.amountMinor,
    'Net total plus tax total must equal the total',
  );
  assertMoneyInvariant(
    sumMoney(
      currency,
      totals.taxByRate.map((rate) => rate.gross),
    ).amountMinor === totals.total.amountMinor,
    'Per-rate gross amounts must add up to the total',
  );
}
