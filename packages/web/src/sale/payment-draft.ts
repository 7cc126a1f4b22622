import {
  type Money,
  money,
  type SettlementOutcome,
  settleTenders,
  type Tender,
  type TenderKind,
} from '@mostrador/core';

// The payment dialog's rows as the cashier types them, and what they settle to. The engine
// settles again when it records the sale; this preview only tells the cashier what is missing or
// what change to give, with the same rules (core's settleTenders).

export const PAYMENT_KINDS = ['cash', 'card', 'transfer'] as const satisfies readonly TenderKind[];
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

export type PaymentRow = {
  readonly id: number;
  readonly kind: PaymentKind;
  readonly amountText: string;
  readonly reference: string;
};

export type PaymentPreview =
  | { readonly state: 'invalid'; readonly rowId: number }
  | { readonly state: 'empty' }
  | { readonly state: 'short'; readonly shortByMinor: number; readonly paidMinor: number }
  | { readonly state: 'refused'; readonly code: string }
  | {
      readonly state: 'ready';
      readonly tenders: Tender[];
      readonly changeMinor: number;
      readonly paidMinor: number;
      readonly roundedTotalMinor: number;
    };

export function previewPayment(
  total: Money,
  rows: readonly PaymentRow[],
  parseMoney: (text: string) => Money | undefined,
  cashRoundingIncrementMinor: number,
): PaymentPreview {
  const tenders: Tender[] = [];
  let paidMinor = 0;
  for (const row of rows) {
    if (row.amountText.trim() === '') continue;
    const amount = parseMoney(row.amountText);
    if (amount === undefined || amount.amountMinor < 0) return { state: 'invalid', rowId: row.id };
    paidMinor += amount.amountMinor;
    const reference = row.reference.trim();
    tenders.push({ kind: row.kind, amount, ...(reference === '' ? {} : { reference }) });
  }
  if (tenders.length === 0) return { state: 'empty' };
  const settled: SettlementOutcome = settleTenders(total, tenders, { cashRoundingIncrementMinor });
  if (!settled.ok) {
    if (settled.code === 'TENDERS_SHORT') {
      return { state: 'short', shortByMinor: settled.shortBy.amountMinor, paidMinor };
    }
    return { state: 'refused', code: settled.code };
  }
  return {
    state: 'ready',
    tenders,
    changeMinor: settled.settlement.changeDue.amountMinor,
    paidMinor,
    roundedTotalMinor: settled.settlement.roundedTotal.amountMinor,
  };
}

/**
 * What the row being filled should hold to finish the payment: the total less every other row
 * (non-cash rows exactly; cash rounded as the drawer pays it).
 */
export function remainingForRow(
  total: Money,
  rows: readonly PaymentRow[],
  rowId: number,
  parseMoney: (text: string) => Money | undefined,
): Money {
  let remainingMinor = total.amountMinor;
  for (const row of rows) {
    if (row.id === rowId || row.amountText.trim() === '') continue;
    remainingMinor -= parseMoney(row.amountText)?.amountMinor ?? 0;
  }
  return money(Math.max(0, remainingMinor), total.currency);
}
