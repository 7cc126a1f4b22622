import {
  addMoney,
  assertMoneyInvariant,
  type CurrencyCode,
  compareMoney,
  type Money,
  minMoney,
  roundCash,
  subtractMoney,
  sumMoney,
  zeroMoney,
} from '../money';

// Settling a sale: which tenders pay how much of the total, how much change the drawer gives
// back, and how much cash rounding the sale records.
//
// The rules, in the order they are applied:
// 1. Non-cash tenders (card, transfer, house credit, loyalty points, payment link) pay exact
//    amounts to the minor unit and are applied first, in the order given. Each must fit in what
//    remains of the total after the non-cash tenders before it: a non-cash tender never creates
//    change, because change is handed over in cash and a card is not a cash machine.
// 2. Only the portion left for cash is rounded, half up, to the cash rounding increment (the
//    smallest coin in use). Rounding the whole total would charge card customers for coins they
//    never touch. With no cash tender nothing is rounded and the non-cash tenders must cover the
//    exact total.
// 3. Cash tenders pay the rounded cash portion, in the order given; whatever cash exceeds it is
//    the change due.
// So: applied tenders add up exactly to the rounded total (total + cash rounding difference),
// and change = cash tendered − cash applied ≥ 0, and is never owed when no cash was given.
//
// Sales settle here; refunds pay money back and are settled by their own rules, so a negative
// total is a bug in the caller.

export const tenderKinds = [
  'cash',
  'card',
  'transfer',
  'house_credit',
  'loyalty_points',
  'payment_link',
] as const;

export type TenderKind = (typeof tenderKinds)[number];

export type Tender = {
  readonly kind: TenderKind;
  readonly amount: Money;
  /** The card authorization, transfer number or link id that proves the payment. */
  readonly reference?: string;
};

export type AppliedTender = {
  readonly tender: Tender;
  /** The part of this tender that pays the sale; for cash, the rest is change. */
  readonly applied: Money;
};

export type TenderSettlement = {
  readonly total: Money;
  /** total + cashRoundingDifference: what the applied tenders add up to. */
  readonly roundedTotal: Money;
  /** Everything handed over, change included. */
  readonly tendered: Money;
  /** One entry per tender, in the order given. */
  readonly applied: readonly AppliedTender[];
  readonly changeDue: Money;
  /** Rounded cash portion − exact cash portion; zero when no cash was tendered. */
  readonly cashRoundingDifference: Money;
};

export type TenderRefusal =
  | { readonly ok: false; readonly code: 'NO_TENDERS' }
  | { readonly ok: false; readonly code: 'TOO_MANY_TENDERS'; readonly tendersMax: number }
  | { readonly ok: false; readonly code: 'NEGATIVE_TENDER'; readonly tenderIndex: number }
  | {
      readonly ok: false;
      readonly code: 'CURRENCY_MISMATCH';
      readonly tenderIndex: number;
      readonly expected: CurrencyCode;
      readonly received: CurrencyCode;
    }
  | {
      readonly ok: false;
      readonly code: 'NON_CASH_OVERPAYMENT';
      readonly tenderIndex: number;
      /** What was left of the total for this tender to pay. */
      readonly remaining: Money;
    }
  | {
      readonly ok: false;
      readonly code: 'TENDERS_SHORT';
      /** Still to pay: in cash terms (rounded) when cash was tendered, exact otherwise. */
      readonly shortBy: Money;
    };

export type SettlementOutcome = { readonly ok: true; readonly settlement: TenderSettlement } | TenderRefusal;

export type SettlementOptions = {
  /** The increment, in minor units, that the cash portion is rounded to (1 for none). */
  readonly cashRoundingIncrementMinor: number;
};

export const tendersMax = 20;

