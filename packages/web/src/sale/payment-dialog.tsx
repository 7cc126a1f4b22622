import { type Money, moneyToDecimalString, roundCash } from '@mostrador/core';
import { type FormEvent, useMemo, useState } from 'react';
import { ModalDialog } from '../app/modal-dialog';
import type { StoreFormat } from '../format/store-format';
import { useI18n } from '../i18n/i18n-context';
import {
  PAYMENT_KINDS,
  type PaymentKind,
  type PaymentRow,
  previewPayment,
  remainingForRow,
} from './payment-draft';

/**
 * Split tenders: cash, card and transfer in any mix; the dialog shows what is still missing or
 * the change due, and Enter confirms once the tenders cover the total.
 */
export function PaymentDialog({
  total,
  format,
  cashRoundingIncrementMinor,
  busy,
  problem,
  onConfirm,
  onClose,
}: {
  readonly total: Money;
  readonly format: StoreFormat;
  readonly cashRoundingIncrementMinor: number;
  readonly busy: boolean;
  readonly problem: string | null;
  readonly onConfirm: (preview: Extract<ReturnType<typeof previewPayment>, { state: 'ready' }>) => void;
  readonly onClose: () => void;
}) {
  const { t, refusal } = useI18n();
  const [rows, setRows] = useState<PaymentRow[]>([{ id: 1, kind: 'cash', amountText: '', reference: '' }]);
  const preview = useMemo(
    () => previewPayment(total, rows, format.parseMoney, cashRoundingIncrementMinor),
    [total, rows, format, cashRoundingIncrementMinor],
  );

  const update = (rowId: number, change: Partial<PaymentRow>) =>
    setRows((current) => current.map((row) => (row.id === rowId ? { ...row, ...change } : row)));
  const addRow = (kind: PaymentKind) =>
    setRows((current) => [
      ...current,
      { id: Math.max(0, ...current.map((row) => row.id)) + 1, kind, amountText: '', reference: '' },
    ]);
  const fillRemaining = (row: PaymentRow) => {
    const remaining = remainingForRow(total, rows, row.id, format.parseMoney);
    const amount = row.kind === 'cash' ? roundCash(remaining, cashRoundingIncrementMinor).rounded : remaining;
    update(row.id, { amountText: moneyToDecimalString(amount) });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (preview.state === 'ready' && !busy) onConfirm(preview);
  };

  return (
    <ModalDialog
      title={t('payment.title')}
      onClose={onClose}
      className="payment-dialog"
      testId="payment-dialog"
    >
      <form onSubmit={submit}>
        <p className="payment-total">
          {t('payment.total')} <strong data-testid="payment-total">{format.money(total.amountMinor)}</strong>
        </p>
        <table className="payment-rows">
          <thead>
            <tr>
              <th scope="col">{t('payment.method')}</th>
              <th scope="col">{t('payment.amount')}</th>
              <th scope="col">{t('payment.reference')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('sale.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, position) => (
              <tr key={row.id} data-testid="tender-row" data-kind={row.kind}>
                <td>
                  <select
                    aria-label={t('payment.methodOf', { number: position + 1 })}
                    value={row.kind}
                    onChange={(event) => update(row.id, { kind: event.target.value as PaymentKind })}
                  >
                    {PAYMENT_KINDS.map((kind) => (
                      <option key={kind} value={kind}>
                        {t(`tender.${kind}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={t('payment.amountOf', {
                      method: t(`tender.${row.kind}`),
                      number: position + 1,
                    })}
                    aria-invalid={preview.state === 'invalid' && preview.rowId === row.id}
                    inputMode="decimal"
                    data-autofocus={position === 0 ? true : undefined}
                    value={row.amountText}
                    onChange={(event) => update(row.id, { amountText: event.target.value })}
                  />
                </td>
                <td>
                  {row.kind === 'cash' ? null : (
                    <input
                      aria-label={t('payment.referenceOf', { number: position + 1 })}
                      maxLength={64}
                      value={row.reference}
                      onChange={(event) => update(row.id, { reference: event.target.value })}
                    />
                  )}
                </td>
                <td className="line-actions">
                  <button type="button" className="button-quiet" onClick={() => fillRemaining(row)}>
                    {t('payment.exact')}
                  </button>
                  {rows.length > 1 ? (
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={t('payment.removeRow', { number: position + 1 })}
                      onClick={() => setRows((current) => current.filter((other) => other.id !== row.id))}
                    >
                      ✕
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="button-row">
          {PAYMENT_KINDS.map((kind) => (
            <button key={kind} type="button" className="button-quiet" onClick={() => addRow(kind)}>
              + {t(`tender.${kind}`)}
            </button>
          ))}
        </div>
        <output className="payment-summary" aria-live="polite">
          {preview.state === 'ready' ? (
            <span data-testid="change-due">
              {t('payment.change')} <strong>{format.money(preview.changeMinor)}</strong>
            </span>
          ) : preview.state === 'short' ? (
            <span>
              {t('payment.missing')} <strong>{format.money(preview.shortByMinor)}</strong>
            </span>
          ) : preview.state === 'invalid' ? (
            <span className="problem">{t('payment.invalidAmount')}</span>
          ) : preview.state === 'refused' ? (
            <span className="problem">{refusal(preview.code)}</span>
          ) : (
            <span>{t('payment.enterAmount')}</span>
          )}
        </output>
        <p role="alert" className="problem">
          {problem}
        </p>
        <div className="button-row">
          <button type="button" className="button-quiet" onClick={onClose}>
            {t('common.cancel')} (Esc)
          </button>
          <button
            type="submit"
            className="button-primary button-large"
            disabled={preview.state !== 'ready' || busy}
          >
            {busy ? t('payment.recording') : t('payment.confirm')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
