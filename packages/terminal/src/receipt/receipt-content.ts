import { formatMoney, formatQuantity, money, parseQuantity } from '@mostrador/core';
import { printableText } from './receipt-columns';
import { receiptLabels, receiptTaxIdLabel, receiptTaxRateLabel } from './receipt-labels';
import { type Receipt, receiptPricesIncludeTax, receiptQrPayload } from './receipt-model';

// What a receipt says, worded and formatted but not yet laid out: the text, HTML and ESC/POS
// renderers all start from this, so the paper, the screen and the printer never disagree on a
// word or an amount.

export type ReceiptRow = { readonly label: string; readonly value: string };

export type ReceiptItem = {
  readonly name: string;
  readonly sku: string;
  /** "2 × ₡1 250,00": quantity times unit price. */
  readonly detail: string;
  /** What the customer pays for the line, discount off and tax in. */
  readonly total: string;
  readonly discount: ReceiptRow | null;
};

export type ReceiptTaxRow = {
  readonly label: string;
  readonly tax: string;
  readonly taxableBase: ReceiptRow;
};

export type ReceiptTenderRow = ReceiptRow & {
  /** "Ref. 123456": the card authorisation, transfer number or payment-link id. */
  readonly reference: string | null;
};

export type ReceiptFolio = ReceiptRow & { readonly provisional: boolean };

export type ReceiptContent = {
  readonly language: Receipt['language'];
  readonly storeName: string;
  /** Address, tax registration and phone, each its own line. */
  readonly storeDetails: readonly string[];
  readonly title: string;
  readonly offlineMark: string | null;
  readonly folio: ReceiptFolio;
  /** Date, terminal and cashier. */
  readonly meta: readonly ReceiptRow[];
  readonly items: readonly ReceiptItem[];
  readonly subtotal: ReceiptRow;
  readonly discount: ReceiptRow | null;
  /** Tax-included prices list their taxes after the total, for information; otherwise before it. */
  readonly taxesIncluded: boolean;
  readonly taxesIncludedHeading: string;
  readonly taxes: readonly ReceiptTaxRow[];
  readonly total: ReceiptRow;
  readonly cashRounding: ReceiptRow | null;
  readonly tendersHeading: string;
  readonly tenders: readonly ReceiptTenderRow[];
  readonly change: ReceiptRow | null;
  readonly document: ReceiptRow;
  readonly qrPayload: string;
  readonly footer: string | null;
};

function amountText(receipt: Receipt, amountMinor: number): string {
  return printableText(formatMoney(money(amountMinor, receipt.currency), receipt.locale));
}

function signedAmountText(receipt: Receipt, amountMinor: number): string {
  const text = amountText(receipt, amountMinor);
  return amountMinor > 0 ? `+${text}` : text;
}

/** "1.250" → "1,25" in Costa Rica: canonical digits, the locale's separators, no float in between. */
function quantityText(quantity: string, locale: string): string {
  const parsed = parseQuantity(quantity);
  if (!parsed.ok) throw new RangeError(`Receipt quantity is not a decimal: ${quantity}`);
  const canonical = formatQuantity(parsed.quantity);
  const formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  return printableText(formatter.format(canonical as `${number}`));
}

function issuedAtText(receipt: Receipt): string {
  const formatter = new Intl.DateTimeFormat(receipt.locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(receipt.timeZone === undefined ? {} : { timeZone: receipt.timeZone }),
  });
  return printableText(formatter.format(new Date(receipt.issuedAt)));
}

function storeDetails(receipt: Receipt): string[] {
  const labels = receiptLabels(receipt.language);
  const { address, taxId, phone } = receipt.store;
  const details: string[] = [];
  if (address !== undefined) details.push(address);
  if (taxId !== undefined) details.push(`${receiptTaxIdLabel(receipt.locale, receipt.language)} ${taxId}`);
  if (phone !== undefined) details.push(`${labels.phone} ${phone}`);
  return details.map(printableText);
}

function receiptFolio(receipt: Receipt): ReceiptFolio {
  const labels = receiptLabels(receipt.language);
  // Once the server has numbered the document, reprints carry the final folio only: two numbers
  // on one receipt would leave the customer unsure which one the tax authority knows.
  if (receipt.finalFolio !== null) {
    return { label: labels.folio, value: printableText(receipt.finalFolio), provisional: false };
  }
  return {
    label: labels.provisionalFolio,
    value: printableText(receipt.provisionalFolio),
    provisional: true,
  };
}

export function describeReceipt(receipt: Receipt): ReceiptContent {
  const labels = receiptLabels(receipt.language);
  const items = receipt.lines.map(
    (line): ReceiptItem => ({
      name: printableText(line.name),
      sku: printableText(line.sku),
      detail: `${quantityText(line.quantity, receipt.locale)} × ${amountText(receipt, line.unitPriceMinor)}`,
      total: amountText(receipt, line.totalMinor),
      discount:
        line.discountMinor > 0
          ? { label: labels.discount, value: amountText(receipt, -line.discountMinor) }
          : null,
    }),
  );
  const taxes = receipt.taxByRate.map(
    (rate): ReceiptTaxRow => ({
      label: receiptTaxRateLabel(rate.rateBasisPoints, receipt.locale, receipt.language),
      tax: amountText(receipt, rate.taxMinor),
      taxableBase: { label: labels.taxableBase, value: amountText(receipt, rate.taxableBaseMinor) },
    }),
  );
  const tenders = receipt.tenders.map(
    (tender): ReceiptTenderRow => ({
      label: labels.tenderKind[tender.kind],
      value: amountText(receipt, tender.amountMinor),
      reference: tender.reference === null ? null : printableText(`${labels.reference} ${tender.reference}`),
    }),
  );
  const cashTendered = receipt.tenders.some((tender) => tender.kind === 'cash');
  return {
    language: receipt.language,
    storeName: printableText(receipt.store.name),
    storeDetails: storeDetails(receipt),
    title: labels.documentTitle[receipt.documentType],
    offlineMark: receipt.issuedOffline ? labels.offlineMark : null,
    folio: receiptFolio(receipt),
    meta: [
      { label: labels.date, value: issuedAtText(receipt) },
      { label: labels.terminal, value: printableText(receipt.terminalName) },
      { label: labels.cashier, value: printableText(receipt.cashierName) },
    ],
    items,
    subtotal: { label: labels.subtotal, value: amountText(receipt, receipt.subtotalMinor) },
    discount:
      receipt.discountTotalMinor > 0
        ? { label: labels.discount, value: amountText(receipt, -receipt.discountTotalMinor) }
        : null,
    taxesIncluded: receiptPricesIncludeTax(receipt),
    taxesIncludedHeading: labels.taxesIncluded,
    taxes,
    total: { label: labels.totalLabel[receipt.documentType], value: amountText(receipt, receipt.totalMinor) },
    cashRounding:
      receipt.cashRoundingMinor === 0
        ? null
        : { label: labels.cashRounding, value: signedAmountText(receipt, receipt.cashRoundingMinor) },
    tendersHeading: labels.tendersHeading[receipt.documentType],
    tenders,
    change:
      cashTendered || receipt.changeMinor > 0
        ? { label: labels.change, value: amountText(receipt, receipt.changeMinor) }
        : null,
    document: { label: labels.document, value: receipt.documentId },
    qrPayload: receiptQrPayload(receipt),
    footer: receipt.footer === undefined ? null : printableText(receipt.footer),
  };
}
