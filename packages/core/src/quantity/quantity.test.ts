import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoneyInvariantError, money } from '../money';
import {
  addQuantity,
  compareQuantity,
  formatQuantity,
  isPositiveQuantity,
  isWholeQuantity,
  isZeroQuantity,
  multiplyMoneyByQuantity,
  parseQuantity,
  type Quantity,
  quantityFromMilli,
  quantityFromUnits,
  quantitySchema,
  subtractQuantity,
} from './quantity';

function parsed(text: string): Quantity {
  const outcome = parseQuantity(text);
  if (!outcome.ok) throw new Error(`expected ${text} to parse, got ${outcome.code}`);
  return outcome.quantity;
}

const quantityMilli = fc.integer({ min: -(10 ** 15), max: 10 ** 15 });

describe('parseQuantity', () => {
  it.each([
    ['2', 2000],
    ['1.250', 1250],
    ['1.25', 1250],
    ['0.005', 5],
    ['-0.5', -500],
    ['007', 7000],
    ['0', 0],
    ['-0', 0],
    ['9007199254740.991', Number.MAX_SAFE_INTEGER],
  ])('reads %j as %i thousandths', (text, expectedMilli) => {
    expect(parsed(text)).toEqual({ quantityMilli: expectedMilli });
  });

  it.each(['1.2345', '0.0001', '2.5000'])('refuses %j for having more than 3 decimals', (text) => {
    expect(parseQuantity(text)).toEqual({ ok: false, code: 'QUANTITY_TOO_MANY_DECIMALS', text });
  });

  it.each([
    '',
    '1e3',
    '1E-2',
    'NaN',
    'Infinity',
    'abc',
    '1.',
    '.5',
    '+1',
    ' 1',
    '1 ',
    '1,5',
    '0x10',
    '1.2.3',
    '--1',
  ])('refuses %j as invalid', (text) => {
    expect(parseQuantity(text)).toEqual({ ok: false, code: 'QUANTITY_INVALID', text });
  });

  it('refuses quantities beyond the safe range', () => {
    expect(parseQuantity('9007199254740.992')).toEqual({
      ok: false,
      code: 'QUANTITY_OUT_OF_RANGE',
      text: '9007199254740.992',
    });
  });
});

describe('formatQuantity', () => {
  it.each([
    [1250, '1.25'],
    [1200, '1.2'],
    [2000, '2'],
    [500, '0.5'],
    [5, '0.005'],
    [0, '0'],
    [-1500, '-1.5'],
    [-5, '-0.005'],
    [Number.MAX_SAFE_INTEGER, '9007199254740.991'],
  ])('writes %i thousandths as %j', (milli, text) => {
    expect(formatQuantity(quantityFromMilli(milli))).toBe(text);
  });

  it('round-trips through parse, and the canonical form is what the schema accepts', () => {
    fc.assert(
      fc.property(quantityMilli, (milli) => {
        const text = formatQuantity(quantityFromMilli(milli));
        expect(parsed(text)).toEqual(quantityFromMilli(milli));
        expect(quantitySchema.safeParse(text).success).toBe(true);
      }),
    );
  });
});

describe('quantitySchema', () => {
  it.each(['1.250', '01', '-0', '1.', '1e3', '2.0', '', '1.2345'])('refuses the non-canonical %j', (text) => {
    expect(quantitySchema.safeParse(text).success).toBe(false);
  });

  it('refuses values that are not strings', () => {
    expect(quantitySchema.safeParse(1.25).success).toBe(false);
  });
});

describe('quantity arithmetic', () => {
  it('adds, subtracts and compares exactly', () => {
    expect(addQuantity(parsed('0.1'), parsed('0.2'))).toEqual(parsed('0.3'));
    expect(subtractQuantity(parsed('1'), parsed('1.25'))).toEqual(parsed('-0.25'));
    expect(compareQuantity(parsed('1.5'), parsed('1.25'))).toBe(1);
    expect(compareQuantity(parsed('1.25'), parsed('1.250'))).toBe(0);
    expect(compareQuantity(parsed('0.999'), parsed('1'))).toBe(-1);
    expect(isZeroQuantity(subtractQuantity(parsed('2'), parsed('2')))).toBe(true);
    expect(isPositiveQuantity(parsed('0.001'))).toBe(true);
    expect(isWholeQuantity(parsed('3'))).toBe(true);
    expect(isWholeQuantity(parsed('3.001'))).toBe(false);
    expect(quantityFromUnits(3)).toEqual(parsed('3'));
  });

  it('refuses thousandths that are not safe integers', () => {
    expect(() => quantityFromMilli(0.5)).toThrow(MoneyInvariantError);
    expect(() => quantityFromUnits(Number.MAX_SAFE_INTEGER)).toThrow(MoneyInvariantError);
  });
});

describe('multiplyMoneyByQuantity', () => {
  it.each([
    // 1.255 kg × 10.00 = 12.55 exactly.
    [1000, '1.255', 1255],
    // 0.333 × 0.05 = 0.01665 → 0.02 (half up).
    [5, '0.333', 2],
    // 0.1 × 0.05 = 0.005 → 0.01 (exactly half rounds up).
    [5, '0.1', 1],
    // 0.3 × 0.01 = 0.003 → 0.00.
    [1, '0.3', 0],
    // Negative amounts round half away from zero.
    [-5, '0.1', -1],
    [5, '-0.1', -1],
    [199_900, '3', 599_700],
  ])('%i minor × %s = %i minor', (unitPriceMinor, quantityText, expectedMinor) => {
    expect(multiplyMoneyByQuantity(money(unitPriceMinor, 'MXN'), parsed(quantityText))).toEqual(
      money(expectedMinor, 'MXN'),
    );
  });

  it('refuses products outside the safe range instead of rounding them', () => {
    expect(() => multiplyMoneyByQuantity(money(Number.MAX_SAFE_INTEGER, 'USD'), parsed('2'))).toThrow(
      MoneyInvariantError,
    );
  });

  it('is within half a minor unit of the exact product, and whole quantities multiply exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
        fc.integer({ min: -(10 ** 6), max: 10 ** 6 }),
        (unitPriceMinor, milli) => {
          const product = multiplyMoneyByQuantity(money(unitPriceMinor, 'USD'), quantityFromMilli(milli));
          const errorThousandths =
            BigInt(product.amountMinor) * 1000n - BigInt(unitPriceMinor) * BigInt(milli);
          expect(errorThousandths <= 500n && errorThousandths >= -500n).toBe(true);
          // `+ 0` turns the float product -0 into 0: money never holds -0.
          if (milli % 1000 === 0) expect(product.amountMinor).toBe(unitPriceMinor * (milli / 1000) + 0);
        },
      ),
    );
  });
});
