import { type Cart, cartTotals, money, type Tender } from '@mostrador/core';
import type { TerminalEngine } from '@mostrador/terminal';

/*
 * How the terminal-commit benchmarks ring a sale, in Node and in the page alike (this module is
 * bundled into the page's script, so it uses no Node API).
 */

export const LINES_PER_SALE = 5;

/** Half the total on a card, the rest in cash with a note larger than needed, so change is due. */
export function cardAndCash(cart: Cart): Tender[] {
  const totalMinor = cartTotals(cart, { pricesIncludeTax: true }).total.amountMinor;
  const cardMinor = Math.floor(totalMinor / 2);
  const cashMinor = totalMinor - cardMinor + 50_000;
  return [
    { kind: 'card', amount: money(cardMinor, cart.currency), reference: 'AUTH-BENCH' },
    { kind: 'cash', amount: money(cashMinor, cart.currency) },
  ];
}

export interface SaleTiming {
  readonly ringMs: number;
  readonly completeSaleMs: number;
}

/** Rings sales of LINES_PER_SALE distinct SKUs, walking the list so no SKU runs out of stock. */
export function saleRinger(engine: TerminalEngine) {
  let next = 0;
  const ringCart = async (skus: readonly string[]): Promise<Cart> => {
    const opened = await engine.newCart();
    if (!opened.ok) throw new Error(`newCart: ${opened.code}`);
    let cart: Cart = opened.cart;
    for (let line = 0; line < LINES_PER_SALE; line += 1) {
      const sku = skus[next % skus.length]!;
      next += 1;
      const added = await engine.addToCart(cart, { code: sku });
      if (!('cart' in added)) throw new Error(`add ${sku}: ${JSON.stringify(added)}`);
      cart = added.cart as Cart;
    }
    return cart;
  };
  const complete = async (cart: Cart, tenders: Tender[] = cardAndCash(cart)): Promise<void> => {
    const sold = await engine.completeSale({ cart, tenders });
    if (!sold.ok) throw new Error(`completeSale refused: ${JSON.stringify(sold)}`);
  };
  return {
    ringCart,
    complete,
    /** Rings one sale and completes it; only completeSale itself counts as the sale's time. */
    async timed(skus: readonly string[]): Promise<SaleTiming> {
      const ringStarted = performance.now();
      const cart = await ringCart(skus);
      const tenders = cardAndCash(cart);
      const saleStarted = performance.now();
      await complete(cart, tenders);
      const saleEnded = performance.now();
      return { ringMs: saleStarted - ringStarted, completeSaleMs: saleEnded - saleStarted };
    },
  };
}
