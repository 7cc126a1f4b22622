import { divideRoundingHalfUp, parseQuantity, type SaleLine } from '@mostrador/core';
import type { ConflictKind } from '../database/database-schema';

/**
 * The rules a fact can break while its terminal was offline. A fact that breaks one is still
 * applied, in full; the rule opens exactly one conflict for the fact (one per rule broken), with
 * what the manager needs to judge it. These functions only decide; the projections write.
 */
export interface ConflictDraft {
  readonly kind: ConflictKind;
  readonly eventIds: readonly string[];
  readonly details: Record<string, unknown>;
}

export interface StaleLine {
  readonly lineId: string;
  readonly variantId: string;
  readonly sku: string;
  readonly quantity: string;
  readonly soldPriceMinor: number;
  readonly serverPriceMinor: number;
  /** (server price − sold price) × quantity, rounded half up: what the store lost (positive) or gained. */
  readonly differenceMinor: number;
}

/**
 * Stale price. A line is stale when its unit price differs from the price the server had in
 * force for that variant at the sale's time, where:
 * - the sale's time is the device time clamped to [lastServerTime, now]: never earlier than the
 *   last server time the terminal had seen (its clock cannot have run backwards past it) and never
 *   later than the moment the server applies it (a clock running fast cannot dodge a change);
 * - the price in force is, in price_history for the sale's currency, the latest row with
 *   valid_from <= that time for the store's override; when there is none, or the latest override
 *   row is a deletion, the latest such row of the tenant-wide price (store_id null); when that is
 *   missing or a deletion too, the server knows no price and judges nothing.
 * Line discounts are separate fields, so the unit price is compared as it was listed.
 */
export function detectStalePrices(
  eventId: string,
  sale: { saleId: string; currency: string; saleTime: Date; lines: readonly SaleLine[] },
  serverPrices: ReadonlyMap<string, number | null>,
): ConflictDraft | null {
  const stale: StaleLine[] = [];
  for (const line of sale.lines) {
    const serverPriceMinor = serverPrices.get(line.lineId) ?? null;
    if (serverPriceMinor === null || serverPriceMinor === line.unitPriceMinor) continue;
    stale.push({
      lineId: line.lineId,
      variantId: line.variantId,
      sku: line.sku,
      quantity: line.quantity,
      soldPriceMinor: line.unitPriceMinor,
      serverPriceMinor,
      differenceMinor: lineDifferenceMinor(serverPriceMinor - line.unitPriceMinor, line.quantity),
    });
  }
  if (stale.length === 0) return null;
  return {
    kind: 'stale_price',
    eventIds: [eventId],
    details: {
      saleId: sale.saleId,
      currency: sale.currency,
      saleTime: sale.saleTime.toISOString(),
      lines: stale,
      differenceMinor: stale.reduce((total, line) => total + line.differenceMinor, 0),
    },
  };
}

function lineDifferenceMinor(unitDifferenceMinor: number, quantity: string): number {
  const parsed = parseQuantity(quantity);
  if (!parsed.ok) throw new Error(`line quantity ${quantity} is not a quantity`);
  const milli = BigInt(unitDifferenceMinor) * BigInt(parsed.quantity.quantityMilli);
  return Number(divideRoundingHalfUp(milli, 1000n));
}

export interface NegativeLevel {
  readonly warehouseId: string;
  readonly variantId: string;
  readonly quantitySold: string;
  readonly qtyOnHandAfter: string;
}

/** Oversell: the sale left on-hand below zero for at least one warehouse and variant. */
export function oversellConflict(
  eventId: string,
  saleId: string,
  levels: readonly NegativeLevel[],
): ConflictDraft | null {
  if (levels.length === 0) return null;
  return { kind: 'oversell', eventIds: [eventId], details: { saleId, levels } };
}

export interface ActorStanding {
  readonly terminalRevoked: boolean;
  readonly terminalRevokedAt: Date | null;
  /** Users named by the fact that are inactive, or unknown to the server. */
  readonly users: readonly {
    userId: string;
    role: 'cashier' | 'approver';
    standing: 'inactive' | 'unknown';
  }[];
}

/**
 * Revoked actor: the fact was recorded on a revoked terminal at or after its revocation (a fact
 * made before it was revoked is honest), or by a cashier or approving manager who is no longer
 * active (or whom the server does not know).
 */
export function revokedActorConflict(
  eventId: string,
  factTime: Date,
  factType: string,
  standing: ActorStanding,
): ConflictDraft | null {
  const terminalRevoked =
    standing.terminalRevoked &&
    (standing.terminalRevokedAt === null || factTime.getTime() >= standing.terminalRevokedAt.getTime());
  if (!terminalRevoked && standing.users.length === 0) return null;
  return {
    kind: 'revoked_actor',
    eventIds: [eventId],
    details: {
      factType,
      factTime: factTime.toISOString(),
      terminalRevoked,
      terminalRevokedAt: standing.terminalRevokedAt?.toISOString() ?? null,
      users: standing.users,
    },
  };
}

export function unknownSaleConflict(
  eventId: string,
  factType: 'RefundIssued' | 'SaleVoided',
  saleId: string,
  details: Record<string, unknown>,
): ConflictDraft {
  return { kind: 'unknown_sale', eventIds: [eventId], details: { factType, saleId, ...details } };
}

export function folioConflict(eventId: string, details: Record<string, unknown>): ConflictDraft {
  return { kind: 'folio_gap', eventIds: [eventId], details };
}

/** A fact whose document id (sale, refund, void, shift, cash movement) another fact already used. */
export function duplicateDocumentConflict(
  eventId: string,
  document: { type: string; id: string; existingEventId: string },
): ConflictDraft {
  return { kind: 'duplicate_document', eventIds: [eventId, document.existingEventId], details: document };
}

/** A fact naming a variant, warehouse or shift the server does not have: nothing can move for it. */
export function unknownItemConflict(
  eventId: string,
  items: readonly { entity: 'variant' | 'warehouse' | 'shift'; id: string }[],
): ConflictDraft | null {
  if (items.length === 0) return null;
  return { kind: 'unknown_item', eventIds: [eventId], details: { items } };
}
