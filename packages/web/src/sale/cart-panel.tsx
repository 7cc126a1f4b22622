import {
  applyCartDiscount,
  applyLineDiscount,
  type Cart,
  type CartOutcome,
  type CartTotals,
  changeQuantity,
  type Discount,
  formatQuantity,
  parseQuantity,
  removeCartDiscount,
  removeLine,
  removeLineDiscount,
} from '@mostrador/core';
import { type FormEvent, useId, useState } from 'react';
import type { StoreFormat } from '../format/store-format';
import { useI18n } from '../i18n/i18n-context';

type Edit = { readonly target: 'cart' } | { readonly target: 'line'; readonly variantId: string };

/**
 * The cart: every line with its quantity (weight for goods sold by weight), line discounts and a
 * discount on the whole cart within the signed-in user's limit; totals per the store's format.
 */
export function CartPanel({
  cart,
  totals,
  format,
  maxDiscountBasisPoints,
  lastAddedVariantId,
  onChange,
  onProblem,
}: {
  readonly cart: Cart;
  readonly totals: CartTotals;
  readonly format: StoreFormat;
  readonly maxDiscountBasisPoints: number;
  readonly lastAddedVariantId: string | null;
  readonly onChange: (cart: Cart) => void;
  readonly onProblem: (code: string) => void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Edit | null>(null);
  const permission = { maxDiscountBasisPoints };
  const apply = (outcome: CartOutcome) => {
    if (outcome.ok) onChange(outcome.cart);
    else onProblem(outcome.code);
    return outcome.ok;
  };

  const setQuantity = (variantId: string, text: string) => {
    const parsed = parseQuantity(text.replace(',', '.'));
    if (!parsed.ok) {
      onProblem('QUANTITY_INVALID');
      return;
    }
    apply(changeQuantity(cart, variantId, parsed.quantity));
  };

  const discount = (edit: Edit, value: Discount) => {
    const outcome =
      edit.target === 'cart'
        ? applyCartDiscount(cart, value, permission)
        : applyLineDiscount(cart, edit.variantId, value, permission);
    if (apply(outcome)) setEditing(null);
  };

  if (cart.lines.length === 0) {
    return (
      <section className="cart-panel cart-empty" aria-label={t('sale.cart')}>
        <p>{t('sale.cartEmpty')}</p>
      </section>
    );
  }
  return (
    <section className="cart-panel" aria-label={t('sale.cart')}>
      <table className="cart-lines">
        <thead>
          <tr>
            <th scope="col">{t('sale.product')}</th>
            <th scope="col">{t('sale.quantity')}</th>
            <th scope="col" className="amount">
              {t('sale.unitPrice')}
            </th>
            <th scope="col" className="amount">
              {t('sale.lineTotal')}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t('sale.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line, position) => {
            const lineTotals = totals.lines[position];
            return (
              <tr
                key={line.variantId}
                data-testid="cart-line"
                data-sku={line.sku}
                className={line.variantId === lastAddedVariantId ? 'just-added' : undefined}
              >
                <th scope="row">
                  {line.name}
                  <span className="sku">{line.sku}</span>
                  {lineTotals !== undefined && lineTotals.lineDiscount.amountMinor > 0 ? (
                    <span className="line-discount">
                      {t('sale.discount')} −{format.money(lineTotals.lineDiscount.amountMinor)}{' '}
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => apply(removeLineDiscount(cart, line.variantId))}
                      >
                        {t('sale.removeDiscount')}
                      </button>
                    </span>
                  ) : null}
                </th>
                <td>
                  <QuantityInput
                    key={formatQuantity(line.quantity)}
                    initial={formatQuantity(line.quantity)}
                    weighed={line.soldByWeight}
                    label={t(line.soldByWeight ? 'sale.weightOf' : 'sale.quantityOf', { name: line.name })}
                    onCommit={(text) => setQuantity(line.variantId, text)}
                  />
                </td>
                <td className="amount">{format.money(line.unitPrice.amountMinor)}</td>
                <td className="amount">
                  {lineTotals === undefined ? '' : format.money(lineTotals.total.amountMinor)}
                </td>
                <td className="line-actions">
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => setEditing({ target: 'line', variantId: line.variantId })}
                    aria-label={t('sale.discountLineOf', { name: line.name })}
                  >
                    %
                  </button>
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => apply(removeLine(cart, line.variantId))}
                    aria-label={t('sale.removeLineOf', { name: line.name })}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editing !== null ? (
        <DiscountForm
          title={
            editing.target === 'cart'
              ? t('sale.discountCart')
              : t('sale.discountLineOf', {
                  name: cart.lines.find((line) => line.variantId === editing.variantId)?.name ?? '',
                })
          }
          maxPercent={maxDiscountBasisPoints / 100}
          format={format}
          onApply={(value) => discount(editing, value)}
          onCancel={() => setEditing(null)}
          onProblem={onProblem}
        />
      ) : null}
      <dl className="totals">
        <dt>{t('sale.subtotal')}</dt>
        <dd>{format.money(totals.subtotal.amountMinor)}</dd>
        {totals.discountTotal.amountMinor > 0 ? (
          <>
            <dt>{t('sale.discounts')}</dt>
            <dd>−{format.money(totals.discountTotal.amountMinor)}</dd>
          </>
        ) : null}
        <dt>{totals.pricesIncludeTax ? t('sale.taxIncluded') : t('sale.tax')}</dt>
        <dd>{format.money(totals.taxTotal.amountMinor)}</dd>
        <dt className="grand-total">{t('sale.total')}</dt>
        <dd className="grand-total" data-testid="cart-total">
          {format.money(totals.total.amountMinor)}
        </dd>
      </dl>
      <div className="button-row">
        {cart.discount === undefined ? (
          <button type="button" className="button-quiet" onClick={() => setEditing({ target: 'cart' })}>
            {t('sale.discountCart')}
          </button>
        ) : (
          <button type="button" className="button-quiet" onClick={() => onChange(removeCartDiscount(cart))}>
            {t('sale.removeCartDiscount')}
          </button>
        )}
      </div>
    </section>
  );
}

