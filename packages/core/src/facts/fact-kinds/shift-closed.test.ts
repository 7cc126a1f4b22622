import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { DENOMINATIONS_MAX, shiftClosedSchema } from './shift-closed';

const issuesOf = (value: unknown) => shiftClosedSchema.safeParse(value).error?.issues ?? [];

describe('shiftClosedSchema', () => {
  it('accepts the example blind count, which is 0.50 short', () => {
    const shift = examplePayload('ShiftClosed');
    expect(issuesOf(shift)).toEqual([]);
    expect(shift.overShortMinor).toBe(-50);
  });

  it('accepts an empty drawer counted as nothing', () => {
    const shift = { ...examplePayload('ShiftClosed'), denominations: [], countedCashMinor: 0 };
    expect(issuesOf({ ...shift, expectedCashMinor: 0, overShortMinor: 0 })).toEqual([]);
  });

  it('refuses a counted cash that is not the sum of value times count', () => {
    const shift = examplePayload('ShiftClosed');
    const issues = issuesOf({ ...shift, countedCashMinor: 52_950, overShortMinor: 0 });
    expect(issues.map((issue) => issue.path)).toEqual([['countedCashMinor']]);
  });

  it('refuses an over/short that is not counted minus expected: it is recorded, never adjusted', () => {
    const shift = examplePayload('ShiftClosed');
    expect(issuesOf({ ...shift, overShortMinor: 0 }).map((issue) => issue.path)).toEqual([
      ['overShortMinor'],
    ]);
    expect(issuesOf({ ...shift, overShortMinor: 50 }).map((issue) => issue.path)).toEqual([
      ['overShortMinor'],
    ]);
  });

  it('refuses a denomination counted twice, zero or fractional values and fractional counts', () => {
    const shift = examplePayload('ShiftClosed');
    const twice = [...shift.denominations, { valueMinor: 100, count: 0 }];
    expect(issuesOf({ ...shift, denominations: twice }).map((issue) => issue.path)).toEqual([
      ['denominations'],
    ]);
    expect(issuesOf({ ...shift, denominations: [{ valueMinor: 0, count: 3 }] })).not.toEqual([]);
    expect(issuesOf({ ...shift, denominations: [{ valueMinor: 0.5, count: 2 }] })).not.toEqual([]);
    expect(issuesOf({ ...shift, denominations: [{ valueMinor: 100, count: 1.5 }] })).not.toEqual([]);
  });

  it(`refuses more than ${DENOMINATIONS_MAX} denominations`, () => {
    const denominations = Array.from({ length: DENOMINATIONS_MAX + 1 }, (_, index) => ({
      valueMinor: index + 1,
      count: 0,
    }));
    const shift = {
      ...examplePayload('ShiftClosed'),
      countedCashMinor: 0,
      expectedCashMinor: 0,
      overShortMinor: 0,
    };
    expect(issuesOf({ ...shift, denominations: denominations.slice(0, DENOMINATIONS_MAX) })).toEqual([]);
    expect(issuesOf({ ...shift, denominations })).not.toEqual([]);
  });

  it('refuses counts whose products leave the safe integer range', () => {
    const shift = examplePayload('ShiftClosed');
    const denominations = [{ valueMinor: 2 ** 30, count: 2 ** 30 }];
    const huge = Number.MAX_SAFE_INTEGER;
    const issues = issuesOf({
      ...shift,
      denominations,
      countedCashMinor: huge,
      expectedCashMinor: huge,
      overShortMinor: 0,
    });
    expect(issues.map((issue) => issue.path)).toEqual([['countedCashMinor']]);
  });
});
