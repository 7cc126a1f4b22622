// Receipts round half up, and for negative amounts (refunds) the same rule mirrored: half away
// from zero. Mirroring keeps a refund the exact negative of its sale, so a refunded line never
// differs from the original by a cent.

/** Divides two integers and rounds the quotient half away from zero. */
export function divideRoundingHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) {
    throw new RangeError('Cannot divide by zero');
  }
  const negative = numerator < 0n !== denominator < 0n;
  const numeratorAbsolute = numerator < 0n ? -numerator : numerator;
  const denominatorAbsolute = denominator < 0n ? -denominator : denominator;
  const quotient = numeratorAbsolute / denominatorAbsolute;
  const remainder = numeratorAbsolute % denominatorAbsolute;
  const rounded = remainder * 2n >= denominatorAbsolute ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}
