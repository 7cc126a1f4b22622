import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { refundIssuedSchema } from './refund-issued';

const issuesOf = (value: unknown) => refundIssuedSchema.safeParse(value).error?.issues ?? [];

describe('refundIssuedSchema', () => {
  it('accepts the example refund', () => {
    expect(issuesOf(examplePayload('RefundIssued'))).toEqual([]);
  });

  it('accepts one sale line split between restock and shrinkage', () => {
    const refund = examplePayload('RefundIssued');
    const line = refund.lines[0]!;
    const lines = [
      { ...line, quantity: '0.250', amountMinor: 5_700, stockDestination: 'restock' },
      { ...line, quantity: '0.250', amountMinor: 5_700, stockDestination: 'shrinkage' },
    ];
    expect(issuesOf({ ...refund, lines })).toEqual([]);
  });

  it('refuses lines that do not add up to the total, and tenders that do not pay it back', () => {
    const refund = examplePayload('RefundIssued');
    const lines = [{ ...refund.lines[0]!, amountMinor: 11_000 }];
    expect(issuesOf({ ...refund, lines }).map((issue) => issue.path)).toEqual([['totalMinor']]);
    const tenders = [{ kind: 'cash', amountMinor: 11_000, reference: null }];
    expect(issuesOf({ ...refund, tenders }).map((issue) => issue.path)).toEqual([['tenders']]);
  });

  it('refuses a zero refund, unknown fields, bad destinations and empty reasons', () => {
    const refund = examplePayload('RefundIssued');
    expect(issuesOf({ ...refund, totalMinor: 0 })).not.toEqual([]);
    expect(issuesOf({ ...refund, approvedBy: 'manager' })).not.toEqual([]);
    expect(issuesOf({ ...refund, lines: [{ ...refund.lines[0], stockDestination: 'trash' }] })).not.toEqual(
      [],
    );
    expect(issuesOf({ ...refund, reason: '' })).not.toEqual([]);
    expect(issuesOf({ ...refund, lines: [] })).not.toEqual([]);
  });
});
