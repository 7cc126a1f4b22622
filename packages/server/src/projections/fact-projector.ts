import type { FactEnvelope, FactPayload } from '@mostrador/core';
import { type ActorStanding, revokedActorConflict } from '../conflicts/conflict-detection';
import type { TenantWork } from '../database/tenant-transaction';
import type { RecordedFolio } from '../folios/folio-assignment';
import { type BatchLookups, loadBatchLookups, type TerminalState } from './batch-lookups';
import { projectCashMovement } from './cash-projection';
import { factTime } from './fact-time';
import { PendingWrites } from './pending-writes';
import { openConflict, type ProjectionContext, type ProjectionOutcome } from './projection-context';
import { projectRefund } from './refund-projection';
import { projectSale } from './sale-projection';
import { projectShiftClosed, projectShiftOpened } from './shift-projection';
import { projectVoid } from './void-projection';

/** Projecting fact `index` of a batch failed; the facts before it can still be applied alone. */
export class FactProjectionError extends Error {
  override readonly name = 'FactProjectionError';

  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(
      `projecting fact ${index} of the batch failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

export interface ProjectionInput {
  readonly terminal: TerminalState;
  readonly facts: readonly FactEnvelope[];
  readonly now: Date;
  /** Append the facts to the journal too (push); false for facts accepted from quarantine. */
  readonly journal: boolean;
  /** The facts' JSON as verification built it; a fact missing here is encoded for the journal. */
  readonly envelopeJson?: ReadonlyMap<FactEnvelope, string>;
}

/**
 * Applies facts, in order, to every projection in the caller's transaction: the journal rows,
 * sales, refunds, voids, shifts, cash movements, stock, folios and conflicts. The batch is read
 * and projected with no lock but the terminal's; the shared locks (folio series, then the tenant's
 * change version, then stock levels) are taken at the end of the flush (pending-writes.ts), so a
 * tenant's pushes overlap for most of their work and still lock in one order.
 */
export interface ProjectedBatch {
  readonly outcomes: ProjectionOutcome[];
  /** The folios the batch recorded (folio_assignments rows), as the statements that wrote them returned them. */
  readonly folios: RecordedFolio[];
}

export async function projectFacts(work: TenantWork, input: ProjectionInput): Promise<ProjectedBatch> {
  if (input.facts.length === 0) return { outcomes: [], folios: [] };
  const lookups = await loadBatchLookups(work, input.terminal, input.facts, input.now);
  const writes = new PendingWrites(work.scope.tenantId, input.now);
  const outcomes: ProjectionOutcome[] = [];
  for (const [index, fact] of input.facts.entries()) {
    if (input.journal) {
      const envelope = input.envelopeJson?.get(fact) ?? JSON.stringify(fact);
      writes.facts.push(journalRow(work.scope.tenantId, fact, envelope, input.now));
    }
    const context: ProjectionContext = {
      work: { ...work, scope: { tenantId: work.scope.tenantId, userId: fact.actor.userId } },
      now: input.now,
      terminal: input.terminal,
      lookups,
      writes,
      fact,
      time: factTime(fact, input.now),
    };
    try {
      outcomes.push(projectFact(context));
    } catch (error) {
      throw new FactProjectionError(index, error);
    }
  }
  await writes.flush(work, lookups.shifts, lookups.folios);
  return { outcomes, folios: writes.recordedFolios };
}

function projectFact(context: ProjectionContext): ProjectionOutcome {
  const outcome = projectPayload(context, context.fact.payload);
  if (outcome === 'projected') {
    openConflict(
      context,
      revokedActorConflict(context.fact.eventId, context.time, context.fact.payload.type, {
        terminalRevoked: context.terminal.status === 'revoked',
        terminalRevokedAt: context.terminal.revokedAt,
        users: actorStanding(context.lookups, context.fact),
      }),
    );
  }
  return outcome;
}

function projectPayload(context: ProjectionContext, payload: FactPayload): ProjectionOutcome {
  switch (payload.type) {
    case 'SaleCompleted':
      return projectSale(context, payload);
    case 'RefundIssued':
      return projectRefund(context, payload);
    case 'SaleVoided':
      return projectVoid(context, payload);
    case 'CashMovementRecorded':
      return projectCashMovement(context, payload);
    case 'ShiftOpened':
      return projectShiftOpened(context, payload);
    case 'ShiftClosed':
      return projectShiftClosed(context, payload);
  }
}

function actorStanding(lookups: BatchLookups, fact: FactEnvelope): ActorStanding['users'] {
  const named: { userId: string; role: 'cashier' | 'approver' }[] = [
    { userId: fact.actor.userId, role: 'cashier' },
  ];
  if (fact.actor.approvedByUserId !== null)
    named.push({ userId: fact.actor.approvedByUserId, role: 'approver' });
  const standing: ActorStanding['users'][number][] = [];
  for (const actor of named) {
    const user = lookups.users.get(actor.userId);
    if (user === undefined) standing.push({ ...actor, standing: 'unknown' });
    else if (!user.active) standing.push({ ...actor, standing: 'inactive' });
  }
  return standing;
}

function journalRow(tenantId: string, fact: FactEnvelope, envelope: string, receivedAt: Date) {
  return {
    tenant_id: tenantId,
    terminal_id: fact.terminalId,
    sequence: fact.sequence,
    event_id: fact.eventId,
    store_id: fact.storeId,
    fact_type: fact.payload.type,
    hash: fact.hash,
    prev_hash: fact.prevHash,
    envelope,
    received_at: receivedAt,
  };
}
