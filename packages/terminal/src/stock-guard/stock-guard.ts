import { formatQuantity, parseQuantity, quantityFromMilli } from '@mostrador/core';
import { type Refusal, refuse } from '../engine-outcome';
import { anySafetyBuffer, readSafetyBuffer, readStockLevel } from '../state/state-reader';
import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { readValue, sequenceFromKey, storeKeys, writeValue } from '../store-layout';

/**
 * The offline stock guard. Offline, a till cannot ask the server whether the last unit is still
 * on the shelf, so it sells a SKU only while
 *
 *   last known available − this till's unsynced sales − the SKU's safety buffer ≥ quantity sold.
 *
 * "Unsynced" means the server's stock figure this till last pulled does not include it yet: a
 * sale stays counted here until the server acknowledged it AND a pull that began after that
 * acknowledgement completed (that pull carries the stock level the sale changed). Online, the
 * guard does not block: the server's stock rules apply and an oversell becomes a Conflict.
 */
export type GuardLine = { readonly variantId: string; readonly quantityMilli: number };

type GuardFactEntry = { readonly lines: GuardLine[] };

export interface GuardRequest {
  readonly storeId: string;
  readonly warehouseId: string;
  readonly lines: readonly (GuardLine & { readonly sku: string })[];
}

export type StockGuardRefusal = Refusal<
  'STOCK_GUARD_BLOCKED',
  { sku: string; variantId: string; quantityRequested: string; quantityAvailable: string }
>;

export interface GuardAvailability {
  readonly lastKnownAvailableMilli: number;
  readonly localUnsyncedMilli: number;
  readonly safetyBufferMilli: number;
  /** What may still be sold offline; never below zero. */
  readonly sellableMilli: number;
}

/** `buffersKept` lets the lines of one sale share the question of whether any buffer exists. */
export async function readGuardAvailability(
  transaction: ReadTransaction,
  storeId: string,
  warehouseId: string,
  variantId: string,
  buffersKept: Promise<boolean> = anySafetyBuffer(transaction),
): Promise<GuardAvailability> {
  const [level, buffer, localTotal] = await Promise.all([
    readStockLevel(transaction, warehouseId, variantId),
    buffersKept.then((kept) => (kept ? readSafetyBuffer(transaction, storeId, variantId) : undefined)),
    readValue<number>(transaction, storeKeys.guardLocalTotal(variantId)),
  ]);
  // A SKU whose stock this till never learned has nothing known to sell offline.
  const lastKnownAvailableMilli = level === undefined ? 0 : quantityMilli(level.qtyAvailable);
  const safetyBufferMilli = buffer === undefined ? 0 : quantityMilli(buffer.quantity);
  const localUnsyncedMilli = localTotal ?? 0;
  const sellableMilli = Math.max(0, lastKnownAvailableMilli - localUnsyncedMilli - safetyBufferMilli);
  return { lastKnownAvailableMilli, localUnsyncedMilli, safetyBufferMilli, sellableMilli };
}

/** Lines of one variant are added up first: three scans of the last unit are three units. */
export async function checkStockGuard(
  transaction: ReadTransaction,
  request: GuardRequest,
): Promise<StockGuardRefusal | undefined> {
  const requested = new Map<string, { sku: string; quantityMilli: number }>();
  for (const line of request.lines) {
    const current = requested.get(line.variantId);
    requested.set(line.variantId, {
      sku: line.sku,
      quantityMilli: (current?.quantityMilli ?? 0) + line.quantityMilli,
    });
  }
  const leaving = [...requested].filter(([, { quantityMilli }]) => quantityMilli > 0);
  // Read together: in the browser each read is a round trip to IndexedDB.
  const buffersKept = leaving.length === 0 ? Promise.resolve(false) : anySafetyBuffer(transaction);
  const availabilities = await Promise.all(
    leaving.map(([variantId]) =>
      readGuardAvailability(transaction, request.storeId, request.warehouseId, variantId, buffersKept),
    ),
  );
  for (const [index, [variantId, { sku, quantityMilli }]] of leaving.entries()) {
    const availability = availabilities[index]!;
    if (quantityMilli > availability.sellableMilli) {
      return refuse('STOCK_GUARD_BLOCKED', {
        sku,
        variantId,
        quantityRequested: formatQuantity(quantityFromMilli(quantityMilli)),
        quantityAvailable: formatQuantity(quantityFromMilli(availability.sellableMilli)),
      });
    }
  }
  return undefined;
}

/**
 * Counts a fact's effect on stock until the server's figure includes it. Positive quantities
 * leave the shelf (a sale); negative ones come back (a void or refund restocked).
 */
export async function recordGuardEntry(
  transaction: WriteTransaction,
  terminalId: string,
  sequence: number,
  lines: readonly GuardLine[],
): Promise<void> {
  const moving = lines.filter((line) => line.quantityMilli !== 0);
  if (moving.length === 0) return;
  await writeValue<GuardFactEntry>(transaction, storeKeys.guardFact(terminalId, sequence), {
    lines: [...moving],
  });
  await addToTotals(transaction, moving, 1);
}

/** Forgets entries the server's stock figures now include: acknowledged, then a full pull. */
export async function settleGuardEntries(
  transaction: WriteTransaction,
  terminalId: string,
  acknowledgedSequence: number,
): Promise<number> {
  const entries = await transaction.scan({ prefix: storeKeys.guardFactPrefix(terminalId) });
  let settled = 0;
  for (const [key, value] of entries) {
    if (sequenceFromKey(key) > acknowledgedSequence) break;
    await addToTotals(transaction, (value as unknown as GuardFactEntry).lines, -1);
    await transaction.delete(key);
    settled += 1;
  }
  return settled;
}

async function addToTotals(
  transaction: WriteTransaction,
  lines: readonly GuardLine[],
  sign: 1 | -1,
): Promise<void> {
  for (const line of lines) {
    const key = storeKeys.guardLocalTotal(line.variantId);
    const total = ((await readValue<number>(transaction, key)) ?? 0) + sign * line.quantityMilli;
    if (total === 0) await transaction.delete(key);
    else await writeValue(transaction, key, total);
  }
}

function quantityMilli(text: string): number {
  const parsed = parseQuantity(text);
  if (!parsed.ok) throw new Error(`Stock quantity from the server is not a decimal: ${text}`);
  return parsed.quantity.quantityMilli;
}