export function settleTenders(
  total: Money,
  tenders: readonly Tender[],
  options: SettlementOptions,
): SettlementOutcome {
  assertMoneyInvariant(total.amountMinor >= 0, 'A sale total must not be negative');
  const refusal = checkTenders(total, tenders);
  if (refusal !== undefined) return refusal;

  let remaining = total;
  for (const [tenderIndex, tender] of tenders.entries()) {
    if (tender.kind === 'cash') continue;
    if (compareMoney(tender.amount, remaining) > 0) {
      return { ok: false, code: 'NON_CASH_OVERPAYMENT', tenderIndex, remaining };
    }
    remaining = subtractMoney(remaining, tender.amount);
  }

  const cashTenders = tenders.filter((tender) => tender.kind === 'cash');
  if (cashTenders.length === 0) {
    if (remaining.amountMinor > 0) return { ok: false, code: 'TENDERS_SHORT', shortBy: remaining };
    return { ok: true, settlement: settlement(total, tenders, zeroMoney(total.currency)) };
  }
  const cashDue = roundCash(remaining, options.cashRoundingIncrementMinor);
  const cashTendered = sumMoney(
    total.currency,
    cashTenders.map((tender) => tender.amount),
  );
  if (compareMoney(cashTendered, cashDue.rounded) < 0) {
    return { ok: false, code: 'TENDERS_SHORT', shortBy: subtractMoney(cashDue.rounded, cashTendered) };
  }
  return { ok: true, settlement: settlement(total, tenders, cashDue.difference) };
}

function checkTenders(total: Money, tenders: readonly Tender[]): TenderRefusal | undefined {
  if (tenders.length === 0) return { ok: false, code: 'NO_TENDERS' };
  if (tenders.length > tendersMax) return { ok: false, code: 'TOO_MANY_TENDERS', tendersMax };
  for (const [tenderIndex, tender] of tenders.entries()) {
    if (tender.amount.currency !== total.currency) {
      return {
        ok: false,
        code: 'CURRENCY_MISMATCH',
        tenderIndex,
        expected: total.currency,
        received: tender.amount.currency,
      };
    }
    if (tender.amount.amountMinor < 0) return { ok: false, code: 'NEGATIVE_TENDER', tenderIndex };
  }
  return undefined;
}

/** Builds the settlement of tenders already known to cover the rounded total, and checks it. */
function settlement(
  total: Money,
  tenders: readonly Tender[],
  cashRoundingDifference: Money,
): TenderSettlement {
  const { currency } = total;
  const roundedTotal = addMoney(total, cashRoundingDifference);
  const nonCashApplied = sumMoney(
    currency,
    tenders.filter((tender) => tender.kind !== 'cash').map((tender) => tender.amount),
  );
  let cashStillDue = subtractMoney(roundedTotal, nonCashApplied);
  const applied = tenders.map((tender): AppliedTender => {
    if (tender.kind !== 'cash') return { tender, applied: tender.amount };
    const cashApplied = minMoney(tender.amount, cashStillDue);
    cashStillDue = subtractMoney(cashStillDue, cashApplied);
    return { tender, applied: cashApplied };
  });
  const tendered = sumMoney(
    currency,
    tenders.map((tender) => tender.amount),
  );
  const appliedTotal = sumMoney(
    currency,
    applied.map((entry) => entry.applied),
  );
  const changeDue = subtractMoney(tendered, appliedTotal);

  assertMoneyInvariant(cashStillDue.amountMinor === 0, 'Cash tenders must cover the rounded cash portion');
  assertMoneyInvariant(
    appliedTotal.amountMinor === roundedTotal.amountMinor,
    'Applied tenders must add up to the rounded total',
  );
  assertMoneyInvariant(changeDue.amountMinor >= 0, 'Change due must not be negative');
  const hasCash = tenders.some((tender) => tender.kind === 'cash');
  assertMoneyInvariant(
    hasCash || (changeDue.amountMinor === 0 && cashRoundingDifference.amountMinor === 0),
    'Only cash tenders may produce change or cash rounding',
  );
  return { total, roundedTotal, tendered, applied, changeDue, cashRoundingDifference };
}
