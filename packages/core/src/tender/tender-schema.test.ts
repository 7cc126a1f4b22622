import { describe, expect, it } from 'vitest';
import { tenderKinds } from './tender';
import { tenderKindSchema, tenderSchema } from './tender-schema';

describe('tender schemas', () => {
  it('accept every tender kind and nothing else', () => {
    for (const kind of tenderKinds) expect(tenderKindSchema.safeParse(kind).success).toBe(true);
    expect(tenderKindSchema.safeParse('cheque').success).toBe(false);
  });

  it('parse a tender with an optional reference', () => {
    const card = { kind: 'card', amount: { amountMinor: 123_250, currency: 'CRC' }, reference: 'auth-7781' };
    expect(tenderSchema.parse(card)).toEqual(card);
    expect(
      tenderSchema.safeParse({ kind: 'cash', amount: { amountMinor: 0, currency: 'CRC' } }).success,
    ).toBe(true);
  });

  it('refuse negative amounts, empty or oversized references and unknown keys', () => {
    const amount = { amountMinor: 100, currency: 'USD' };
    expect(tenderSchema.safeParse({ kind: 'cash', amount: { ...amount, amountMinor: -1 } }).success).toBe(
      false,
    );
    expect(tenderSchema.safeParse({ kind: 'card', amount, reference: '' }).success).toBe(false);
    expect(tenderSchema.safeParse({ kind: 'card', amount, reference: 'x'.repeat(201) }).success).toBe(false);
    expect(tenderSchema.safeParse({ kind: 'card', amount, tip: 5 }).success).toBe(false);
  });
});
