import { type ConflictDraft, type NegativeLevel, oversellConflict } from '../conflicts/conflict-detection';
import type { StockMovementReason } from '../database/database-schema';
import type { StockLevelAfter, StockMovementInput } from '../stock/stock-movements';
import type { ProjectionContext } from './projection-context';
import { assertInvariant, assertStockDelta, isNegativeQuantity } from './projection-invariants';

export interface StockEffect {
  readonly warehouseId: string;
  readonly variantId: string;
  readonly qtyDelta: string;
  readonly reason: StockMovementReason;
}

/** A movement a fact of the batch makes, applied at flush in the order the facts came. */
export interface QueuedStockMovement {
  readonly movement: StockMovementInput;
  /** Who moved it: the fact's cashier. */
  readonly userId: string;
  readonly eventId: string;
  readonly storeId: string;
  readonly terminalId: string;
  /** Set for a sale's movements: a sale that leaves a level below zero oversold. */
  readonly saleId: string | null;
}

/**
 * Queues a fact's stock movements and returns the variants and warehouses the server does not
 * know, whose movements cannot be made (the fact is applied all the same, with a conflict).
 */
export function queueStock(
  context: ProjectionContext,
  effects: readonly StockEffect[],
  saleId: string | null = null,
): { entity: 'variant' | 'warehouse'; id: string }[] {
  const unknown: { entity: 'variant' | 'warehouse'; id: string }[] = [];
  const reported = new Set<string>();
  const report = (entity: 'variant' | 'warehouse', id: string) => {
    if (reported.has(id)) return;
    reported.add(id);
    unknown.push({ entity, id });
  };
  for (const effect of effects) {
    const knownVariant = context.lookups.variantIds.has(effect.variantId);
    const knownWarehouse = context.lookups.warehouseIds.has(effect.warehouseId);
    if (!knownVariant) report('variant', effect.variantId);
    if (!knownWarehouse) report('warehouse', effect.warehouseId);
    if (!knownVariant || !knownWarehouse) continue;
    assertStockDelta(effect.qtyDelta);
    context.writes.stock.push({
      movement: {
        warehouseId: effect.warehouseId,
        variantId: effect.variantId,
        qtyDelta: effect.qtyDelta,
        reason: effect.reason,
        reference: `event:${context.fact.eventId}`,
        // A sale already made may leave on-hand below zero: an oversell to report, never a refusal.
        allowNegative: true,
      },
      userId: context.fact.actor.userId,
      eventId: context.fact.eventId,
      storeId: context.fact.storeId,
      terminalId: context.fact.terminalId,
      saleId,
    });
  }
  return unknown;
}

export interface PlacedConflict {
  readonly draft: ConflictDraft;
  readonly storeId: string;
  readonly terminalId: string;
}

/** Oversell: one conflict per sale that left a level below zero, naming each such level. */
export function oversells(
  queued: readonly QueuedStockMovement[],
  levels: readonly StockLevelAfter[],
): PlacedConflict[] {
  assertInvariant(levels.length === queued.length, 'every queued stock movement must report its level');
  const bySale = new Map<string, { entry: QueuedStockMovement; saleId: string; levels: NegativeLevel[] }>();
  for (const [index, entry] of queued.entries()) {
    const level = levels[index]!;
    if (entry.saleId === null || !entry.movement.qtyDelta.startsWith('-')) continue;
    if (!isNegativeQuantity(level.qtyOnHand)) continue;
    const sale = bySale.get(entry.eventId) ?? { entry, saleId: entry.saleId, levels: [] };
    sale.levels.push({
      warehouseId: entry.movement.warehouseId,
      variantId: entry.movement.variantId,
      quantitySold: entry.movement.qtyDelta.slice(1),
      qtyOnHandAfter: level.qtyOnHand,
    });
    bySale.set(entry.eventId, sale);
  }
  return [...bySale.values()].flatMap((sale) => {
    const draft = oversellConflict(sale.entry.eventId, sale.saleId, sale.levels);
    return draft === null ? [] : [{ draft, storeId: sale.entry.storeId, terminalId: sale.entry.terminalId }];
  });
}
