import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyCodes, currencyDefinition, isCurrencyCode } from './currency';
import {
  addMoney,
  CurrencyMismatchError,
  compareMoney,
  equalsMoney,
  isNegativeMoney,
  isPositiveMoney,
  isZeroMoney,
  MoneyInvariantError,
  maxMoney,
  minMoney,
  money,
  moneyFromBigInt,
  multiplyMoney,
  negateMoney,
  subtractMoney,
  sumMoney,
  zeroMoney,
} from './money';

const crc = (amountMinor: number) => money(amountMinor, 'CRC');
const usd = (amountMinor: number) => money(amountMinor, 'USD');

describe('currency table', () => {
  it.each([
    ['USD', 2, 1],
    ['MXN', 2, 10],
    ['CRC', 2, 500],
    ['PEN', 2, 10],
    ['COP', 2, 5000],
    ['PKR', 2, 100],
    ['JPY', 0, 1],
    ['CLP', 0, 10],
  ] as const)(
    '%s has %i minor digits and rounds cash to %i minor units',
    (code, minorDigits, incrementMinor) => {
      expect(currencyDefinition(code)).toEqual({
        code,
        minorDigits,
        cashRoundingIncrementMinor: incrementMinor,
      });
    },
  );

  it('recognises only the listed codes', () => {
    for (const code of currencyCodes) expect(isCurrencyCode(code)).toBe(true);
    expect(isCurrencyCode('EUR')).toBe(false);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('toString')).toBe(false);
  });
});

describe('money', () => {
  it('refuses amounts that are not safe integers', () => {
    expect(() => usd(1.5)).toThrow(MoneyInvariantError);
    expect(() => usd(Number.NaN)).toThrow(MoneyInvariantError);
    expect(() => usd(Number.MAX_SAFE_INTEGER + 1)).toThrow(MoneyInvariantError);
    expect(() => moneyFromBigInt(BigInt(Number.MAX_SAFE_INTEGER) + 1n, 'USD')).toThrow(MoneyInvariantError);
    expect(usd(Number.MAX_SAFE_INTEGER).amountMinor).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('never holds negative zero', () => {
    expect(Object.is(negateMoney(usd(0)).amountMinor, 0)).toBe(true);
    expect(Object.is(usd(-0).amountMinor, 0)).toBe(true);
  });

  it('adds, subtracts, negates and compares', () => {
    expect(addMoney(crc(123450), crc(50))).toEqual(crc(123500));
    expect(subtractMoney(crc(100), crc(250))).toEqual(crc(-150));
    expect(negateMoney(crc(-150))).toEqual(crc(150));
    expect(compareMoney(crc(1), crc(2))).toBe(-1);
    expect(compareMoney(crc(2), crc(2))).toBe(0);
    expect(compareMoney(crc(3), crc(2))).toBe(1);
    expect(equalsMoney(crc(3), crc(3))).toBe(true);
    expect(minMoney(crc(3), crc(2))).toEqual(crc(2));
    expect(maxMoney(crc(3), crc(2))).toEqual(crc(3));
    expect(isZeroMoney(zeroMoney('JPY'))).toBe(true);
    expect(isNegativeMoney(crc(-1))).toBe(true);
    expect(isPositiveMoney(crc(1))).toBe(true);
    expect(isPositiveMoney(crc(0))).toBe(false);
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(crc(1), usd(1))).toThrow(CurrencyMismatchError);
    expect(() => subtractMoney(crc(1), usd(1))).toThrow(CurrencyMismatchError);
    expect(() => compareMoney(crc(1), usd(1))).toThrow(CurrencyMismatchError);
    expect(() => sumMoney('CRC', [crc(1), usd(1)])).toThrow(CurrencyMismatchError);
  });

  it('sums a list, an empty list being zero in the given currency', () => {
    expect(sumMoney('MXN', [])).toEqual(money(0, 'MXN'));
    expect(sumMoney('CRC', [crc(1), crc(2), crc(-4)])).toEqual(crc(-1));
  });

  it('multiplies by integers through BigInt and refuses results out of range', () => {
    expect(multiplyMoney(usd(1999), 3)).toEqual(usd(5997));
    expect(multiplyMoney(usd(-1999), 3n)).toEqual(usd(-5997));
    // 2^52 + 1 times 1 is exact; times 2 leaves the safe range and must not silently round.
    expect(() => multiplyMoney(usd(2 ** 52 + 1), 2)).toThrow(MoneyInvariantError);
    expect(() => multiplyMoney(usd(1), 1.5)).toThrow(MoneyInvariantError);
    expect(() => addMoney(usd(Number.MAX_SAFE_INTEGER), usd(1))).toThrow(MoneyInvariantError);
  });

  it('adds exactly like BigInt for any safe amounts whose sum is safe', () => {
    const amount = fc.integer({ min: -(2 ** 52 - 1), max: 2 ** 52 - 1 });
    fc.assert(
      fc.property(amount, amount, (left, right) => {
        const sum = addMoney(usd(left), usd(right));
        expect(BigInt(sum.amountMinor)).toBe(BigInt(left) + BigInt(right));
        expect(subtractMoney(sum, usd(right))).toEqual(usd(left));
      }),
    );
  });
});
