import { addItem, type Cart, cartTotals, createCart, parseQuantity } from '@mostrador/core';
import type { ItemWithStockOutcome, LocalSale } from '@mostrador/terminal';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { useTill } from '../terminal-host/terminal-context';
import { CartPanel } from './cart-panel';
import { PaymentDialog } from './payment-dialog';
import { ReceiptDialog } from './receipt-dialog';
import { SearchPanel } from './search-panel';
import { useBarcodeWedge } from './use-barcode-wedge';

type Problem = { readonly text: string; readonly stockGuard: boolean };

type FoundItem = Extract<ItemWithStockOutcome, { ok: true }>;

/**
 * The scanned item when the offline stock guard decides this sale and the cart now holds more of
 * it than the till may sell offline; null otherwise.
 */
function shortOffline(cart: Cart, found: FoundItem): { name: string; available: string } | null {
  if (!found.stockGuarded || found.stock === undefined) return null;
  const sellable = parseQuantity(found.stock.sellableOffline);
  if (!sellable.ok) return null;
  const inCartMilli = cart.lines
    .filter((line) => line.variantId === found.item.variantId)
    .reduce((total, line) => total + line.quantity.quantityMilli, 0);
  if (inCartMilli <= sellable.quantity.quantityMilli) return null;
  return { name: found.item.name, available: found.stock.sellableOffline };
}

/**
 * The counter: scan or search, edit the cart, pay (F2), see the receipt, and start the next sale
 * with one key (F4, or Enter on the receipt). The flow is the same online and offline.
 */
