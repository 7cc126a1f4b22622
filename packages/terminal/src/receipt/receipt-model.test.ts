import { describe, expect, it } from 'vitest';
import {
  crcLongTextSale,
  crcOfflineSale,
  crcSyncedReprint,
  mxnSplitTenderSale,
  penRefund,
  pkrEnglishSale,
} from './receipt-examples';
import { type Receipt, receiptPricesIncludeTax, receiptQrPayload, receiptSchema } from './receipt-model';

const examples = {
  crcOfflineSale,
  crcSyncedReprint,
  mxnSplitTenderSale,
  penRefund,
  pkrEnglishSale,
  crcLongTextSale,
};

function issuePaths(receipt: unknown): string[] {
  const outcome = receiptSchema.safeParse(receipt);
  return outcome.success ? [] : outcome.error.issues.map((issue) => issue.path.join('.'));
}

describe('receiptSchema', () => {
  it.each(Object.entries(examples))('accepts the %s example', (_name, receipt) => {
    expect(issuePaths(receipt)).toEqual([]);
  });

  it('refuses line totals that do not add up to the total', () => {
    const [first, ...rest] = crcOfflineSale.lines;
    const receipt: Receipt = {
      ...crcOfflineSale,
      lines: [{ ...first!, totalMinor: first!.totalMinor + 1 }, ...rest],
    };
    expect(issuePaths(receipt)).toEqual(['totalMinor']);
  });

  it('refuses taxes by rate that do not add up to the tax total', () => {
    expect(issuePaths({ ...crcOfflineSale, taxTotalMinor: 138_627 })).toEqual(['taxTotalMinor']);
  });

  it('refuses tenders that, less change, do not pay the total plus cash rounding', () => {
    expect(issuePaths({ ...mxnSplitTenderSale, cashRoundingMinor: 0 })).toEqual(['tenders']);
    expect(issuePaths({ ...crcOfflineSale, changeMinor: 795_001 })).toEqual(['tenders']);
  });

  it('refuses malformed fields at the boundary', () => {
    expect(issuePaths({ ...crcOfflineSale, documentId: crcOfflineSale.documentId.toUpperCase() })).toEqual([
      'documentId',
    ]);
    expect(issuePaths({ ...crcOfflineSale, currency: 'EUR' })).toEqual(['currency']);
    expect(issuePaths({ ...crcOfflineSale, locale: 'not a locale!' })).toEqual(['locale']);
    expect(issuePaths({ ...crcOfflineSale, timeZone: 'Mars/Olympus_Mons' })).toEqual(['timeZone']);
    expect(issuePaths({ ...crcOfflineSale, issuedAt: 'yesterday' })).toEqual(['issuedAt']);
    expect(issuePaths({ ...crcOfflineSale, provisionalFolio: '' })).toEqual(['provisionalFolio']);
    expect(issuePaths({ ...crcOfflineSale, unexpected: true })).toEqual(['']);
  });

  it('refuses quantities that are not exact positive decimals', () => {
    for (const quantity of ['1,25', '0', '-1', '1e3', '1.2345']) {
      const [first, ...rest] = crcOfflineSale.lines;
      expect(issuePaths({ ...crcOfflineSale, lines: [{ ...first!, quantity }, ...rest] })).toEqual([
        'lines.0.quantity',
      ]);
    }
  });

  it('refuses fractional minor units', () => {
    expect(issuePaths({ ...crcOfflineSale, changeMinor: 795_000.5 })).toContain('changeMinor');
  });
});

describe('receiptPricesIncludeTax', () => {
  it('reads tax-included amounts when the subtotal less discounts is the total', () => {
    expect(receiptPricesIncludeTax(crcOfflineSale)).toBe(true);
    expect(receiptPricesIncludeTax(mxnSplitTenderSale)).toBe(true);
  });

  it('reads tax added on top when the total is above the subtotal less discounts', () => {
    expect(receiptPricesIncludeTax(pkrEnglishSale)).toBe(false);
  });
});

describe('receiptQrPayload', () => {
  it('names the document by its id', () => {
    expect(receiptQrPayload(crcOfflineSale)).toBe('mostrador:doc:0192f3a4-7b1c-7def-8abc-123456789012');
  });
});
