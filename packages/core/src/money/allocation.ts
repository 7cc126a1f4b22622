import { assertMoneyInvariant, type Money, money, moneyFromBigInt, sumMoney } from './money';

// Splitting money by weights with the largest-remainder method: every part gets the floor of its
// exact share, then the minor units left over go one each to the parts with the largest
// remainders, ties going to the lower index. The parts always add up to the total exactly, so a
// discount spread over lines or a bill split between payers never loses or invents a cent.
//
// A negative total is split as the mirror image of its positive (a refund splits exactly like the
// sale it reverses). A zero weight always receives zero.

export const allocationPartsMax = 10_000;

export function allocate(total: Money, weights: readonly bigint[] | readonly number[]): Money[] {
  const weightValues = weights.map(toWeight);
  assertMoneyInvariant(weightValues.length > 0, 'Cannot allocate over an empty list of weights');
  assertMoneyInvariant(
    weightValues.length <= allocationPartsMax,
    `Cannot allocate over more than ${allocationPartsMax} parts`,
  );
  const weightTotal = weightValues.reduce((sum, weight) => sum + weight, 0n);
  const totalMinor = BigInt(total.amountMinor);
  if (totalMinor === 0n) {
    return weightValues.map(() => money(0, total.currency));
  }
  assertMoneyInvariant(weightTotal > 0n, 'Cannot allocate a non-zero amount when every weight is zero');

  const totalAbsolute = totalMinor < 0n ? -totalMinor : totalMinor;
  const shares = weightValues.map((weight, index) => {
    const exact = totalAbsolute * weight;
    return { index, floor: exact / weightTotal, remainder: exact % weightTotal };
  });
  const leftover = totalAbsolute - shares.reduce((sum, share) => sum + share.floor, 0n);
  const byRemainder = [...shares].sort((left, right) =>
    left.remainder === right.remainder ? left.index - right.index : left.remainder > right.remainder ? -1 : 1,
  );
  const partsMinor = shares.map((share) => share.floor);
  for (let given = 0n; given < leftover; given += 1n) {
    const receiver = byRemainder[Number(given)];
    assertMoneyInvariant(receiver !== undefined, 'Allocation leftover exceeds the number of parts');
    partsMinor[receiver.index] = (partsMinor[receiver.index] ?? 0n) + 1n;
  }

  const parts = partsMinor.map((partMinor) =>
    moneyFromBigInt(totalMinor < 0n ? -partMinor : partMinor, total.currency),
  );
  assertMoneyInvariant(
    sumMoney(total.currency, parts).amountMinor === total.amountMinor,
    'Allocated parts must add up to the total',
  );
  return parts;
}

/** Splits an amount into `count` parts that differ by at most one minor unit. */
export function allocateEvenly(total: Money, count: number): Money[] {
  assertMoneyInvariant(Number.isSafeInteger(count) && count > 0, `Part count must be positive, got ${count}`);
  return allocate(
    total,
    Array.from({ length: count }, () => 1n),
  );
}

function toWeight(weight: bigint | number): bigint {
  if (typeof weight === 'number') {
    assertMoneyInvariant(
      Number.isSafeInteger(weight),
      `Allocation weight must be a safe integer, got ${weight}`,
    );
  }
  const value = BigInt(weight);
  assertMoneyInvariant(value >= 0n, `Allocation weight must not be negative, got ${value}`);
  return value;
}
