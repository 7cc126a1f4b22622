import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { SALE_LINES_MAX, type SaleLine, saleCompletedSchema, TENDERS_MAX } from './sale-completed';

const issuesOf = (value: unknown) => saleCompletedSchema.safeParse(value).error?.issues ?? [];

/** A sale of `count` identical lines, with totals and one cash tender that add up. */
function saleWithLines(count: number) {
  const sale = examplePayload('SaleCompleted');
  const template = sale.lines[0]!;
  const lines: SaleLine[] = Array.from({ length: count }, (_, index) => ({
    ...template,
    lineId: `f5000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
  }));
  const totalMinor = template.totalMinor * count;
  return {
    ...sale,
    lines,
    subtotalMinor: totalMinor,
    discountTotalMinor: 0,
    taxTotalMinor: template.taxMinor * count,
    totalMinor,
    tenders: [{ kind: 'cash' as const, amountMinor: totalMinor, reference: null }],
    changeMinor: 0,
  };
}

describe('saleCompletedSchema', () => {
  it('accepts the example sales', () => {
    expect(saleCompletedSchema.parse(examplePayload('SaleCompleted'))).toEqual(
      examplePayload('SaleCompleted'),
    );
    expect(issuesOf(saleWithLines(1))).toEqual([]);
  });

  it('refuses unknown fields, on the sale, its lines and its tenders', () => {
    const sale = examplePayload('SaleCompleted');
    expect(issuesOf({ ...sale, note: 'hi' })).not.toEqual([]);
    expect(issuesOf({ ...sale, lines: [{ ...sale.lines[0], color: 'red' }, sale.lines[1]] })).not.toEqual([]);
    expect(issuesOf({ ...sale, tenders: [{ ...sale.tenders[0], tip: 0 }, sale.tenders[1]] })).not.toEqual([]);
  });

  it('refuses floats and strings where money goes', () => {
    const sale = examplePayload('SaleCompleted');
    expect(issuesOf({ ...sale, changeMinor: 3_600.5 })).not.toEqual([]);
    expect(issuesOf({ ...sale, totalMinor: '46400' })).not.toEqual([]);
    const [coffee, cheese] = sale.lines;
    expect(issuesOf({ ...sale, lines: [{ ...coffee, unitPriceMinor: 89.5 }, cheese] })).not.toEqual([]);
  });

  it('refuses negative amounts where they make no sense', () => {
    const sale = examplePayload('SaleCompleted');
    const [coffee, cheese] = sale.lines;
    expect(issuesOf({ ...sale, lines: [{ ...coffee, discountMinor: -1 }, cheese] })).not.toEqual([]);
    expect(issuesOf({ ...sale, changeMinor: -1 })).not.toEqual([]);
  });

  it('refuses non-UUID ids, bad currencies and float quantities', () => {
    const sale = examplePayload('SaleCompleted');
    const [coffee, cheese] = sale.lines;
    expect(issuesOf({ ...sale, saleId: 'sale-1' })).not.toEqual([]);
    expect(issuesOf({ ...sale, customerId: 42 })).not.toEqual([]);
    expect(issuesOf({ ...sale, currency: 'mxn' })).not.toEqual([]);
    expect(issuesOf({ ...sale, lines: [{ ...coffee, variantId: 'CAFE' }, cheese] })).not.toEqual([]);
    expect(issuesOf({ ...sale, lines: [coffee, { ...cheese, quantity: 1.25 }] })).not.toEqual([]);
    expect(issuesOf({ ...sale, lines: [coffee, { ...cheese, quantity: '0' }] })).not.toEqual([]);
  });

  it(`takes 1 to ${SALE_LINES_MAX} lines and 1 to ${TENDERS_MAX} tenders`, () => {
    expect(issuesOf(saleWithLines(SALE_LINES_MAX))).toEqual([]);
    expect(issuesOf(saleWithLines(SALE_LINES_MAX + 1))).not.toEqual([]);
    expect(issuesOf({ ...saleWithLines(1), lines: [], totalMinor: 0, tenders: [] })).not.toEqual([]);
    const sale = saleWithLines(1);
    const tenders = Array.from({ length: TENDERS_MAX + 1 }, () => ({
      kind: 'cash',
      amountMinor: 0,
      reference: null,
    }));
    tenders[0] = { kind: 'cash', amountMinor: sale.totalMinor, reference: null };
    expect(issuesOf({ ...sale, tenders: tenders.slice(0, TENDERS_MAX) })).toEqual([]);
    expect(issuesOf({ ...sale, tenders })).not.toEqual([]);
  });

  it('refuses a sale whose line totals do not add up to its total', () => {
    const sale = examplePayload('SaleCompleted');
    const [coffee, cheese] = sale.lines;
    const issues = issuesOf({ ...sale, lines: [{ ...coffee!, totalMinor: coffee!.totalMinor + 1 }, cheese] });
    expect(issues.map((issue) => issue.path)).toEqual([['totalMinor']]);
  });

  it('refuses a sale whose tenders minus change do not pay its total plus cash rounding', () => {
    const sale = examplePayload('SaleCompleted');
    expect(issuesOf({ ...sale, changeMinor: sale.changeMinor + 1 }).map((issue) => issue.path)).toEqual([
      ['tenders'],
    ]);
    expect(issuesOf({ ...sale, cashRoundingMinor: 50 }).map((issue) => issue.path)).toEqual([['tenders']]);
    expect(issuesOf({ ...sale, cashRoundingMinor: 50, changeMinor: sale.changeMinor - 50 })).toEqual([]);
    expect(issuesOf({ ...sale, cashRoundingMinor: -50, changeMinor: sale.changeMinor + 50 })).toEqual([]);
  });

  it('refuses a sale whose sums leave the safe integer range instead of comparing rounded numbers', () => {
    // In floating point MAX_SAFE_INTEGER + 2 - 1 rounds to MAX_SAFE_INTEGER; in cents it is one more.
    const huge = Number.MAX_SAFE_INTEGER;
    const sale = saleWithLines(1);
    const lines = [{ ...sale.lines[0]!, totalMinor: huge }];
    const tenders = [
      { kind: 'card' as const, amountMinor: huge, reference: 'AUTH-1' },
      { kind: 'cash' as const, amountMinor: 2, reference: null },
    ];
    const issues = issuesOf({ ...sale, lines, totalMinor: huge, tenders, changeMinor: 1 });
    expect(issues.map((issue) => issue.path)).toEqual([['tenders']]);
    const exactTenders = [
      { kind: 'card' as const, amountMinor: huge - 2, reference: 'AUTH-1' },
      { kind: 'cash' as const, amountMinor: 2, reference: null },
    ];
    expect(issuesOf({ ...sale, lines, totalMinor: huge, tenders: exactTenders, changeMinor: 0 })).toEqual([]);
  });

  it('refuses two lines with the same id', () => {
    const sale = examplePayload('SaleCompleted');
    const [coffee, cheese] = sale.lines;
    const issues = issuesOf({ ...sale, lines: [coffee, { ...cheese!, lineId: coffee!.lineId }] });
    expect(issues.map((issue) => issue.path)).toEqual([['lines']]);
  });

  it('refuses unknown tender kinds', () => {
    const sale = examplePayload('SaleCompleted');
    expect(
      issuesOf({ ...sale, tenders: [{ ...sale.tenders[0], kind: 'bitcoin' }, sale.tenders[1]] }),
    ).not.toEqual([]);
  });
});