export function CashierScreen({ active }: { readonly active: boolean }) {
  const { engine, tenant, format, user, storeSettings, catalog, refreshStatus } = useTill();
  const { t, refusal } = useI18n();
  const customerId = useId();
  const searchRef = useRef<HTMLInputElement>(null);
  const [cart, setCart] = useState<Cart | null>(null);
  const [customer, setCustomer] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [lastAdded, setLastAdded] = useState<string | null>(null);
  const [paying, setPaying] = useState(false);
  const [recording, setRecording] = useState(false);
  const [payProblem, setPayProblem] = useState<string | null>(null);
  const [completed, setCompleted] = useState<{ sale: LocalSale; customer: string } | null>(null);
  const cartRef = useRef<Cart | null>(null);
  cartRef.current = cart;

  // A new cart is a pure value in the store's currency: no await, so a scan right after F4 lands
  // in the new sale, never in the one just closed.
  const startNewSale = useCallback(() => {
    const fresh = createCart(storeSettings.currency);
    cartRef.current = fresh;
    setCart(fresh);
    setCustomer('');
    setProblem(null);
    setCompleted(null);
    setPaying(false);
    setPayProblem(null);
    setLastAdded(null);
    searchRef.current?.focus();
  }, [storeSettings.currency]);

  useEffect(() => {
    startNewSale();
  }, [startNewSale]);

  // Scans are applied one after another to the cart as it is when each one's turn comes, so two
  // scans in flight never overwrite each other.
  const scanQueue = useRef<Promise<void>>(Promise.resolve());
  const addCode = useCallback(
    (code: string) => {
      scanQueue.current = scanQueue.current.then(async () => {
        const found = await engine.lookupItem(code);
        // The lookup is the only wait; the item goes onto the cart as it is now (pure, synchronous).
        const current = cartRef.current;
        if (current === null) return;
        const outcome = found.ok ? addItem(current, { code }, () => found.item) : found;
        if (!outcome.ok) {
          setProblem({
            text: outcome.code === 'PRODUCT_NOT_FOUND' ? t('sale.notFound', { code }) : refusal(outcome.code),
            stockGuard: false,
          });
          return;
        }
        cartRef.current = outcome.cart;
        setCart(outcome.cart);
        setLastAdded(found.ok ? found.item.variantId : null);
        // Offline, say at the scan what payment would refuse: the cashier can take it off now.
        const short = found.ok ? shortOffline(outcome.cart, found) : null;
        setProblem(
          short === null
            ? null
            : {
                text: t('sale.stockShortOffline', {
                  name: short.name,
                  available: format.quantity(short.available),
                }),
                stockGuard: true,
              },
        );
      });
    },
    [engine, refusal, t, format],
  );

  const totals = useMemo(
    () => (cart === null ? null : cartTotals(cart, { pricesIncludeTax: tenant.pricesIncludeTax })),
    [cart, tenant.pricesIncludeTax],
  );

  // Reads the refs, not the render's values: F2 right after a scan must see the scanned line even
  // before React has re-registered the key handler.
  const completedRef = useRef(completed);
  completedRef.current = completed;
  const openPayment = useCallback(() => {
    const current = cartRef.current;
    if (current === null || current.lines.length === 0 || completedRef.current !== null) return;
    setPayProblem(null);
    setPaying(true);
  }, []);

  useBarcodeWedge(addCode, active && !paying && completed === null);

  // One key for each step of the counter: F2 pay, F4 new sale, F3 search.
  useEffect(() => {
    if (!active) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F2') {
        event.preventDefault();
        openPayment();
      } else if (event.key === 'F4') {
        event.preventDefault();
        startNewSale();
      } else if (event.key === 'F3') {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, openPayment, startNewSale]);

  const pay = async (tenders: Parameters<typeof engine.completeSale>[0]['tenders']) => {
    if (cart === null) return;
    setRecording(true);
    const outcome = await engine.completeSale({ cart, tenders });
    setRecording(false);
    refreshStatus();
    if (!outcome.ok) {
      if (outcome.code === 'STOCK_GUARD_BLOCKED' && 'sku' in outcome) {
        const line = cart.lines.find((candidate) => candidate.sku === outcome.sku);
        setPaying(false);
        setProblem({
          text: t('sale.stockGuard', {
            name: line?.name ?? outcome.sku,
            available: outcome.quantityAvailable,
          }),
          stockGuard: true,
        });
        return;
      }
      setPayProblem(refusal(outcome.code));
      return;
    }
    setPaying(false);
    setCompleted({ sale: outcome.sale, customer });
  };

  if (cart === null || totals === null) {
    return (
      <main className="cashier-screen">
        <p role="alert" className="problem">
          {problem?.text ?? t('app.opening')}
        </p>
      </main>
    );
  }

  return (
    <main className="cashier-screen">
      <div className="cashier-left">
        <SearchPanel catalog={catalog} inputRef={searchRef} onPick={addCode} />
        <p className="muted hint">{t('sale.scanHint')}</p>
      </div>
      <div className="cashier-right">
        <div
          role="alert"
          className={
            problem === null
              ? 'problem-slot'
              : `problem-slot banner ${problem.stockGuard ? 'banner-warning' : 'banner-error'}`
          }
          data-testid="sale-problem"
        >
          {problem?.text}
        </div>
        <CartPanel
          cart={cart}
          totals={totals}
          format={format}
          maxDiscountBasisPoints={user.maxDiscountBasisPoints}
          lastAddedVariantId={lastAdded}
          onChange={(next) => {
            cartRef.current = next;
            setCart(next);
            setProblem(null);
          }}
          onProblem={(code) => setProblem({ text: refusal(code), stockGuard: false })}
        />
        <div className="customer-field">
          <label htmlFor={customerId}>{t('sale.customer')}</label>
          <input
            id={customerId}
            maxLength={80}
            autoComplete="off"
            value={customer}
            onChange={(event) => setCustomer(event.target.value)}
          />
        </div>
        <div className="button-row sale-actions">
          <button type="button" className="button-quiet" onClick={startNewSale}>
            {t('sale.newSale')} (F4)
          </button>
          <button
            type="button"
            className="button-primary button-large"
            onClick={openPayment}
            disabled={cart.lines.length === 0 || !engine.isWriter}
          >
            {t('sale.pay')} {format.money(totals.total.amountMinor)} (F2)
          </button>
        </div>
      </div>
      {paying ? (
        <PaymentDialog
          total={totals.total}
          format={format}
          cashRoundingIncrementMinor={storeSettings.cashRoundingMinor}
          busy={recording}
          problem={payProblem}
          onConfirm={(preview) => void pay(preview.tenders)}
          onClose={() => setPaying(false)}
        />
      ) : null}
      {completed !== null ? (
        <ReceiptDialog sale={completed.sale} customer={completed.customer} onNewSale={startNewSale} />
      ) : null}
    </main>
  );
}
