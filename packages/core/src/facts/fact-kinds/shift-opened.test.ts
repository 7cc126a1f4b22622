import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { shiftOpenedSchema } from './shift-opened';

const accepts = (value: unknown) => shiftOpenedSchema.safeParse(value).success;

describe('shiftOpenedSchema', () => {
  it('accepts a float of zero or more minor units', () => {
    const shift = examplePayload('ShiftOpened');
    expect(accepts(shift)).toBe(true);
    expect(accepts({ ...shift, openingFloatMinor: 0 })).toBe(true);
  });

  it('refuses negative or fractional floats, bad ids and unknown fields', () => {
    const shift = examplePayload('ShiftOpened');
    expect(accepts({ ...shift, openingFloatMinor: -1 })).toBe(false);
    expect(accepts({ ...shift, openingFloatMinor: 500.5 })).toBe(false);
    expect(accepts({ ...shift, shiftId: 'morning' })).toBe(false);
    expect(accepts({ ...shift, cashierName: 'Ana' })).toBe(false);
  });
});
