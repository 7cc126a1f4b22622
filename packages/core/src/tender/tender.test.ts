import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, type Money, MoneyInvariantError, money, roundCash, sumMoney } from '../money';
import {
  type SettlementOutcome,
  settleTenders,
  type Tender,
  type TenderKind,
  type TenderSettlement,
  tendersMax,
} from './tender';

const crc = (amountMinor: number) => money(amountMinor, 'CRC');
const usd = (amountMinor: number) => money(amountMinor, 'USD');
const crcRounding = { cashRoundingIncrementMinor: 500 };
const noRounding = { cashRoundingIncrementMinor: 1 };

function settled(outcome: SettlementOutcome): TenderSettlement {
  if (!outcome.ok) throw new Error(`expected a settlement, got ${outcome.code}`);
  return outcome.settlement;
}

function summary(settlement: TenderSettlement) {
  return {
    roundedTotal: settlement.roundedTotal.amountMinor,
    tendered: settlement.tendered.amountMinor,
    applied: settlement.applied.map((entry) => [entry.tender.kind, entry.applied.amountMinor]),
    changeDue: settlement.changeDue.amountMinor,
    cashRoundingDifference: settlement.cashRoundingDifference.amountMinor,
  };
}

describe('settleTenders', () => {
  it('settles an exact card payment without rounding', () => {
    expect(
      summary(
        settled(
          settleTenders(
            crc(123_250),
            [{ kind: 'card', amount: crc(123_250), reference: 'auth-1' }],
            crcRounding,
          ),
        ),
      ),
    ).toEqual({
      roundedTotal: 123_250,
      tendered: 123_250,
      applied: [['card', 123_250]],
      changeDue: 0,
      cashRoundingDifference: 0,
    });
  });

  it('rounds a cash payment to the increment and gives change', () => {
    // ₡1,232.50 rounds up to ₡1,235.00; the customer hands over ₡2,000.00.
    expect(
      summary(settled(settleTenders(crc(123_250), [{ kind: 'cash', amount: crc(200_000) }], crcRounding))),
    ).toEqual({
      roundedTotal: 123_500,
      tendered: 200_000,
      applied: [['cash', 123_500]],
      changeDue: 76_500,
      cashRoundingDifference: 250,
    });
    // ₡1,232.00 rounds down to ₡1,230.00.
    expect(
      summary(settled(settleTenders(crc(123_200), [{ kind: 'cash', amount: crc(123_000) }], crcRounding))),
    ).toEqual({
      roundedTotal: 123_000,
      tendered: 123_000,
      applied: [['cash', 123_000]],
      changeDue: 0,
      cashRoundingDifference: -200,
    });
  });

  it('rounds only the portion left for cash when tenders are mixed', () => {
    // Card pays ₡1,000.00 exactly; the ₡232.50 left for cash rounds to ₡235.00.
    const settlement = settled(
      settleTenders(
        crc(123_250),
        [
          { kind: 'cash', amount: crc(25_000) },
          { kind: 'card', amount: crc(100_000) },
        ],
        crcRounding,
      ),
    );
    expect(summary(settlement)).toEqual({
      roundedTotal: 123_500,
      tendered: 125_000,
      applied: [
        ['cash', 23_500],
        ['card', 100_000],
      ],
      changeDue: 1_500,
      cashRoundingDifference: 250,
    });
  });

  it('fills several cash tenders in order', () => {
    const settlement = settled(
      settleTenders(
        usd(12_000),
        [
          { kind: 'cash', amount: usd(5_000) },
          { kind: 'cash', amount: usd(10_000) },
        ],
        noRounding,
      ),
    );
    expect(summary(settlement)).toEqual({
      roundedTotal: 12_000,
      tendered: 15_000,
      applied: [
        ['cash', 5_000],
        ['cash', 7_000],
      ],
      changeDue: 3_000,
      cashRoundingDifference: 0,
    });
  });

  it('returns all the cash as change when non-cash tenders already paid', () => {
    const settlement = settled(
      settleTenders(
        usd(1_000),
        [
          { kind: 'transfer', amount: usd(1_000), reference: 'SINPE-1' },
          { kind: 'cash', amount: usd(500) },
        ],
        noRounding,
      ),
    );
    expect([settlement.changeDue.amountMinor, settlement.applied[1]?.applied.amountMinor]).toEqual([500, 0]);
  });

  it('settles a zero total paid with zero cash', () => {
    expect(
      summary(settled(settleTenders(crc(0), [{ kind: 'cash', amount: crc(0) }], crcRounding))),
    ).toMatchObject({
      roundedTotal: 0,
      changeDue: 0,
    });
  });

  it('returns TENDERS_SHORT with what is still due', () => {
    expect(settleTenders(usd(10_000), [{ kind: 'card', amount: usd(6_000) }], noRounding)).toEqual({
      ok: false,
      code: 'TENDERS_SHORT',
      shortBy: usd(4_000),
    });
    // ₡1,232.50 is due as ₡1,235.00 in cash; ₡1,230.00 leaves ₡5.00 to pay.
    expect(settleTenders(crc(123_250), [{ kind: 'cash', amount: crc(123_000) }], crcRounding)).toEqual({
      ok: false,
      code: 'TENDERS_SHORT',
      shortBy: crc(500),
    });
  });

  it('returns NON_CASH_OVERPAYMENT when a non-cash tender exceeds what remains', () => {
    expect(settleTenders(usd(10_000), [{ kind: 'card', amount: usd(10_001) }], noRounding)).toEqual({
      ok: false,
      code: 'NON_CASH_OVERPAYMENT',
      tenderIndex: 0,
      remaining: usd(10_000),
    });
    expect(
      settleTenders(
        usd(10_000),
        [
          { kind: 'cash', amount: usd(100) },
          { kind: 'card', amount: usd(6_000) },
          { kind: 'house_credit', amount: usd(6_000) },
        ],
        noRounding,
      ),
    ).toEqual({ ok: false, code: 'NON_CASH_OVERPAYMENT', tenderIndex: 2, remaining: usd(4_000) });
  });

  it('refuses empty, negative, foreign-currency and too many tenders', () => {
    expect(settleTenders(usd(1), [], noRounding)).toEqual({ ok: false, code: 'NO_TENDERS' });
    expect(
      settleTenders(
        usd(1),
        [
          { kind: 'cash', amount: usd(5) },
          { kind: 'card', amount: usd(-1) },
        ],
        noRounding,
      ),
    ).toEqual({
      ok: false,
      code: 'NEGATIVE_TENDER',
      tenderIndex: 1,
    });
    expect(settleTenders(usd(1), [{ kind: 'cash', amount: crc(5) }], noRounding)).toEqual({
      ok: false,
      code: 'CURRENCY_MISMATCH',
      tenderIndex: 0,
      expected: 'USD',
      received: 'CRC',
    });
    const many: Tender[] = Array.from({ length: tendersMax + 1 }, () => ({ kind: 'cash', amount: usd(1) }));
    expect(settleTenders(usd(1), many, noRounding)).toEqual({
      ok: false,
      code: 'TOO_MANY_TENDERS',
      tendersMax,
    });
  });

  it('treats a negative total or a bad increment as a bug', () => {
    expect(() => settleTenders(usd(-1), [{ kind: 'cash', amount: usd(1) }], noRounding)).toThrow(
      MoneyInvariantError,
    );
    expect(() =>
      settleTenders(usd(1), [{ kind: 'cash', amount: usd(1) }], { cashRoundingIncrementMinor: 0 }),
    ).toThrow(MoneyInvariantError);
  });
});

