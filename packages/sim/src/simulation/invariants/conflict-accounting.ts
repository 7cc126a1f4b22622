import type { FactEnvelope } from '@mostrador/core';
import type { Tally } from '../faults/fault-counters';
import { type InvariantReport, milli } from './invariant-report';
import type { ServerRecords } from './server-records';

/**
 * §5.5: one conflict per broken rule per fact, derived here from the facts and the movements:
 * each sale whose movement left a level below zero has exactly one oversell conflict; each sale
 * with a line priced differently from the price the server judged has one stale-price conflict;
 * each fact of a revoked till from the revocation on has one revoked-actor conflict; each refund
 * or void of an unknown sale one unknown-sale conflict; each forked device one fork conflict.
 */
export function checkConflicts(
  report: InvariantReport,
  records: ServerRecords,
  options: { readonly restoresHappened: boolean },
  conflictTally: Tally,
): void {
  const byKind = new Map<string, string[]>();
  for (const conflict of records.conflicts) {
    conflictTally.add(conflict.kind);
    const list = byKind.get(conflict.kind) ?? [];
    list.push(...conflict.event_ids);
    byKind.set(conflict.kind, list);
  }
  const compare = (kind: string, expected: Set<string>) => {
    const actual = byKind.get(kind) ?? [];
    const counts = new Map<string, number>();
    for (const eventId of actual) counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
    for (const eventId of expected) {
      report.check(
        'conflicts',
        counts.get(eventId) === 1,
        () => `${kind}: fact ${eventId} has ${counts.get(eventId) ?? 0} conflicts, expected 1`,
      );
    }
    for (const [eventId, count] of counts) {
      if (!expected.has(eventId))
        report.fail('conflicts', `${kind}: conflict for fact ${eventId} (${count}) that broke no rule`);
    }
  };

  // Oversell: replay the movements in the order they were written.
  const balance = new Map<string, number>();
  const oversold = new Set<string>();
  for (const movement of records.stockMovements) {
    const key = `${movement.warehouse_id}/${movement.variant_id}`;
    const after = (balance.get(key) ?? 0) + milli(movement.qty_delta);
    balance.set(key, after);
    if (movement.reason === 'sale' && after < 0) oversold.add(movement.reference.slice('event:'.length));
  }
  compare('oversell', oversold);

  const salesById = new Map(records.sales.map((sale) => [sale.id, sale]));
  const stale = new Set<string>();
  for (const line of records.saleLines) {
    if (line.server_price_minor !== null && line.server_price_minor !== line.unit_price_minor) {
      const sale = salesById.get(line.sale_id);
      if (sale !== undefined) stale.add(sale.event_id);
    }
  }
  compare('stale_price', stale);

  const revokedAt = new Map(
    records.terminals.flatMap((terminal) =>
      terminal.revoked_at === null ? [] : [[terminal.id, new Date(terminal.revoked_at).getTime()] as const],
    ),
  );
  const revoked = new Set<string>();
  for (const row of records.facts) {
    const at = revokedAt.get(row.terminal_id);
    if (at === undefined) continue;
    if (factTimeMs(row.envelope as unknown as FactEnvelope, new Date(row.received_at).getTime()) >= at)
      revoked.add(row.event_id);
  }
  compare('revoked_actor', revoked);

  const unknownSale = new Set([
    ...records.refunds.filter((refund) => !refund.sale_known).map((refund) => refund.event_id),
    ...records.voids.filter((voided) => !voided.sale_known).map((voided) => voided.event_id),
  ]);
  compare('unknown_sale', unknownSale);

  const forkedTerminals = new Set(records.quarantined.map((row) => row.terminal_id));
  const forkConflicts = records.conflicts.filter((conflict) => conflict.kind === 'fork');
  for (const terminalId of forkedTerminals) {
    const count = forkConflicts.filter((conflict) => conflict.terminal_id === terminalId).length;
    report.check(
      'conflicts',
      count === 1,
      () => `terminal ${terminalId} forked with ${count} fork conflicts, expected 1`,
    );
  }
  report.check(
    'conflicts',
    forkConflicts.every((conflict) => forkedTerminals.has(conflict.terminal_id)),
    () => 'a fork conflict without quarantined facts',
  );

  const terminalNames = new Map(records.terminals.map((terminal) => [terminal.id, terminal.name]));
  const factTypes = new Map(
    records.facts.map((row) => [row.event_id, `${row.fact_type} seq ${row.sequence}`]),
  );
  for (const conflict of records.conflicts) {
    if (conflict.kind !== 'duplicate_document' && conflict.kind !== 'unknown_item') continue;
    report.fail(
      'conflicts',
      `${conflict.kind} on ${terminalNames.get(conflict.terminal_id)} for ${conflict.event_ids.map((eventId) => factTypes.get(eventId) ?? eventId).join(', ')}: ${JSON.stringify(conflict.details)}`,
    );
  }
  if (!options.restoresHappened) {
    report.check(
      'conflicts',
      (byKind.get('folio_gap') ?? []).length === 0,
      () => `folio_gap conflicts without any device restore: ${(byKind.get('folio_gap') ?? []).length}`,
    );
  }
}

/** The server's rule (docs/sync-protocol.md §10): device time clamped to [lastServerTime, applied at]. */
function factTimeMs(envelope: FactEnvelope, appliedAtMs: number): number {
  let epochMs = Date.parse(envelope.deviceTime);
  if (envelope.lastServerTime !== null) epochMs = Math.max(epochMs, Date.parse(envelope.lastServerTime));
  return Math.min(epochMs, appliedAtMs);
}
