export { allocate, allocateEvenly, allocationPartsMax } from './allocation';
export { type CashRounding, roundCash } from './cash-rounding';
export {
  type CurrencyCode,
  type CurrencyDefinition,
  currencyCodes,
  currencyDefinition,
  isCurrencyCode,
} from './currency';
export { divideRoundingHalfUp } from './half-up-division';
export {
  addMoney,
  assertMoneyInvariant,
  assertSameCurrency,
  CurrencyMismatchError,
  compareMoney,
  equalsMoney,
  isNegativeMoney,
  isPositiveMoney,
  isZeroMoney,
  type Money,
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
export { formatMoney, moneyFromDecimalString, moneyToDecimalString } from './money-format';
export { amountMinorSchema, currencyCodeSchema, moneySchema } from './money-schema';
