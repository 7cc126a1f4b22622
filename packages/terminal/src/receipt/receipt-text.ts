import type { ReceiptWidthColumns } from './receipt-columns';
import { describeReceipt } from './receipt-content';
import { layoutReceipt } from './receipt-layout';
import type { Receipt } from './receipt-model';

export type ReceiptTextOptions = {
  /** 32 for 58 mm paper, 48 for 80 mm paper. */
  readonly widthColumns: ReceiptWidthColumns;
};

/**
 * The receipt as monospaced text, one line per printed line, for a plain-text printer, a log or
 * a test. It ends with a newline; no line is wider than the paper.
 */
export function renderReceiptText(receipt: Receipt, options: ReceiptTextOptions): string {
  const layout = layoutReceipt(describeReceipt(receipt), options.widthColumns);
  return `${layout.map((line) => line.text).join('\n')}\n`;
}
