import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { cashMovementRecordedSchema } from './cash-movement-recorded';

const accepts = (value: unknown) => cashMovementRecordedSchema.safeParse(value).success;

describe('cashMovementRecordedSchema', () => {
  it('accepts pay-ins, pay-outs and drops of a positive amount', () => {
    const movement = examplePayload('CashMovementRecorded');
    for (const kind of ['pay_in', 'pay_out', 'drop']) expect(accepts({ ...movement, kind })).toBe(true);
  });

  it('refuses zero, negative and fractional amounts: the kind gives the direction', () => {
    const movement = examplePayload('CashMovementRecorded');
    expect(accepts({ ...movement, amountMinor: 0 })).toBe(false);
    expect(accepts({ ...movement, amountMinor: -12_050 })).toBe(false);
    expect(accepts({ ...movement, amountMinor: 120.5 })).toBe(false);
  });

  it('refuses unknown kinds and fields, missing shifts and reasons', () => {
    const movement = examplePayload('CashMovementRecorded');
    expect(accepts({ ...movement, kind: 'withdrawal' })).toBe(false);
    expect(accepts({ ...movement, drawer: 1 })).toBe(false);
    expect(accepts({ ...movement, shiftId: null })).toBe(false);
    expect(accepts({ ...movement, reason: '' })).toBe(false);
  });
});