const nonCashKinds: readonly TenderKind[] = [
  'card',
  'transfer',
  'house_credit',
  'loyalty_points',
  'payment_link',
];
const tenderKind = fc.constantFrom<TenderKind>('cash', ...nonCashKinds);
const increment = fc.constantFrom(1, 10, 100, 500, 5000);

function assertBalanced(
  total: Money,
  tenders: readonly Tender[],
  incrementMinor: number,
  settlement: TenderSettlement,
) {
  const currency = total.currency;
  const cash = tenders.filter((tender) => tender.kind === 'cash');
  const appliedTotal = sumMoney(
    currency,
    settlement.applied.map((entry) => entry.applied),
  );
  expect(appliedTotal).toEqual(settlement.roundedTotal);
  expect(settlement.roundedTotal.amountMinor).toBe(
    total.amountMinor + settlement.cashRoundingDifference.amountMinor,
  );
  expect(2 * Math.abs(settlement.cashRoundingDifference.amountMinor)).toBeLessThanOrEqual(incrementMinor);
  expect(settlement.tendered).toEqual(
    sumMoney(
      currency,
      tenders.map((tender) => tender.amount),
    ),
  );
  expect(settlement.applied.map((entry) => entry.tender)).toEqual(tenders);
  const cashTendered = sumMoney(
    currency,
    cash.map((tender) => tender.amount),
  );
  const cashApplied = sumMoney(
    currency,
    settlement.applied.filter((entry) => entry.tender.kind === 'cash').map((entry) => entry.applied),
  );
  expect(settlement.changeDue.amountMinor).toBe(cashTendered.amountMinor - cashApplied.amountMinor);
  expect(settlement.changeDue.amountMinor).toBeGreaterThanOrEqual(0);
  for (const entry of settlement.applied) {
    expect(entry.applied.amountMinor).toBeGreaterThanOrEqual(0);
    expect(entry.applied.amountMinor).toBeLessThanOrEqual(entry.tender.amount.amountMinor);
    if (entry.tender.kind !== 'cash') expect(entry.applied).toEqual(entry.tender.amount);
  }
  if (cash.length === 0) {
    expect(settlement.changeDue.amountMinor).toBe(0);
    expect(settlement.cashRoundingDifference.amountMinor).toBe(0);
  }
}

