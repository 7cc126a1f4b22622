import { describe, expect, it } from 'vitest';
import { examplePayload } from './example-facts';
import { FACT_TYPES, factPayloadSchema } from './fact-payload';

describe('factPayloadSchema', () => {
  it.each(FACT_TYPES)('accepts the example %s and keeps its type', (type) => {
    const parsed = factPayloadSchema.parse(examplePayload(type));
    expect(parsed.type).toBe(type);
  });

  it('refuses unknown and missing types', () => {
    expect(
      factPayloadSchema.safeParse({ ...examplePayload('ShiftOpened'), type: 'ShiftPaused' }).success,
    ).toBe(false);
    const { type: _type, ...untyped } = examplePayload('ShiftOpened');
    expect(factPayloadSchema.safeParse(untyped).success).toBe(false);
  });

  it('checks a payload against the schema its type names, not any schema it happens to fit', () => {
    const opened = examplePayload('ShiftOpened');
    expect(factPayloadSchema.safeParse({ ...opened, type: 'SaleVoided' }).success).toBe(false);
  });

  it('keeps the refinements of each kind', () => {
    const sale = examplePayload('SaleCompleted');
    expect(factPayloadSchema.safeParse({ ...sale, changeMinor: 0 }).success).toBe(false);
  });
});
