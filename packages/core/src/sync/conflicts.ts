import { z } from 'zod';

/**
 * The conflicts API (docs/sync-protocol.md §10) as the server answers it and the manager's screens
 * read it: one definition for both ends of the wire.
 */
export const CONFLICT_KINDS = [
  'oversell',
  'stale_price',
  'revoked_actor',
  'unknown_sale',
  'folio_gap',
  'fork',
  'duplicate_document',
  'unknown_item',
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export const conflictSchema = z.object({
  id: z.string(),
  kind: z.enum(CONFLICT_KINDS),
  status: z.enum(['open', 'resolved']),
  storeId: z.string(),
  terminalId: z.string(),
  eventIds: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
  notes: z.array(z.object({ note: z.string(), byUserId: z.string(), at: z.string() })),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Conflict = z.infer<typeof conflictSchema>;

/** A fact behind a conflict: from the journal, or from quarantine when it forked a chain. */
export const conflictFactSchema = z.object({
  eventId: z.string(),
  terminalId: z.string(),
  sequence: z.number().int(),
  quarantined: z.boolean(),
  envelope: z.record(z.string(), z.unknown()),
});

export const conflictDetailSchema = conflictSchema.extend({ facts: z.array(conflictFactSchema) });
export type ConflictDetail = z.infer<typeof conflictDetailSchema>;

export const conflictPageSchema = z.object({
  items: z.array(conflictSchema),
  nextCursor: z.string().nullable(),
});
