import { canonicalText, type FactEnvelope, GENESIS_PREV_HASH, verifyChain } from '@mostrador/core';
import type { FactLedger } from '../ledger/fact-ledger';
import type { InvariantReport } from './invariant-report';
import type { ServerRecords } from './server-records';

/**
 * §5.1: every fact a till committed (whether or not the cashier saw the answer) is on the server
 * exactly once: in the journal, or in the quarantine when its device forked. A fact that died
 * with a device restored from an old backup may be there at most once.
 */
export function checkExactlyOnce(report: InvariantReport, ledger: FactLedger, records: ServerRecords): void {
  const journalByEventId = new Map<string, number>();
  const journalKeys = new Set<string>();
  for (const row of records.facts) {
    journalByEventId.set(row.event_id, (journalByEventId.get(row.event_id) ?? 0) + 1);
    const key = `${row.terminal_id}/${row.sequence}`;
    report.check('exactly-once', !journalKeys.has(key), () => `two journal rows for ${key}`);
    journalKeys.add(key);
  }
  const quarantineByHash = new Map<string, number>();
  for (const row of records.quarantined) {
    const key = `${row.terminal_id}/${row.hash}`;
    quarantineByHash.set(key, (quarantineByHash.get(key) ?? 0) + 1);
  }
  const journalHash = new Map(records.facts.map((row) => [row.event_id, row.hash]));
  for (const fact of ledger.facts()) {
    const { envelope } = fact;
    const inJournal =
      (journalByEventId.get(envelope.eventId) ?? 0) > 0 && journalHash.get(envelope.eventId) === envelope.hash
        ? journalByEventId.get(envelope.eventId)!
        : 0;
    const inQuarantine = quarantineByHash.get(`${envelope.terminalId}/${envelope.hash}`) ?? 0;
    const copies = inJournal + inQuarantine;
    const where = () =>
      `${fact.terminalLabel} seq ${envelope.sequence} ${envelope.payload.type} (${fact.acknowledgedToCashier ? 'acknowledged to the cashier' : 'committed, not acknowledged'}${fact.lostWithDevice ? ', lost with the device' : ''}): ${copies} copies on the server`;
    if (fact.lostWithDevice) report.check('exactly-once', copies <= 1, where);
    else report.check('exactly-once', copies === 1, where);
  }
  // The projections follow the journal one to one.
  const salesByEvent = new Map<string, number>();
  for (const sale of records.sales)
    salesByEvent.set(sale.event_id, (salesByEvent.get(sale.event_id) ?? 0) + 1);
  const duplicateDocuments = new Set(
    records.conflicts
      .filter((conflict) => conflict.kind === 'duplicate_document')
      .flatMap((conflict) => conflict.event_ids),
  );
  for (const row of records.facts) {
    if (row.fact_type !== 'SaleCompleted' || duplicateDocuments.has(row.event_id)) continue;
    report.check(
      'exactly-once',
      salesByEvent.get(row.event_id) === 1,
      () => `sale of event ${row.event_id} projected ${salesByEvent.get(row.event_id) ?? 0} times`,
    );
  }
}

/** §5.2: nothing on the server that no till signed; forged pushes are refused. */
export function checkNoForgedFacts(
  report: InvariantReport,
  ledger: FactLedger,
  records: ServerRecords,
  forgeryOutcomes: readonly string[],
): void {
  for (const row of [...records.facts, ...records.quarantined]) {
    const known = ledger.find(row.event_id);
    report.check(
      'no-forged-facts',
      known !== undefined && canonicalText(known.envelope as never) === canonicalText(row.envelope as never),
      () => `stored fact ${row.event_id} seq ${row.sequence} is not one a till signed`,
    );
  }
  const publicKeys = new Map(records.terminals.map((terminal) => [terminal.id, terminal.public_key]));
  const byTerminal = new Map<string, FactEnvelope[]>();
  for (const row of records.facts) {
    const list = byTerminal.get(row.terminal_id) ?? [];
    list.push(row.envelope as unknown as FactEnvelope);
    byTerminal.set(row.terminal_id, list);
  }
  for (const [terminalId, envelopes] of byTerminal) {
    const key = publicKeys.get(terminalId);
    const verification =
      key === null || key === undefined
        ? { ok: false as const, reason: 'no public key' }
        : verifyChain(envelopes, Buffer.from(key, 'hex'), {
            expectedFirstSequence: 1,
            expectedPrevHash: GENESIS_PREV_HASH,
          });
    report.check(
      'no-forged-facts',
      verification.ok,
      () => `journal chain of terminal ${terminalId} does not verify: ${JSON.stringify(verification)}`,
    );
  }
  for (const outcome of forgeryOutcomes) {
    report.check(
      'no-forged-facts',
      !outcome.includes('applied'),
      () => `a forged push was answered ${outcome}`,
    );
  }
}
