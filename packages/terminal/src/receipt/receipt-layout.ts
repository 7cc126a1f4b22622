import { centerText, justifyRow, type ReceiptWidthColumns, ruleLine, wrapText } from './receipt-columns';
import type { ReceiptContent, ReceiptRow } from './receipt-content';

// The receipt laid out in monospaced lines, top to bottom, each no wider than the paper. The
// text renderer prints the lines as they are; the ESC/POS encoder prints the same lines and
// uses the emphasis to switch bold and character size on the printer.

export type ReceiptLineEmphasis = 'normal' | 'strong' | 'total';

export type ReceiptLayoutLine = { readonly text: string; readonly emphasis: ReceiptLineEmphasis };

/** Detail rows under an item, a tax or a tender are indented by this much. */
export const receiptIndentColumns = 2;

function lines(texts: readonly string[], emphasis: ReceiptLineEmphasis = 'normal'): ReceiptLayoutLine[] {
  return texts.map((text) => ({ text, emphasis }));
}

function row(
  { label, value }: ReceiptRow,
  widthColumns: number,
  emphasis: ReceiptLineEmphasis = 'normal',
  indentColumns = 0,
): ReceiptLayoutLine[] {
  return lines(justifyRow(label, value, widthColumns, indentColumns), emphasis);
}

function header(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  return [
    ...lines(centerText(content.storeName, widthColumns), 'strong'),
    ...content.storeDetails.flatMap((detail) => lines(centerText(detail, widthColumns))),
    ...lines([ruleLine(widthColumns)]),
    ...lines(centerText(content.title, widthColumns), 'strong'),
    ...(content.offlineMark === null
      ? []
      : lines(centerText(`*** ${content.offlineMark} ***`, widthColumns), 'strong')),
    ...row(content.folio, widthColumns, 'strong'),
    ...content.meta.flatMap((meta) => row(meta, widthColumns)),
    ...lines([ruleLine(widthColumns)]),
  ];
}

function items(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  return content.items.flatMap((item) => [
    ...lines(wrapText(item.name, widthColumns)),
    ...row({ label: item.detail, value: item.total }, widthColumns, 'normal', receiptIndentColumns),
    ...(item.discount === null ? [] : row(item.discount, widthColumns, 'normal', receiptIndentColumns)),
  ]);
}

function taxes(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  return content.taxes.flatMap((tax) => [
    ...row({ label: tax.label, value: tax.tax }, widthColumns),
    ...row(tax.taxableBase, widthColumns, 'normal', receiptIndentColumns),
  ]);
}

function totals(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  const includedTaxes =
    content.taxesIncluded && content.taxes.length > 0
      ? [...lines(wrapText(content.taxesIncludedHeading, widthColumns)), ...taxes(content, widthColumns)]
      : [];
  return [
    ...row(content.subtotal, widthColumns),
    ...(content.discount === null ? [] : row(content.discount, widthColumns)),
    ...(content.taxesIncluded ? [] : taxes(content, widthColumns)),
    ...row(content.total, widthColumns, 'total'),
    ...(content.cashRounding === null ? [] : row(content.cashRounding, widthColumns)),
    ...includedTaxes,
    ...lines([ruleLine(widthColumns)]),
  ];
}

function tenders(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  return [
    ...lines(wrapText(content.tendersHeading, widthColumns)),
    ...content.tenders.flatMap((tender) => [
      ...row(tender, widthColumns),
      ...(tender.reference === null
        ? []
        : row({ label: tender.reference, value: '' }, widthColumns, 'normal', receiptIndentColumns)),
    ]),
    ...(content.change === null ? [] : row(content.change, widthColumns, 'strong')),
    ...lines([ruleLine(widthColumns)]),
  ];
}

function closing(content: ReceiptContent, widthColumns: number): ReceiptLayoutLine[] {
  return [
    ...row(content.document, widthColumns),
    ...(content.footer === null ? [] : lines(centerText(content.footer, widthColumns))),
  ];
}

export function layoutReceipt(
  content: ReceiptContent,
  widthColumns: ReceiptWidthColumns,
): ReceiptLayoutLine[] {
  return [
    ...header(content, widthColumns),
    ...items(content, widthColumns),
    ...totals(content, widthColumns),
    ...tenders(content, widthColumns),
    ...closing(content, widthColumns),
  ];
}
