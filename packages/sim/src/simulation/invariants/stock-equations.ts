import type { FactPayload } from '@mostrador/core';
import { type InvariantReport, milli } from './invariant-report';
import type { ServerRecords } from './server-records';

type Effects = Map<string, number>;

const FACT_REASONS = new Set(['sale', 'refund', 'void', 'shrinkage']);

/**
 * §5.3: per warehouse and SKU, on-hand is the sum of its movements, reserved is zero (the
 * simulator makes no reservations) and available = on-hand − reserved; and the movements each
 * applied fact made are exactly what its payload says (sale −qty; refund and void +qty back, with
 * a matching −qty when written off), derived here from the facts, not from the server's code.
 */
export function checkStockEquations(report: InvariantReport, records: ServerRecords): void {
  const sums = new Map<string, number>();
  for (const movement of records.stockMovements) {
    const key = `${movement.warehouse_id}/${movement.variant_id}`;
    sums.set(key, (sums.get(key) ?? 0) + milli(movement.qty_delta));
  }
  for (const level of records.stockLevels) {
    const key = `${level.warehouse_id}/${level.variant_id}`;
    report.check(
      'stock',
      milli(level.qty_on_hand) === (sums.get(key) ?? 0),
      () => `on-hand ${level.qty_on_hand} ≠ movements ${(sums.get(key) ?? 0) / 1000} at ${key}`,
    );
    report.check(
      'stock',
      milli(level.qty_reserved) === 0,
      () => `reserved ${level.qty_reserved} with no reservation at ${key}`,
    );
    report.check(
      'stock',
      milli(level.qty_available) === milli(level.qty_on_hand) - milli(level.qty_reserved),
      () => `available ${level.qty_available} ≠ on-hand − reserved at ${key}`,
    );
  }

  const actual = new Map<string, Effects>();
  for (const movement of records.stockMovements) {
    if (!movement.reference.startsWith('event:')) {
      report.check(
        'stock',
        !FACT_REASONS.has(movement.reason),
        () => `a ${movement.reason} movement names no fact`,
      );
      continue;
    }
    const eventId = movement.reference.slice('event:'.length);
    addEffect(actual, eventId, `${movement.warehouse_id}/${movement.variant_id}`, milli(movement.qty_delta));
  }
  const salesById = new Map<string, FactPayload>();
  for (const row of records.facts) {
    const payload = (row.envelope as { payload: FactPayload }).payload;
    if (payload.type === 'SaleCompleted') salesById.set(payload.saleId, payload);
  }
  const skipped = new Set(
    records.conflicts
      .filter((conflict) => conflict.kind === 'duplicate_document')
      .flatMap((conflict) => conflict.event_ids),
  );
  const expected = new Map<string, Effects>();
  for (const row of records.facts) {
    if (skipped.has(row.event_id)) continue;
    const payload = (row.envelope as { payload: FactPayload }).payload;
    if (payload.type === 'SaleCompleted') {
      for (const line of payload.lines)
        addEffect(expected, row.event_id, `${line.warehouseId}/${line.variantId}`, -milli(line.quantity));
    } else if (payload.type === 'RefundIssued') {
      for (const line of payload.lines) {
        if (line.stockDestination === 'restock')
          addEffect(expected, row.event_id, `${line.warehouseId}/${line.variantId}`, milli(line.quantity));
      }
    } else if (payload.type === 'SaleVoided') {
      const sale = salesById.get(payload.saleId);
      if (sale?.type === 'SaleCompleted' && payload.stockDestination === 'restock') {
        for (const line of sale.lines)
          addEffect(expected, row.event_id, `${line.warehouseId}/${line.variantId}`, milli(line.quantity));
      }
    }
  }
  for (const eventId of new Set([...actual.keys(), ...expected.keys()])) {
    const left = netOf(actual.get(eventId));
    const right = netOf(expected.get(eventId));
    report.check(
      'stock',
      left === right,
      () => `fact ${eventId} moved ${left} but its payload says ${right}`,
    );
  }
}

function addEffect(effects: Map<string, Effects>, eventId: string, key: string, deltaMilli: number): void {
  const byKey = effects.get(eventId) ?? new Map<string, number>();
  byKey.set(key, (byKey.get(key) ?? 0) + deltaMilli);
  effects.set(eventId, byKey);
}

function netOf(effects: Effects | undefined): string {
  if (effects === undefined) return '[]';
  const entries = [...effects.entries()]
    .filter(([, delta]) => delta !== 0)
    .sort(([left], [right]) => left.localeCompare(right));
  return JSON.stringify(entries);
}
