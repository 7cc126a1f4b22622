import { describeReceipt, type ReceiptContent, type ReceiptRow } from './receipt-content';
import type { Receipt } from './receipt-model';
import { receiptQrSvg } from './receipt-qr-svg';

// The receipt as a self-contained HTML fragment, for the on-screen preview and for printing from
// the browser: its own small style sheet (every rule under .mostrador-receipt, so it leaves the
// page around it alone) and the QR code as inline SVG, so it needs no network and no assets.
// Every piece of text is escaped: product names, cashier names and footers come from people.

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

const receiptStyle = [
  '.mostrador-receipt{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;line-height:1.35;',
  'color:#000;background:#fff;max-width:80mm;margin:0 auto;padding:4mm}',
  '.mostrador-receipt h1,.mostrador-receipt h2,.mostrador-receipt h3,.mostrador-receipt p{margin:0}',
  '.mostrador-receipt header,.mostrador-receipt h2,.mostrador-receipt .mr-offline,.mostrador-receipt figure,',
  '.mostrador-receipt .mr-footer{text-align:center}',
  '.mostrador-receipt h1{font-size:1.25em}.mostrador-receipt h2{font-size:1em;margin-top:.5em}',
  '.mostrador-receipt h3{font-size:1em;font-weight:normal;margin-top:.5em}',
  '.mostrador-receipt .mr-offline{font-weight:bold;border:1px dashed #000;margin:.25em 0;padding:.15em}',
  '.mostrador-receipt table{width:100%;border-collapse:collapse;margin-top:.5em}',
  '.mostrador-receipt th,.mostrador-receipt td{padding:0;text-align:left;font-weight:normal;vertical-align:top}',
  '.mostrador-receipt .mr-amount{text-align:right;white-space:nowrap}',
  '.mostrador-receipt .mr-indent{padding-left:1.5em}',
  '.mostrador-receipt .mr-sku{color:#555;font-size:.85em}',
  '.mostrador-receipt .mr-strong th,.mostrador-receipt .mr-strong td{font-weight:bold}',
  '.mostrador-receipt .mr-total th,.mostrador-receipt .mr-total td{font-weight:bold;font-size:1.4em;',
  'border-top:1px solid #000}',
  '.mostrador-receipt figure{margin:.75em 0 0}.mostrador-receipt figure svg{width:35mm;height:35mm}',
  '.mostrador-receipt figcaption{font-size:.8em;word-break:break-all}',
  '.mostrador-receipt .mr-footer{margin-top:.5em}',
].join('');

type RowOptions = { readonly className?: string; readonly indent?: boolean };

function rowHtml({ label, value }: ReceiptRow, options: RowOptions = {}): string {
  const rowClass = options.className === undefined ? '' : ` class="${options.className}"`;
  const labelClass = options.indent === true ? ' class="mr-indent"' : '';
  return `<tr${rowClass}><th scope="row"${labelClass}>${escapeHtml(label)}</th><td class="mr-amount">${escapeHtml(value)}</td></tr>`;
}

function headerHtml(content: ReceiptContent): string {
  const details = content.storeDetails.map((detail) => `<p>${escapeHtml(detail)}</p>`).join('');
  const offline =
    content.offlineMark === null
      ? ''
      : `<p class="mr-offline" role="status">${escapeHtml(content.offlineMark)}</p>`;
  const folio = rowHtml(content.folio, { className: 'mr-strong mr-folio' });
  const meta = content.meta.map((row) => rowHtml(row)).join('');
  return (
    `<header><h1>${escapeHtml(content.storeName)}</h1>${details}</header>` +
    `<h2>${escapeHtml(content.title)}</h2>${offline}` +
    `<table class="mr-meta" data-folio-provisional="${content.folio.provisional}"><tbody>${folio}${meta}</tbody></table>`
  );
}

function itemsHtml(content: ReceiptContent): string {
  const rows = content.items.map((item) => {
    const name =
      `<tr class="mr-item"><th scope="rowgroup" colspan="2">${escapeHtml(item.name)} ` +
      `<span class="mr-sku">${escapeHtml(item.sku)}</span></th></tr>`;
    const detail = rowHtml({ label: item.detail, value: item.total }, { indent: true });
    const discount = item.discount === null ? '' : rowHtml(item.discount, { indent: true });
    return `${name}${detail}${discount}`;
  });
  return `<table class="mr-items"><tbody>${rows.join('')}</tbody></table>`;
}

function taxRowsHtml(content: ReceiptContent): string {
  return content.taxes
    .map((tax) => rowHtml({ label: tax.label, value: tax.tax }) + rowHtml(tax.taxableBase, { indent: true }))
    .join('');
}

function totalsHtml(content: ReceiptContent): string {
  const rows = [
    rowHtml(content.subtotal),
    content.discount === null ? '' : rowHtml(content.discount),
    content.taxesIncluded ? '' : taxRowsHtml(content),
    rowHtml(content.total, { className: 'mr-total' }),
    content.cashRounding === null ? '' : rowHtml(content.cashRounding),
  ];
  const included =
    content.taxesIncluded && content.taxes.length > 0
      ? `<h3>${escapeHtml(content.taxesIncludedHeading)}</h3><table class="mr-taxes"><tbody>${taxRowsHtml(content)}</tbody></table>`
      : '';
  return `<table class="mr-totals"><tbody>${rows.join('')}</tbody></table>${included}`;
}

function tendersHtml(content: ReceiptContent): string {
  const rows = content.tenders.map(
    (tender) =>
      rowHtml(tender) +
      (tender.reference === null
        ? ''
        : `<tr><td class="mr-indent" colspan="2">${escapeHtml(tender.reference)}</td></tr>`),
  );
  const change = content.change === null ? '' : rowHtml(content.change, { className: 'mr-strong' });
  return (
    `<h3>${escapeHtml(content.tendersHeading)}</h3>` +
    `<table class="mr-tenders"><tbody>${rows.join('')}${change}</tbody></table>`
  );
}

function closingHtml(content: ReceiptContent): string {
  const label = escapeHtml(`${content.document.label} ${content.document.value}`);
  const footer = content.footer === null ? '' : `<p class="mr-footer">${escapeHtml(content.footer)}</p>`;
  return (
    `<figure class="mr-qr" data-qr-payload="${escapeHtml(content.qrPayload)}">${receiptQrSvg(content.qrPayload)}` +
    `<figcaption>${label}</figcaption></figure>${footer}`
  );
}

export function renderReceiptHtml(receipt: Receipt): string {
  const content = describeReceipt(receipt);
  return (
    `<article class="mostrador-receipt" lang="${escapeHtml(receipt.locale)}" ` +
    `data-document-id="${escapeHtml(receipt.documentId)}" data-document-type="${escapeHtml(receipt.documentType)}">` +
    `<style>${receiptStyle}</style>` +
    headerHtml(content) +
    itemsHtml(content) +
    totalsHtml(content) +
    tendersHtml(content) +
    closingHtml(content) +
    '</article>'
  );
}
