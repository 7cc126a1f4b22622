import { type AssignedFolio, factEnvelopeSchema } from '@mostrador/core';
import { appendAudit } from '../audit/audit-log';
import type { TenantWork } from '../database/tenant-transaction';
import { answerFolios, foliosOfEvents } from '../folios/folio-assignment';
import { ApiError, notFound } from '../http/api-error';
import { projectFacts } from '../projections/fact-projector';

export interface QuarantineDecision {
  readonly quarantineId: string;
  readonly note: string;
  readonly now: Date;
  readonly userId: string;
  /** Throws when the manager may not act on the fact's store. */
  readonly authorize: (storeId: string) => void;
}

/**
 * A manager accepts a quarantined fact: it is applied to every projection (with the conflicts it
 * raises, like any fact) but it does not join the terminal's chain, whose sequence it collides
 * with. The decision and who made it are in the audit log and on the quarantined row.
 */
export async function acceptQuarantinedFact(
  work: TenantWork,
  decision: QuarantineDecision,
): Promise<AssignedFolio[]> {
  const row = await lockUndecided(work, decision);
  const fact = factEnvelopeSchema.parse(row.envelope);
  const inJournal = await work.transaction
    .selectFrom('facts')
    .select('sequence')
    .where('event_id', '=', fact.eventId)
    .executeTakeFirst();
  if (inJournal !== undefined) throw new ApiError('FACT_ALREADY_APPLIED', 409, { eventId: fact.eventId });
  const terminal = await work.transaction
    .selectFrom('terminals')
    .select(['id', 'store_id', 'status', 'revoked_at'])
    .where('id', '=', row.terminal_id)
    .executeTakeFirstOrThrow();
  const {
    outcomes: [outcome],
  } = await projectFacts(work, {
    terminal: {
      id: terminal.id,
      storeId: terminal.store_id,
      status: terminal.status,
      revokedAt: terminal.revoked_at === null ? null : new Date(terminal.revoked_at),
    },
    facts: [fact],
    now: decision.now,
    journal: false,
  });
  if (outcome !== 'projected') throw new ApiError('FACT_ALREADY_APPLIED', 409, { eventId: fact.eventId });
  await decide(work, decision, 'accepted', {
    eventId: fact.eventId,
    terminalId: row.terminal_id,
    sequence: row.sequence,
    factType: fact.payload.type,
    hash: fact.hash,
  });
  return answerFolios(await foliosOfEvents(work, [fact.eventId]));
}

/** A manager rejects a quarantined fact as fraudulent: it stays on record, never applied. */
export async function rejectQuarantinedFact(work: TenantWork, decision: QuarantineDecision): Promise<void> {
  const row = await lockUndecided(work, decision);
  await decide(work, decision, 'rejected', {
    eventId: row.event_id,
    terminalId: row.terminal_id,
    sequence: row.sequence,
    hash: row.hash,
  });
}

async function lockUndecided(work: TenantWork, decision: QuarantineDecision) {
  const row = await work.transaction
    .selectFrom('quarantined_facts')
    .select(['id', 'terminal_id', 'store_id', 'sequence', 'event_id', 'hash', 'envelope', 'status'])
    .where('id', '=', decision.quarantineId)
    .forUpdate()
    .executeTakeFirst();
  if (row === undefined) throw notFound({ quarantineId: decision.quarantineId });
  decision.authorize(row.store_id);
  if (row.status !== 'quarantined') {
    throw new ApiError('QUARANTINE_ALREADY_DECIDED', 409, { quarantineId: row.id, status: row.status });
  }
  return row;
}

async function decide(
  work: TenantWork,
  decision: QuarantineDecision,
  status: 'accepted' | 'rejected',
  details: Record<string, unknown>,
): Promise<void> {
  await work.transaction
    .updateTable('quarantined_facts')
    .set({ status, decided_by: decision.userId, decided_at: decision.now, decision_note: decision.note })
    .where('id', '=', decision.quarantineId)
    .execute();
  await appendAudit(work.transaction, work.scope.tenantId, {
    actorUserId: decision.userId,
    action: `quarantine.${status}`,
    entity: 'quarantined_fact',
    entityId: decision.quarantineId,
    details: { ...details, note: decision.note, decidedAt: decision.now.toISOString() },
  });
}
