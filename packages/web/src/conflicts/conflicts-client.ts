import {
  type Conflict,
  type ConflictDetail,
  conflictDetailSchema,
  conflictPageSchema,
  conflictSchema,
} from '@mostrador/core';
import { z } from 'zod';
import { callServer, type ServerCallOutcome } from '../activation/activation-client';

// The conflicts API (docs/sync-protocol.md §10): the queue, one conflict with its facts, and
// the manager's resolution, which the server audits with who and when.

export type { Conflict, ConflictDetail };

export type ConflictAction = 'accept' | 'adjust_stock' | 'write_off' | 'note';
export type StockAdjustment = {
  readonly warehouseId: string;
  readonly variantId: string;
  readonly quantityDelta: string;
};

export interface ServerAccess {
  readonly serverUrl: string;
  readonly token: string;
  readonly language: string;
}

const CONFLICTS_PAGE = 100;

export function listConflicts(
  access: ServerAccess,
  filter: { readonly status: 'open' | 'resolved'; readonly storeId: string },
): Promise<ServerCallOutcome<{ items: Conflict[]; nextCursor: string | null }>> {
  const query = new URLSearchParams({
    status: filter.status,
    storeId: filter.storeId,
    limit: String(CONFLICTS_PAGE),
  });
  return callServer(access.serverUrl, `/api/v1/conflicts?${query}`, conflictPageSchema, {
    token: access.token,
    language: access.language,
  });
}

export function getConflict(access: ServerAccess, id: string): Promise<ServerCallOutcome<ConflictDetail>> {
  return callServer(access.serverUrl, `/api/v1/conflicts/${encodeURIComponent(id)}`, conflictDetailSchema, {
    token: access.token,
    language: access.language,
  });
}

export function resolveConflict(
  access: ServerAccess,
  id: string,
  request: {
    readonly action: ConflictAction;
    readonly note: string;
    readonly adjustments?: readonly StockAdjustment[];
  },
): Promise<ServerCallOutcome<Conflict>> {
  return callServer(access.serverUrl, `/api/v1/conflicts/${encodeURIComponent(id)}/resolve`, conflictSchema, {
    method: 'POST',
    token: access.token,
    language: access.language,
    body: request,
  });
}

/** For an oversell: the adjustments that bring each level the sale took below zero back to zero. */
export function oversellAdjustments(details: Record<string, unknown>): StockAdjustment[] {
  const levels = z
    .array(z.object({ warehouseId: z.string(), variantId: z.string(), qtyOnHandAfter: z.string() }))
    .safeParse(details.levels);
  if (!levels.success) return [];
  return levels.data
    .filter((level) => level.qtyOnHandAfter.startsWith('-'))
    .map((level) => ({
      warehouseId: level.warehouseId,
      variantId: level.variantId,
      quantityDelta: level.qtyOnHandAfter.slice(1),
    }));
}
