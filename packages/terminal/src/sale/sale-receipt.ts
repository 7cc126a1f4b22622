import { type Receipt, receiptSchema } from '../receipt';
import type { LocalSale } from './local-sale';

export interface ReceiptContext {
  readonly store: Receipt['store'];
  readonly terminalName: string;
  readonly cashierName: string;
  readonly locale: string;
  readonly timeZone?: string;
  readonly language: 'es' | 'en';
  readonly footer?: string;
}

/**
 * The receipt of a sale from the local history, for the first print and every reprint: a reprint
 * after sync shows the final folio, and the offline mark stays because it records how the sale was
 * made. Taxes are grouped per rate from the lines, as the fact recorded them.
 */
export function saleReceipt(sale: LocalSale, context: ReceiptContext): Receipt {
  const byRate = new Map<number, { taxableBaseMinor: number; taxMinor: number }>();
  for (const line of sale.lines) {
    const rate = byRate.get(line.taxRateBasisPoints) ?? { taxableBaseMinor: 0, taxMinor: 0 };
    rate.taxableBaseMinor += line.totalMinor - line.taxMinor;
    rate.taxMinor += line.taxMinor;
    byRate.set(line.taxRateBasisPoints, rate);
  }
  return receiptSchema.parse({
    store: context.store,
    terminalName: context.terminalName,
    documentId: sale.saleId,
    documentType: sale.voided === null ? 'sale' : 'void',
    provisionalFolio: sale.provisionalFolio,
    finalFolio: sale.finalFolio,
    issuedOffline: sale.offline,
    issuedAt: sale.recordedAt,
    ...(context.timeZone === undefined ? {} : { timeZone: context.timeZone }),
    cashierName: context.cashierName,
    locale: context.locale,
    currency: sale.currency,
    language: context.language,
    lines: sale.lines.map((line) => ({
      name: line.name,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      discountMinor: line.discountMinor,
      totalMinor: line.totalMinor,
      taxRateBasisPoints: line.taxRateBasisPoints,
    })),
    subtotalMinor: sale.subtotalMinor,
    discountTotalMinor: sale.discountTotalMinor,
    taxByRate: [...byRate.entries()]
      .sort(([left], [right]) => left - right)
      .map(([rateBasisPoints, rate]) => ({ rateBasisPoints, ...rate })),
    taxTotalMinor: sale.taxTotalMinor,
    totalMinor: sale.totalMinor,
    tenders: sale.tenders,
    changeMinor: sale.changeMinor,
    cashRoundingMinor: sale.cashRoundingMinor,
    ...(context.footer === undefined ? {} : { footer: context.footer }),
  });
}
