// EAN-13 barcodes for the demo catalog. Scanners reject a code whose check digit is wrong, so
// every code we print or store has to carry a correct one, even when it is invented.

const ean13BodyPattern = /^\d{12}$/;
const ean13Pattern = /^\d{13}$/;
const digitZeroCharCode = 48;

/**
 * GS1 keeps prefixes 20–29 for numbers a company assigns for use inside its own stores. We use
 * 20 only, so that 21–29 stay free for the scale labels that embed a weight or a price in the
 * code, which many countries put in that range.
 */
const storeInternalPrefix = '20';
/** Ten digits follow the prefix before the check digit. */
export const storeInternalSerialCount = 10_000_000_000;
/**
 * Codes are scattered over the whole range so they look like codes found on real goods rather
 * than a counter. A Feistel network over two halves of five digits is a permutation of
 * [0, 10^10) whatever its round function, so distinct serials can never share a code.
 */
const halfModulus = 100_000;
const feistelRoundKeys = [0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c] as const;

function feistelRound(half: number, roundKey: number): number {
  let mixed = (half ^ roundKey) | 0;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return (mixed >>> 0) % halfModulus;
}

function scatterSerial(serialNumber: number): number {
  let left = Math.floor(serialNumber / halfModulus);
  let right = serialNumber % halfModulus;
  for (const roundKey of feistelRoundKeys) {
    [left, right] = [right, (left + feistelRound(right, roundKey)) % halfModulus];
  }
  return left * halfModulus + right;
}

/** The check digit of a 12-digit EAN-13 body: weights 1, 3, 1, 3, … from the left. */
export function ean13CheckDigit(first12Digits: string): number {
  if (!ean13BodyPattern.test(first12Digits)) {
    throw new RangeError(`An EAN-13 body is exactly 12 digits, got "${first12Digits}"`);
  }
  let weightedSum = 0;
  for (let position = 0; position < 12; position += 1) {
    const digit = first12Digits.charCodeAt(position) - digitZeroCharCode;
    weightedSum += position % 2 === 0 ? digit : digit * 3;
  }
  return (10 - (weightedSum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  if (!ean13Pattern.test(code)) return false;
  return ean13CheckDigit(code.slice(0, 12)) === code.charCodeAt(12) - digitZeroCharCode;
}

/** Appends the check digit to a 12-digit body. */
export function makeEan13(prefix12: string): string {
  return `${prefix12}${ean13CheckDigit(prefix12)}`;
}

/**
 * The store-internal EAN-13 for a serial number. Distinct serials in
 * [0, storeInternalSerialCount) always give distinct codes.
 */
export function makeStoreInternalEan13(serialNumber: number): string {
  if (!Number.isSafeInteger(serialNumber) || serialNumber < 0 || serialNumber >= storeInternalSerialCount) {
    throw new RangeError(
      `A store-internal barcode serial is an integer in [0, ${storeInternalSerialCount}), got ${serialNumber}`,
    );
  }
  const scattered = scatterSerial(serialNumber);
  return makeEan13(`${storeInternalPrefix}${String(scattered).padStart(10, '0')}`);
}
