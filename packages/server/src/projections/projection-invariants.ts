/**
 * Thrown when money or stock about to be written does not add up. It is a bug (in a terminal
 * that signed such a fact, or here), never a business outcome, so it aborts the transaction:
 * nothing half-applied is ever committed.
 */
export class ProjectionInvariantError extends Error {
  override readonly name = 'ProjectionInvariantError';
}

export function assertInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ProjectionInvariantError(message);
}

/** Sums minor units, asserting the total stays a safe integer (no cent is ever lost). */
export function sumMinor(values: readonly number[]): number {
  let total = 0;
  for (const value of values) {
    assertInvariant(Number.isSafeInteger(value), `amount ${value} is not a safe integer of minor units`);
    total += value;
    assertInvariant(Number.isSafeInteger(total), 'a sum of minor units left the safe integer range');
  }
  return total;
}

const QUANTITY_PATTERN = /^-?(0|[1-9]\d{0,11})(\.\d{1,3})?$/;

/** A stock delta is an exact decimal with up to three places and never zero. */
export function assertStockDelta(qtyDelta: string): void {
  assertInvariant(QUANTITY_PATTERN.test(qtyDelta), `stock delta ${qtyDelta} is not an exact decimal`);
  assertInvariant(/[1-9]/.test(qtyDelta), 'a stock movement never moves zero');
}

/** The opposite quantity, as text: "1.250" → "-1.250", "-2" → "2". */
export function negateQuantity(quantity: string): string {
  return quantity.startsWith('-') ? quantity.slice(1) : `-${quantity}`;
}

export function isNegativeQuantity(quantity: string): boolean {
  return quantity.startsWith('-') && /[1-9]/.test(quantity);
}
