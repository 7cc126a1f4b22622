// The currencies Mostrador sells in. Each one says how many minor digits its amounts carry and
// the smallest amount a cashier can hand over in coins, because several of our markets stopped
// minting their smallest coins (Costa Rica's 5 colones is the smallest coin in use, Mexico's
// 10 centavos, Colombia's 50 pesos) and cash totals have to be rounded to what the drawer holds.

export const currencyCodes = ['USD', 'MXN', 'CRC', 'PEN', 'COP', 'PKR', 'JPY', 'CLP'] as const;

export type CurrencyCode = (typeof currencyCodes)[number];

export type CurrencyDefinition = {
  readonly code: CurrencyCode;
  /** Digits after the decimal point in the currency's minor unit (2 for cents, 0 for yen). */
  readonly minorDigits: number;
  /** The default increment, in minor units, that cash payments are rounded to. */
  readonly cashRoundingIncrementMinor: number;
};

const currencyDefinitions: Readonly<Record<CurrencyCode, CurrencyDefinition>> = Object.freeze({
  USD: { code: 'USD', minorDigits: 2, cashRoundingIncrementMinor: 1 },
  MXN: { code: 'MXN', minorDigits: 2, cashRoundingIncrementMinor: 10 },
  CRC: { code: 'CRC', minorDigits: 2, cashRoundingIncrementMinor: 500 },
  PEN: { code: 'PEN', minorDigits: 2, cashRoundingIncrementMinor: 10 },
  COP: { code: 'COP', minorDigits: 2, cashRoundingIncrementMinor: 5000 },
  PKR: { code: 'PKR', minorDigits: 2, cashRoundingIncrementMinor: 100 },
  JPY: { code: 'JPY', minorDigits: 0, cashRoundingIncrementMinor: 1 },
  // Chile rounds cash totals to the nearest 10 pesos since its 1 and 5 peso coins were withdrawn.
  CLP: { code: 'CLP', minorDigits: 0, cashRoundingIncrementMinor: 10 },
});

export function isCurrencyCode(value: string): value is CurrencyCode {
  return (currencyCodes as readonly string[]).includes(value);
}

export function currencyDefinition(code: CurrencyCode): CurrencyDefinition {
  const definition = currencyDefinitions[code];
  if (definition === undefined) {
    throw new RangeError(`Unknown currency code: ${String(code)}`);
  }
  return definition;
}
