import { describe, expect, it } from 'vitest';
import { examplePayload } from '../example-facts';
import { saleVoidedSchema } from './sale-voided';

const accepts = (value: unknown) => saleVoidedSchema.safeParse(value).success;

describe('saleVoidedSchema', () => {
  it('accepts a void that restocks or writes off the goods', () => {
    const voided = examplePayload('SaleVoided');
    expect(accepts(voided)).toBe(true);
    expect(accepts({ ...voided, stockDestination: 'shrinkage' })).toBe(true);
  });

  it('refuses reasons that are empty or longer than 500 characters, other destinations and fields', () => {
    const voided = examplePayload('SaleVoided');
    expect(accepts({ ...voided, reason: '' })).toBe(false);
    expect(accepts({ ...voided, reason: 'x'.repeat(500) })).toBe(true);
    expect(accepts({ ...voided, reason: 'x'.repeat(501) })).toBe(false);
    expect(accepts({ ...voided, stockDestination: 'return_to_vendor' })).toBe(false);
    expect(accepts({ ...voided, refundMinor: 0 })).toBe(false);
  });
});
