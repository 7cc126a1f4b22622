import type { FactEnvelope } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-log';
import type { TenantWork } from '../database/tenant-transaction';
import type { TerminalState } from '../projections/batch-lookups';

export interface ForkEvidence {
  /** The facts to keep aside, in sequence order: the forking fact and every fact after it. */
  readonly facts: readonly FactEnvelope[];
  /** The stored hash at each sequence the forking facts reuse. */
  readonly storedHashes: ReadonlyMap<number, string>;
  readonly now: Date;
}

/**
 * A terminal whose chain forked (a cloned device, or one restored from an old backup) can no
 * longer be trusted to say which of two histories is real. Its facts are quarantined, never
 * merged: on the first fork the terminal is set to `reactivation_required`, a security alert and
 * a fork conflict are raised and the audit log records it; until the device is re-activated
 * every further fact it pushes joins the quarantine. A manager then accepts the quarantined
 * facts (they may be real sales) or rejects them.
 */
export async function quarantineFork(
  work: TenantWork,
  terminal: TerminalState,
  evidence: ForkEvidence,
): Promise<void> {
  const first = evidence.facts[0];
  if (first === undefined) return;
  const conflictId =
    terminal.status === 'reactivation_required'
      ? await latestForkConflict(work, terminal.id)
      : await raiseFork(work, terminal, evidence, first);
  await work.transaction
    .insertInto('quarantined_facts')
    .values(
      evidence.facts.map((fact) => ({
        tenant_id: work.scope.tenantId,
        id: uuidv7(),
        terminal_id: terminal.id,
        store_id: fact.storeId,
        sequence: fact.sequence,
        event_id: fact.eventId,
        hash: fact.hash,
        stored_hash: evidence.storedHashes.get(fact.sequence) ?? null,
        envelope: JSON.stringify(fact),
        conflict_id: conflictId,
        received_at: evidence.now,
        decided_by: null,
        decided_at: null,
        decision_note: null,
      })),
    )
    .onConflict((conflict) => conflict.columns(['tenant_id', 'terminal_id', 'hash']).doNothing())
    .execute();
}

async function raiseFork(
  work: TenantWork,
  terminal: TerminalState,
  evidence: ForkEvidence,
  first: FactEnvelope,
): Promise<string> {
  const { transaction, scope } = work;
  const version = await work.changeVersion();
  await transaction
    .updateTable('terminals')
    .set({ status: 'reactivation_required', version })
    .where('id', '=', terminal.id)
    .execute();
  const details = {
    sequence: first.sequence,
    storedHash: evidence.storedHashes.get(first.sequence) ?? null,
    forkedHash: first.hash,
    forkedPrevHash: first.prevHash,
    quarantinedFacts: evidence.facts.length,
  };
  const conflictId = uuidv7();
  await transaction
    .insertInto('conflicts')
    .values({
      tenant_id: scope.tenantId,
      id: conflictId,
      kind: 'fork',
      store_id: terminal.storeId,
      terminal_id: terminal.id,
      event_ids: JSON.stringify(evidence.facts.map((fact) => fact.eventId)),
      details: JSON.stringify(details),
      created_at: evidence.now,
    })
    .execute();
  await transaction
    .insertInto('security_alerts')
    .values({
      tenant_id: scope.tenantId,
      id: uuidv7(),
      kind: 'fork',
      store_id: terminal.storeId,
      terminal_id: terminal.id,
      details: JSON.stringify({ ...details, conflictId }),
      created_at: evidence.now,
    })
    .execute();
  await appendAudit(transaction, scope.tenantId, {
    actorUserId: null,
    action: 'terminal.fork_detected',
    entity: 'terminal',
    entityId: terminal.id,
    details: { ...details, conflictId },
  });
  return conflictId;
}

async function latestForkConflict(work: TenantWork, terminalId: string): Promise<string | null> {
  const row = await work.transaction
    .selectFrom('conflicts')
    .select('id')
    .where('terminal_id', '=', terminalId)
    .where('kind', '=', 'fork')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}
