import { type AssignedFolio, type ChainHead, type FactEnvelope, GENESIS_PREV_HASH } from '@mostrador/core';
import { sql } from 'kysely';
import type { TenantWork } from '../database/tenant-transaction';
import { uuidArray } from '../database/uuid-array';
import { answerFolios, foliosOfEvents } from '../folios/folio-assignment';
import { ApiError } from '../http/api-error';
import type { TerminalState } from '../projections/batch-lookups';
import { FactProjectionError, type ProjectedBatch, projectFacts } from '../projections/fact-projector';
import { type ChainStop, classifyBatch, type StoredChain } from './chain-classification';
import { quarantineFork } from './fork-quarantine';

export interface AppendInput {
  readonly terminalId: string;
  /** The verified prefix of the pushed batch. */
  readonly facts: readonly FactEnvelope[];
  readonly now: Date;
  /** Apply at most this many new facts (a retry after a projection failure applies a prefix). */
  readonly freshLimit: number;
  /** The verified facts' JSON for the journal (VerifiedBatch.envelopeJson). */
  readonly envelopeJson?: ReadonlyMap<FactEnvelope, string>;
}

export interface AppendResult {
  readonly head: ChainHead;
  readonly stop: ChainStop | null;
  /** The terminal must re-activate: everything it pushed beyond the stored chain is quarantined. */
  readonly frozen: boolean;
  /** New facts left out because of freshLimit. */
  readonly heldBack: number;
  /** New facts this push stored (not replays, not quarantined ones). */
  readonly stored: number;
  readonly folios: AssignedFolio[];
}

/**
 * Thrown when projecting the new facts failed; `freshLimit` is how many of them to retry with
 * so that the facts before the failing one are still applied.
 */
export class RetryWithPrefix extends Error {
  override readonly name = 'RetryWithPrefix';

  constructor(
    readonly freshLimit: number,
    cause: unknown,
  ) {
    super('applying the batch failed; retry with its prefix', { cause });
  }
}

/**
 * The transactional part of a push. The terminal's advisory lock makes concurrent pushes of one
 * terminal (on any server instance) take turns; the journal's primary key and unique event id
 * would refuse a duplicate even without it. Everything the batch does (journal, projections,
 * quarantine) commits or rolls back together.
 */
export async function appendBatch(work: TenantWork, input: AppendInput): Promise<AppendResult> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${work.scope.tenantId}::text || ${input.terminalId}::text, 0))`.execute(
    work.transaction,
  );
  const { terminal, head } = await readTerminal(work, input.terminalId);
  const stored = await readStoredChain(work, input.terminalId, head, input.facts);
  const classified = classifyBatch(input.facts, stored);
  const frozen = terminal.status === 'reactivation_required';
  const quarantineFrom = frozen
    ? classified.replayed.length
    : classified.stop?.kind === 'fork'
      ? classified.stop.index
      : null;
  if (quarantineFrom !== null) {
    await quarantineFork(work, terminal, {
      facts: input.facts.slice(quarantineFrom),
      storedHashes: stored.hashBySequence,
      now: input.now,
    });
    return {
      head,
      stop: classified.stop,
      frozen: true,
      heldBack: 0,
      stored: 0,
      folios: answerFolios(await foliosOfEvents(work, eventIdsOf(classified.replayed))),
    };
  }

  const fresh = classified.fresh.slice(0, input.freshLimit);
  let projected: ProjectedBatch;
  try {
    projected = await projectFacts(work, {
      terminal,
      facts: fresh,
      now: input.now,
      journal: true,
      envelopeJson: input.envelopeJson,
    });
  } catch (error) {
    const failedAt = error instanceof FactProjectionError ? error.index : Math.floor(fresh.length / 2);
    if (failedAt > 0) throw new RetryWithPrefix(failedAt, error);
    throw error;
  }
  const last = fresh[fresh.length - 1];
  return {
    head: last === undefined ? head : { sequence: last.sequence, hash: last.hash },
    stop: fresh.length < classified.fresh.length ? null : classified.stop,
    frozen: false,
    heldBack: classified.fresh.length - fresh.length,
    stored: fresh.length,
    // The new facts' folios come back from the statements that recorded them: no query for them
    // under the folio locks. Replayed facts' folios, and those of new facts whose projections
    // survived a restore of the journal, were recorded by an earlier push and are read.
    folios: answerFolios([
      ...(await foliosOfEvents(work, [
        ...eventIdsOf(classified.replayed),
        ...eventIdsOf(fresh.filter((_, index) => projected.outcomes[index] === 'already_projected')),
      ])),
      ...projected.folios,
    ]),
  };
}

async function readTerminal(
  work: TenantWork,
  terminalId: string,
): Promise<{ terminal: TerminalState; head: ChainHead }> {
  const row = await work.transaction
    .selectFrom('terminals as t')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('facts as f')
          .select(['f.sequence', 'f.hash'])
          .whereRef('f.tenant_id', '=', 't.tenant_id')
          .whereRef('f.terminal_id', '=', 't.id')
          .orderBy('f.sequence', 'desc')
          .limit(1)
          .as('h'),
      (join) => join.onTrue(),
    )
    .select(['t.id', 't.store_id', 't.status', 't.revoked_at', 'h.sequence', 'h.hash'])
    .where('t.id', '=', terminalId)
    .executeTakeFirst();
  if (row === undefined) throw new ApiError('TOKEN_INVALID', 401);
  return {
    terminal: {
      id: row.id,
      storeId: row.store_id,
      status: row.status,
      revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    },
    head: { sequence: row.sequence ?? 0, hash: row.hash ?? GENESIS_PREV_HASH },
  };
}

async function readStoredChain(
  work: TenantWork,
  terminalId: string,
  head: ChainHead,
  facts: readonly FactEnvelope[],
): Promise<StoredChain> {
  const first = facts[0];
  const last = facts[facts.length - 1];
  const replayCandidates = first !== undefined && first.sequence <= head.sequence;
  const freshCandidates = facts.filter((fact) => fact.sequence > head.sequence).map((fact) => fact.eventId);
  const [hashes, events] = await Promise.all([
    replayCandidates && last !== undefined
      ? work.transaction
          .selectFrom('facts')
          .select(['sequence', 'hash'])
          .where('terminal_id', '=', terminalId)
          .where('sequence', '>=', first.sequence)
          .where('sequence', '<=', Math.min(last.sequence, head.sequence))
          .execute()
      : [],
    freshCandidates.length === 0
      ? []
      : work.transaction
          .selectFrom('facts')
          .select(['event_id', 'terminal_id', 'sequence'])
          .where('event_id', '=', sql<string>`ANY(${uuidArray(freshCandidates)})`)
          .execute(),
  ]);
  return {
    head,
    hashBySequence: new Map(hashes.map((row) => [row.sequence, row.hash])),
    storedEventIds: new Map(
      events.map((row) => [row.event_id, { terminalId: row.terminal_id, sequence: row.sequence }]),
    ),
  };
}

function eventIdsOf(facts: readonly FactEnvelope[]): string[] {
  return facts.map((fact) => fact.eventId);
}
