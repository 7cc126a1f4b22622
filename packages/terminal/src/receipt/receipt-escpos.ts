import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { justifyRow, type ReceiptWidthColumns } from './receipt-columns';
import { describeReceipt, type ReceiptRow } from './receipt-content';
import { layoutReceipt } from './receipt-layout';
import type { Receipt } from './receipt-model';

// ESC/POS bytes for 58 mm and 80 mm thermal printers, through @point-of-sale/receipt-printer-encoder
// (pure JavaScript, the same code in the browser and in Node). The lines are the ones the text
// renderer prints; the printer adds bold, a large total and a QR code the printer draws itself.
//
// Code page. Thermal printers print single-byte code pages. The default is cp858 (cp850, the
// DOS Latin-1 page every ESC/POS printer has, plus the euro sign), selected with ESC t 19 in the
// Epson numbering most printers follow; it has ñ Ñ á é í ó ú ü ¿ ¡ × and ¢. cp850, windows1252
// and iso8859-15 can be chosen for printers that number their pages differently.
//
// Currency signs. No thermal code page has the colón sign ₡ (U+20A1): a printer would print "?".
// Costa Ricans write the colón as ¢ wherever ₡ is not at hand (keyboards, price tags, signs), so
// the ESC/POS receipt prints ¢ in its place: one character for one, so columns stay aligned, and
// the currency is never in doubt on a receipt whose amounts are all colones. The text and HTML
// renderers, which are Unicode, keep ₡. $ (MXN, COP, USD), S/ (PEN) and Rs (PKR) are ASCII.

export const receiptCodepages = ['cp858', 'cp850', 'windows1252', 'iso8859-15'] as const;
export type ReceiptCodepage = (typeof receiptCodepages)[number];
export const receiptCodepageDefault: ReceiptCodepage = 'cp858';

export type ReceiptEscPosOptions = {
  /** 32 for 58 mm paper, 48 for 80 mm paper (font A). */
  readonly widthColumns: ReceiptWidthColumns;
  readonly codepage?: ReceiptCodepage;
};

/**
 * Characters the code pages above lack, each replaced by one that prints in all of them, so a
 * line keeps its width. Anything else missing is printed by the encoder as "?".
 */
const thermalSubstitutes: Readonly<Record<string, string>> = {
  '₡': '¢',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '‐': '-',
  '‑': '-',
  '–': '-',
  '—': '-',
  '−': '-',
  '…': '.',
  '•': '*',
};

export function thermalText(text: string): string {
  let printable = '';
  for (const character of text) printable += thermalSubstitutes[character] ?? character;
  return printable;
}

/** Lines fed after the QR code so that it clears the cutter, which sits above the print head. */
const feedBeforeCutLines = 4;

/** The QR code's module size in printer dots: about 200 dots wide on 58 mm, 230 on 80 mm. */
const qrModuleDots: Readonly<Record<ReceiptWidthColumns, number>> = { 32: 6, 48: 7 };

/**
 * The total in double width and height when it fits in half the columns, otherwise in double
 * height only, which never changes how many characters fit in a line.
 */
function printTotal(
  encoder: ReceiptPrinterEncoder,
  total: ReceiptRow,
  widthColumns: ReceiptWidthColumns,
): void {
  const halfWidthRows = justifyRow(total.label, total.value, widthColumns / 2);
  encoder.bold(true);
  if (halfWidthRows.length === 1) {
    encoder.size(2, 2);
    for (const row of halfWidthRows) encoder.line(thermalText(row));
  } else {
    encoder.size(1, 2);
    for (const row of justifyRow(total.label, total.value, widthColumns)) encoder.line(thermalText(row));
  }
  encoder.size(1, 1).bold(false);
}

export function encodeReceiptEscPos(receipt: Receipt, options: ReceiptEscPosOptions): Uint8Array {
  const { widthColumns } = options;
  const content = describeReceipt(receipt);
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: widthColumns,
    newline: '\n',
    feedBeforeCut: feedBeforeCutLines,
    errors: 'relaxed',
  });
  encoder.initialize().codepage(options.codepage ?? receiptCodepageDefault);

  let totalPrinted = false;
  for (const line of layoutReceipt(content, widthColumns)) {
    if (line.emphasis === 'total') {
      if (!totalPrinted) printTotal(encoder, content.total, widthColumns);
      totalPrinted = true;
    } else if (line.emphasis === 'strong') {
      encoder.bold(true).line(thermalText(line.text)).bold(false);
    } else {
      encoder.line(thermalText(line.text));
    }
  }

  encoder
    .newline()
    .align('center')
    .qrcode(content.qrPayload, { model: 2, size: qrModuleDots[widthColumns], errorlevel: 'm' })
    .align('left')
    .cut('partial');
  return encoder.encode();
}
