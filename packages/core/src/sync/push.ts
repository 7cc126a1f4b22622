import { z } from 'zod';
import type { factEnvelopeSchema } from '../facts/envelope';
import { SYNC_PROTOCOL_MIN_SUPPORTED, SYNC_PROTOCOL_VERSION } from './protocol-version';

/** A batch is bounded so one request has a bounded size and a bounded transaction. */
export const PUSH_BATCH_FACTS_MAX = 200;

/**
 * The terminal uploads its outbox in sequence order. Facts are parsed one by one on the server
 * (a malformed fact is reported with its position), so the batch schema only bounds the list.
 */
export const pushRequestSchema = z.strictObject({
  protocolVersion: z.number().int().min(SYNC_PROTOCOL_MIN_SUPPORTED).max(SYNC_PROTOCOL_VERSION),
  facts: z.array(z.unknown()).min(1).max(PUSH_BATCH_FACTS_MAX),
});
export type PushRequest = { protocolVersion: number; facts: z.infer<typeof factEnvelopeSchema>[] };

export const chainHeadSchema = z.object({ sequence: z.number().int().min(0), hash: z.string() });
export type ServerChainHead = z.infer<typeof chainHeadSchema>;

/** A final folio assigned by the server (per-store series) or confirmed (per-terminal series). */
export const assignedFolioSchema = z.object({
  eventId: z.string(),
  documentId: z.string(),
  provisionalFolio: z.string(),
  finalFolio: z.string(),
  folioSeriesId: z.string().nullable(),
});
export type AssignedFolio = z.infer<typeof assignedFolioSchema>;

/**
 * Every answer carries the highest sequence durably applied for this terminal and its hash. The
 * terminal may forget "pending" status only up to that sequence.
 * - applied: the batch (or its prefix that continued the chain) is appended; replays of facts
 *   already stored byte-identically are acknowledged again.
 * - gap: the first fact does not continue the server's chain; resend from expectedSequence
 *   (this is also how a server restored from an old backup asks for facts it lost).
 * - fork: a fact reuses a stored sequence with a different hash. It is quarantined; the device
 *   must be re-activated.
 * - rejected: a fact failed schema, hash or signature checks; `rejectedAt` is its sequence.
 */
export const pushResponseSchema = z.object({
  outcome: z.enum(['applied', 'gap', 'fork', 'rejected']),
  acknowledgedSequence: z.number().int().min(0),
  serverHead: chainHeadSchema,
  expectedSequence: z.number().int().min(1),
  folios: z.array(assignedFolioSchema),
  rejectedAt: z.number().int().nullable(),
  reason: z.string().nullable(),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;
