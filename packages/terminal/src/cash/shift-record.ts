import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/**
 * A shift as the till keeps it: the float and running cash totals, updated in the same
 * transaction as each fact that moves cash. The expected cash is derived from them and is never
 * shown while the shift is open, so the closing count is blind.
 */
export type ShiftRecord = {
  readonly shiftId: string;
  readonly openedAt: string;
  readonly openedByUserId: string;
  readonly currency: string;
  readonly openingFloatMinor: number;
  /** Cash tendered in sales minus the change given back. */
  readonly cashSalesMinor: number;
  /** Cash handed back for voided sales. */
  readonly cashVoidsMinor: number;
  readonly cashRefundsMinor: number;
  readonly payInsMinor: number;
  readonly payOutsMinor: number;
  readonly dropsMinor: number;
  readonly salesCount: number;
  readonly closed: ShiftClosing | null;
};

export type ShiftClosing = {
  readonly closedAt: string;
  readonly closedByUserId: string;
  readonly countedCashMinor: number;
  readonly expectedCashMinor: number;
  readonly overShortMinor: number;
};

export type ShiftCashField =
  | 'cashSalesMinor'
  | 'cashVoidsMinor'
  | 'cashRefundsMinor'
  | 'payInsMinor'
  | 'payOutsMinor'
  | 'dropsMinor';

/** float + cash sales − change (already netted) − voids − refunds + pay-ins − pay-outs − drops. */
export function expectedCashMinor(shift: ShiftRecord): number {
  const expected =
    shift.openingFloatMinor +
    shift.cashSalesMinor -
    shift.cashVoidsMinor -
    shift.cashRefundsMinor +
    shift.payInsMinor -
    shift.payOutsMinor -
    shift.dropsMinor;
  if (!Number.isSafeInteger(expected))
    throw new Error(`Shift ${shift.shiftId}: expected cash left the safe range`);
  return expected;
}

export async function readCurrentShift(transaction: ReadTransaction): Promise<ShiftRecord | undefined> {
  const shiftId = await transaction.get(storeKeys.currentShift);
  if (typeof shiftId !== 'string') return undefined;
  return readValue<ShiftRecord>(transaction, storeKeys.shift(shiftId));
}

export async function readShift(
  transaction: ReadTransaction,
  shiftId: string,
): Promise<ShiftRecord | undefined> {
  return readValue<ShiftRecord>(transaction, storeKeys.shift(shiftId));
}

export async function writeShift(transaction: WriteTransaction, shift: ShiftRecord): Promise<void> {
  await writeValue(transaction, storeKeys.shift(shift.shiftId), shift);
}

/** Adds cash to one running total of the open shift; without an open shift there is no drawer to count. */
export async function addShiftCash(
  transaction: WriteTransaction,
  field: ShiftCashField,
  amountMinor: number,
  options: { countsAsSale?: boolean } = {},
): Promise<void> {
  const shift = await readCurrentShift(transaction);
  if (shift === undefined) return;
  await writeShift(transaction, {
    ...shift,
    [field]: shift[field] + amountMinor,
    salesCount: shift.salesCount + (options.countsAsSale === true ? 1 : 0),
  });
}