describe('settleTenders invariants on random tenders', () => {
  it('balances whenever it settles, and refuses only for a true reason', () => {
    const tender = fc.record({ kind: tenderKind, amountMinor: fc.integer({ min: 0, max: 2_000_000 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.array(tender, { minLength: 1, maxLength: 6 }),
        increment,
        (totalMinor, tenderSpecs, incrementMinor) => {
          const total = crc(totalMinor);
          const tenders = tenderSpecs.map(
            (spec): Tender => ({ kind: spec.kind, amount: crc(spec.amountMinor) }),
          );
          const outcome = settleTenders(total, tenders, { cashRoundingIncrementMinor: incrementMinor });
          const nonCashMinor = tenders
            .filter((entry) => entry.kind !== 'cash')
            .reduce((sum, entry) => sum + entry.amount.amountMinor, 0);
          const cashMinor = tenders
            .filter((entry) => entry.kind === 'cash')
            .reduce((sum, entry) => sum + entry.amount.amountMinor, 0);
          const hasCash = tenders.some((entry) => entry.kind === 'cash');
          if (outcome.ok) {
            assertBalanced(total, tenders, incrementMinor, outcome.settlement);
            return;
          }
          switch (outcome.code) {
            case 'NON_CASH_OVERPAYMENT':
              expect(nonCashMinor).toBeGreaterThan(totalMinor);
              break;
            case 'TENDERS_SHORT': {
              expect(outcome.shortBy.amountMinor).toBeGreaterThan(0);
              const dueMinor = hasCash
                ? roundCash(crc(totalMinor - nonCashMinor), incrementMinor).rounded.amountMinor
                : totalMinor - nonCashMinor;
              expect(outcome.shortBy.amountMinor).toBe(dueMinor - cashMinor);
              break;
            }
            default:
              throw new Error(`unexpected refusal ${outcome.code}`);
          }
        },
      ),
    );
  });

  it('always settles tenders that cover the total, in any order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.constantFrom(...nonCashKinds), { maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 500_000 }),
        increment,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (
          totalMinor,
          nonCashThousandths,
          nonCashKindList,
          cashWeights,
          extraCashMinor,
          incrementMinor,
          order,
        ) => {
          const total = crc(totalMinor);
          const nonCashTotal = crc(
            nonCashKindList.length === 0 ? 0 : Math.floor((totalMinor * nonCashThousandths) / 1000),
          );
          const nonCash: Tender[] =
            nonCashKindList.length === 0
              ? []
              : allocate(
                  nonCashTotal,
                  nonCashKindList.map(() => 1),
                ).map((amount, index) => ({
                  kind: nonCashKindList[index] ?? 'card',
                  amount,
                }));
          const leftForCash = crc(totalMinor - nonCashTotal.amountMinor);
          const cashDue = roundCash(leftForCash, incrementMinor).rounded;
          // Without cash, non-cash tenders must pay the exact total, so any remainder needs cash.
          const cashNeeded = leftForCash.amountMinor > 0 || nonCash.length === 0;
          const cash: Tender[] = cashNeeded
            ? allocate(crc(cashDue.amountMinor + extraCashMinor), cashWeights).map((amount) => ({
                kind: 'cash',
                amount,
              }))
            : [];
          const ranks = [...order.take(nonCash.length + cash.length)];
          const tenders = [...nonCash, ...cash]
            .map((tender, index) => ({ tender, rank: ranks[index] ?? 0 }))
            .sort((left, right) => left.rank - right.rank)
            .map((entry) => entry.tender);
          const settlement = settled(
            settleTenders(total, tenders, { cashRoundingIncrementMinor: incrementMinor }),
          );
          assertBalanced(total, tenders, incrementMinor, settlement);
          if (cash.length > 0) expect(settlement.changeDue.amountMinor).toBe(extraCashMinor);
        },
      ),
    );
  });
});
