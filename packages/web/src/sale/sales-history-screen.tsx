import { type Permission, parseQuantity, roleHasPermission } from '@mostrador/core';
import { displayFolio, type LocalSale } from '@mostrador/terminal';
import { useCallback, useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { ManagerPinDialog } from '../manager/manager-pin-dialog';
import { printReceipt } from '../print/receipt-printer';
import { useTill } from '../terminal-host/terminal-context';
import { ReceiptView, useSaleReceipt } from './receipt-view';

const SALES_SHOWN = 100;

type Action = { readonly kind: 'void' | 'refund'; readonly sale: LocalSale };

/**
 * This till's sales (kept on the device, offline too): reprint with the final folio once the server
 * assigned it, and void or refund with a manager's PIN when the cashier may not.
 */
export function SalesHistoryScreen() {
  const { engine, format } = useTill();
  const { t } = useI18n();
  const [sales, setSales] = useState<LocalSale[]>([]);
  const [selected, setSelected] = useState<LocalSale | null>(null);
  const [action, setAction] = useState<Action | null>(null);

  const load = useCallback(async () => {
    const listed = await engine.listSales({ limit: SALES_SHOWN });
    setSales(listed);
    setSelected((current) =>
      current === null ? null : (listed.find((sale) => sale.saleId === current.saleId) ?? current),
    );
  }, [engine]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3_000);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <main className="sales-screen">
      <section aria-labelledby="sales-title" className="sales-list">
        <h1 id="sales-title">{t('sales.title')}</h1>
        <table data-testid="sales-table">
          <thead>
            <tr>
              <th scope="col">{t('sales.folio')}</th>
              <th scope="col">{t('sales.time')}</th>
              <th scope="col" className="amount">
                {t('sale.total')}
              </th>
              <th scope="col">{t('sales.state')}</th>
            </tr>
          </thead>
          <tbody>
            {sales.map((sale) => (
              <tr
                key={sale.saleId}
                data-testid="sale-row"
                data-sale-id={sale.saleId}
                data-final-folio={sale.finalFolio ?? ''}
                aria-selected={selected?.saleId === sale.saleId}
              >
                <td>
                  <button type="button" className="link-button" onClick={() => setSelected(sale)}>
                    {displayFolio(sale)}
                  </button>
                </td>
                <td>{format.dateTime(sale.recordedAt)}</td>
                <td className="amount">{format.money(sale.totalMinor)}</td>
                <td>
                  {sale.voided !== null
                    ? t('sales.voided')
                    : sale.refundIds.length > 0
                      ? t('sales.refunded')
                      : sale.finalFolio === null
                        ? t('sales.pending')
                        : t('sales.synced')}
                  {sale.offline ? ` · ${t('sales.offline')}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sales.length === 0 ? <p className="muted">{t('sales.none')}</p> : null}
      </section>
      {selected !== null ? (
        <SaleDetail
          sale={selected}
          onVoid={() => setAction({ kind: 'void', sale: selected })}
          onRefund={() => setAction({ kind: 'refund', sale: selected })}
        />
      ) : null}
      {action !== null ? (
        <SaleActionDialog
          action={action}
          onDone={() => {
            setAction(null);
            void load();
          }}
        />
      ) : null}
    </main>
  );
}

function SaleDetail({
  sale,
  onVoid,
  onRefund,
}: {
  readonly sale: LocalSale;
  readonly onVoid: () => void;
  readonly onRefund: () => void;
}) {
  const { t } = useI18n();
  const receipt = useSaleReceipt(sale);
  const open = sale.voided === null;
  return (
    <section className="sale-detail" aria-label={t('sales.detail')}>
      <ReceiptView sale={sale} />
      <div className="button-row">
        <button type="button" className="button-quiet" onClick={() => void printReceipt(receipt)}>
          {t('receipt.reprint')}
        </button>
        <button
          type="button"
          className="button-quiet"
          disabled={!open || sale.refundIds.length > 0}
          onClick={onVoid}
        >
          {t('sales.void')}
        </button>
        <button type="button" className="button-quiet" disabled={!open} onClick={onRefund}>
          {t('sales.refund')}
        </button>
      </div>
    </section>
  );
}

/** Void or refund: a reason, the lines for a refund, and a manager's PIN when the user lacks the permission. */
function SaleActionDialog({ action, onDone }: { readonly action: Action; readonly onDone: () => void }) {
  const { engine, user, format } = useTill();
  const { t, refusal } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const permission: Permission = action.kind === 'void' ? 'sale.void' : 'refund.issue';
  const needsApproval = !roleHasPermission(user.role, permission);

  const run = async (pin: string) => {
    const approval = needsApproval ? { pin } : undefined;
    if (!needsApproval) {
      // The signed-in manager confirms with their own PIN, so a walk-up cannot act in their name.
      const confirmed = await engine.login({ pin, userId: user.userId });
      if (!confirmed.ok) return refusal(confirmed.code);
    }
    const base = {
      saleId: action.sale.saleId,
      reason: reason.trim(),
      ...(approval === undefined ? {} : { approval }),
    };
    if (action.kind === 'void') {
      const outcome = await engine.voidSale(base);
      if (!outcome.ok) return refusal(outcome.code);
    } else {
      const lines = [];
      for (const line of action.sale.lines) {
        const text = quantities[line.lineId]?.trim() ?? '';
        if (text === '') continue;
        const parsed = parseQuantity(text.replace(',', '.'));
        if (!parsed.ok) return refusal('QUANTITY_INVALID');
        lines.push({ lineId: line.lineId, quantity: parsed.quantity });
      }
      const outcome = await engine.refundSale({ ...base, lines });
      if (!outcome.ok) return refusal(outcome.code);
    }
    onDone();
    return null;
  };

  return (
    <ManagerPinDialog
      title={
        action.kind === 'void'
          ? t('sales.voidTitle', { folio: displayFolio(action.sale) })
          : t('sales.refundTitle', { folio: displayFolio(action.sale) })
      }
      onSubmit={run}
      onClose={onDone}
    >
      {action.kind === 'refund'
        ? action.sale.lines.map((line) => (
            <div key={line.lineId} className="refund-line">
              <label htmlFor={`${id}-${line.lineId}`}>
                {line.name} ({line.quantity} × {format.money(line.unitPriceMinor)})
              </label>
              <input
                id={`${id}-${line.lineId}`}
                inputMode="decimal"
                placeholder="0"
                value={quantities[line.lineId] ?? ''}
                onChange={(event) =>
                  setQuantities((current) => ({ ...current, [line.lineId]: event.target.value }))
                }
              />
            </div>
          ))
        : null}
      <label htmlFor={`${id}-reason`}>{t('sales.reason')}</label>
      <input
        id={`${id}-reason`}
        required
        maxLength={200}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <p className="muted">{needsApproval ? t('sales.managerApproves') : t('sales.confirmWithPin')}</p>
    </ManagerPinDialog>
  );
}
