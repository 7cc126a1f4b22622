/**
 * A child process for the crash test: it opens a terminal home that is already activated, signs
 * the cashier in, and sells one item after another, printing each sale's sequence and folio only
 * after completeSale returned. The parent kills it with SIGKILL at some point and then checks that
 * every printed sale survived. Run: node --import tsx sell-until-killed.ts <home> <pin> <sku>
 */
import { money, quantityFromUnits } from '@mostrador/core';
import { openNodeTerminal } from '../node-terminal';

const [home, pin, sku] = process.argv.slice(2);
if (home === undefined || pin === undefined || sku === undefined)
  throw new Error('usage: <home> <pin> <sku>');
const opened = await openNodeTerminal({ home });
if (!opened.ok) throw new Error(opened.code);
const { engine } = opened;
const login = await engine.login({ pin });
if (!login.ok) throw new Error(login.code);
for (;;) {
  const started = await engine.newCart();
  if (!started.ok) throw new Error(started.code);
  const added = await engine.addToCart(started.cart, { code: sku, quantity: quantityFromUnits(1) });
  if (!added.ok || !('cart' in added)) throw new Error('could not add');
  const sold = await engine.completeSale({
    cart: added.cart,
    tenders: [{ kind: 'cash', amount: money(100_000, 'MXN') }],
  });
  if (!sold.ok) throw new Error(sold.code);
  process.stdout.write(
    `${JSON.stringify({ sequence: sold.sale.sequence, folio: sold.sale.provisionalFolio, saleId: sold.sale.saleId })}\n`,
  );
}
