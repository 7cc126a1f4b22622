import { describe, expect, it } from 'vitest';
import {
  ean13CheckDigit,
  isValidEan13,
  makeEan13,
  makeStoreInternalEan13,
  storeInternalSerialCount,
} from './barcode';

// Widely published examples (EAN-13, GS1's sample, a UPC-A as EAN-13, an ISBN-13) and their check digits.
const knownCodes = ['4006381333931', '5901234123457', '0012345678905', '9780306406157'];

describe('ean13CheckDigit', () => {
  it.each(knownCodes)('computes the check digit of %s', (code) => {
    expect(ean13CheckDigit(code.slice(0, 12))).toBe(Number(code.charAt(12)));
  });

  it.each(['', '12345678901', '1234567890123', '40063813339a', ' 40063813339'])(
    'refuses the body "%s"',
    (body) => {
      expect(() => ean13CheckDigit(body)).toThrow(RangeError);
    },
  );
});

describe('isValidEan13', () => {
  it.each(knownCodes)('accepts %s', (code) => {
    expect(isValidEan13(code)).toBe(true);
  });

  it.each(['400638133393', '40063813339311', '400638133393x', '4006381333932', ''])(
    'refuses "%s"',
    (code) => {
      expect(isValidEan13(code)).toBe(false);
    },
  );

  it('catches every single mistyped digit', () => {
    for (const code of knownCodes) {
      for (let position = 0; position < 13; position += 1) {
        for (let digit = 0; digit <= 9; digit += 1) {
          if (String(digit) === code.charAt(position)) continue;
          const mistyped = `${code.slice(0, position)}${digit}${code.slice(position + 1)}`;
          expect(isValidEan13(mistyped)).toBe(false);
        }
      }
    }
  });
});

describe('makeEan13', () => {
  it('appends the check digit so the code validates', () => {
    expect(makeEan13('400638133393')).toBe('4006381333931');
    expect(isValidEan13(makeEan13('200000000000'))).toBe(true);
  });
});

describe('makeStoreInternalEan13', () => {
  it('gives valid codes in the GS1 prefix 20 reserved for in-store numbers', () => {
    for (const serial of [0, 1, 2, 99_999, 100_000, 123_456_789, storeInternalSerialCount - 1]) {
      const code = makeStoreInternalEan13(serial);
      expect(code).toMatch(/^20\d{11}$/);
      expect(isValidEan13(code)).toBe(true);
    }
  });

  it('never gives two serials the same code', () => {
    const serialCount = 300_000;
    const codes = new Set<string>();
    for (let serial = 0; serial < serialCount; serial += 1) codes.add(makeStoreInternalEan13(serial));
    expect(codes.size).toBe(serialCount);
  });

  it('scatters neighbouring serials instead of counting up', () => {
    const first = Number(makeStoreInternalEan13(1_000).slice(2, 12));
    const second = Number(makeStoreInternalEan13(1_001).slice(2, 12));
    const third = Number(makeStoreInternalEan13(1_002).slice(2, 12));
    expect(second - first).not.toBe(third - second);
    expect(Math.abs(second - first)).toBeGreaterThan(1_000);
  });

  it('always gives the same code for a serial', () => {
    expect(makeStoreInternalEan13(42)).toBe(makeStoreInternalEan13(42));
  });

  it.each([-1, 1.5, storeInternalSerialCount, Number.NaN])('refuses the serial %s', (serial) => {
    expect(() => makeStoreInternalEan13(serial)).toThrow(RangeError);
  });
});
