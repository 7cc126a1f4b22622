// Receipts: one model, rendered as monospaced text, as HTML for the screen and as ESC/POS bytes.
export {
  printableText,
  type ReceiptWidthColumns,
  receiptWidthsColumns,
  textWidth,
  wrapText,
} from './receipt-columns';
export {
  describeReceipt,
  type ReceiptContent,
  type ReceiptItem,
  type ReceiptRow,
  type ReceiptTaxRow,
  type ReceiptTenderRow,
} from './receipt-content';
export {
  encodeReceiptEscPos,
  type ReceiptCodepage,
  type ReceiptEscPosOptions,
  receiptCodepageDefault,
  receiptCodepages,
  thermalText,
} from './receipt-escpos';
export { escapeHtml, renderReceiptHtml } from './receipt-html';
export {
  formatTaxRate,
  type ReceiptLabels,
  receiptLabels,
  receiptLabelsEnglish,
  receiptLabelsSpanish,
  receiptTaxIdLabel,
  receiptTaxName,
  receiptTaxRateLabel,
} from './receipt-labels';
export { layoutReceipt, type ReceiptLayoutLine, type ReceiptLineEmphasis } from './receipt-layout';
export {
  type Receipt,
  type ReceiptDocumentType,
  type ReceiptLanguage,
  type ReceiptLine,
  type ReceiptStore,
  type ReceiptTaxRate,
  type ReceiptTender,
  receiptDocumentTypes,
  receiptLanguages,
  receiptPricesIncludeTax,
  receiptQrPayload,
  receiptSchema,
} from './receipt-model';
export { receiptQrSvg } from './receipt-qr-svg';
export { type ReceiptTextOptions, renderReceiptText } from './receipt-text';
