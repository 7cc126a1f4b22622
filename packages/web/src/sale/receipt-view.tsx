import { type LocalSale, renderReceiptHtml, saleReceipt } from '@mostrador/terminal';
import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { useTill } from '../terminal-host/terminal-context';

/** The receipt as the terminal renders it (escaped HTML with its own styles and QR code). */
export function useSaleReceipt(sale: LocalSale, footer?: string) {
  const { identity, storeSettings, userNames, user } = useTill();
  const { language } = useI18n();
  return useMemo(
    () =>
      saleReceipt(sale, {
        store: { name: storeSettings.name },
        terminalName: identity.name,
        cashierName: userNames.get(sale.cashierUserId) ?? user.name,
        locale: storeSettings.locale,
        timeZone: storeSettings.timezone,
        language,
        ...(footer === undefined || footer.trim() === '' ? {} : { footer: footer.trim() }),
      }),
    [sale, storeSettings, identity, userNames, user, language, footer],
  );
}

export function ReceiptView({ sale, footer }: { readonly sale: LocalSale; readonly footer?: string }) {
  const receipt = useSaleReceipt(sale, footer);
  const html = useMemo(() => renderReceiptHtml(receipt), [receipt]);
  return (
    <div
      className="receipt-preview printable"
      data-testid="receipt"
      data-final-folio={sale.finalFolio ?? ''}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: renderReceiptHtml escapes every text it writes (packages/terminal/src/receipt/receipt-html.ts).
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
