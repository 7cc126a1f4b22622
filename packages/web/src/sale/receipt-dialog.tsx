import type { LocalSale } from '@mostrador/terminal';
import { useEffect, useState } from 'react';
import { ModalDialog } from '../app/modal-dialog';
import { useI18n } from '../i18n/i18n-context';
import { printReceipt } from '../print/receipt-printer';
import { useTill } from '../terminal-host/terminal-context';
import { ReceiptView, useSaleReceipt } from './receipt-view';

const FOLIO_REFRESH_MS = 2_000;

/**
 * The sale is recorded (durably, before this opens): change to give, the receipt to print, and
 * Enter for the next customer. The final folio replaces the provisional one when the server sends it.
 */
export function ReceiptDialog({
  sale,
  customer,
  onNewSale,
}: {
  readonly sale: LocalSale;
  readonly customer: string;
  readonly onNewSale: () => void;
}) {
  const { engine, format } = useTill();
  const { t } = useI18n();
  const [current, setCurrent] = useState(sale);
  const footer = customer.trim() === '' ? undefined : t('receipt.customer', { name: customer.trim() });
  const receipt = useSaleReceipt(current, footer);

  useEffect(() => {
    if (current.finalFolio !== null) return undefined;
    const timer = setInterval(() => {
      void engine.getSale(sale.saleId).then((fresh) => {
        if (fresh !== undefined && fresh.finalFolio !== null) setCurrent(fresh);
      });
    }, FOLIO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [engine, sale.saleId, current.finalFolio]);

  return (
    <ModalDialog
      title={t('receipt.title')}
      onClose={onNewSale}
      className="receipt-dialog"
      testId="receipt-dialog"
    >
      {current.changeMinor > 0 ? (
        <p className="change-banner" data-testid="receipt-change">
          {t('payment.change')} <strong>{format.money(current.changeMinor)}</strong>
        </p>
      ) : null}
      <ReceiptView sale={current} {...(footer === undefined ? {} : { footer })} />
      <div className="button-row">
        <button type="button" className="button-quiet" onClick={() => void printReceipt(receipt)}>
          {t('receipt.print')}
        </button>
        <button type="button" className="button-primary button-large" data-autofocus onClick={onNewSale}>
          {t('sale.newSale')} (Enter)
        </button>
      </div>
    </ModalDialog>
  );
}