function QuantityInput({
  initial,
  weighed,
  label,
  onCommit,
}: {
  readonly initial: string;
  readonly weighed: boolean;
  readonly label: string;
  readonly onCommit: (text: string) => void;
}) {
  const [text, setText] = useState(initial);
  const commit = () => {
    if (text.trim() !== initial) onCommit(text.trim());
  };
  return (
    <input
      className="quantity-input"
      aria-label={label}
      inputMode={weighed ? 'decimal' : 'numeric'}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          commit();
        }
      }}
    />
  );
}

function DiscountForm({
  title,
  maxPercent,
  format,
  onApply,
  onCancel,
  onProblem,
}: {
  readonly title: string;
  readonly maxPercent: number;
  readonly format: StoreFormat;
  readonly onApply: (discount: Discount) => void;
  readonly onCancel: () => void;
  readonly onProblem: (code: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kind === 'amount') {
      const amount = format.parseMoney(value);
      if (amount === undefined) onProblem('DISCOUNT_INVALID');
      else onApply({ kind: 'amount', amount });
      return;
    }
    // Percent with up to two decimals, as basis points, without floating point.
    const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(value.trim());
    if (match === null) {
      onProblem('DISCOUNT_INVALID');
      return;
    }
    const rateBasisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
    onApply({ kind: 'percent', rateBasisPoints });
  };
  return (
    <form className="discount-form" onSubmit={submit} aria-label={title}>
      <fieldset>
        <legend>{title}</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'percent'}
            onChange={() => setKind('percent')}
          />
          {t('sale.percent')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'amount'}
            onChange={() => setKind('amount')}
          />
          {t('sale.amount')}
        </label>
        <label htmlFor={`${id}-value`}>{t('sale.discountValue')}</label>
        <input
          id={`${id}-value`}
          inputMode="decimal"
          required
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <span className="muted">{t('sale.discountLimit', { percent: maxPercent })}</span>
        <div className="button-row">
          <button type="button" className="button-quiet" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button-primary">
            {t('sale.applyDiscount')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
