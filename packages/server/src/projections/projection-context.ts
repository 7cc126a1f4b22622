import type { FactEnvelope } from '@mostrador/core';
import type { ConflictDraft } from '../conflicts/conflict-detection';
import type { TenantWork } from '../database/tenant-transaction';
import type { BatchLookups, TerminalState } from './batch-lookups';
import type { PendingWrites } from './pending-writes';

/** What projecting one fact sees: the batch's lookups and buffered writes, and the fact itself. */
export interface ProjectionContext {
  /** The tenant transaction, acting for the fact's cashier (stock movements record who). */
  readonly work: TenantWork;
  readonly now: Date;
  readonly terminal: TerminalState;
  readonly lookups: BatchLookups;
  readonly writes: PendingWrites;
  readonly fact: FactEnvelope;
  /** When the fact happened, as the server believes it (fact-time.ts). */
  readonly time: Date;
}

/**
 * `projected`: the fact's effects were written now (conflicts included). `already_projected`:
 * its effects are already in the database under its own event id, which happens when the
 * journal lost facts (a restore) that the projections kept; applying them again would count
 * them twice, so nothing is written.
 */
export type ProjectionOutcome = 'projected' | 'already_projected';

export function openConflict(context: ProjectionContext, draft: ConflictDraft | null): void {
  if (draft === null) return;
  context.writes.openConflict(draft, { storeId: context.fact.storeId, terminalId: context.fact.terminalId });
}

/** The event id that already holds a document id decides: the same fact, or a duplicate. */
export function priorDocument(
  context: ProjectionContext,
  document: { type: string; id: string },
  existingEventId: string | undefined,
): ProjectionOutcome | 'duplicate' | null {
  if (existingEventId === undefined) return null;
  if (existingEventId === context.fact.eventId) return 'already_projected';
  context.writes.openConflict(
    {
      kind: 'duplicate_document',
      eventIds: [context.fact.eventId, existingEventId],
      details: { documentType: document.type, documentId: document.id, existingEventId },
    },
    { storeId: context.fact.storeId, terminalId: context.fact.terminalId },
  );
  return 'duplicate';
}
