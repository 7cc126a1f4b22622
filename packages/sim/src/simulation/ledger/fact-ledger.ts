import type { FactEnvelope } from '@mostrador/core';

/**
 * Every fact a terminal durably committed, as the simulator saw it leave the store's commit: the
 * ground truth the server is checked against. A fact is "acknowledged" when the engine call that
 * recorded it returned success to the cashier; it is "lost with the device" when the device was
 * restored from a backup taken before it and it had not reached the server by then.
 */
export interface LedgerFact {
  readonly terminalLabel: string;
  readonly envelope: FactEnvelope;
  acknowledgedToCashier: boolean;
  lostWithDevice: boolean;
}

export class FactLedger {
  private readonly byEventId = new Map<string, LedgerFact>();
  private readonly openCalls = new Map<string, LedgerFact[]>();

  /** Called by the store wrapper after a write that put fact records committed. */
  committed(terminalLabel: string, envelopes: readonly FactEnvelope[]): void {
    for (const envelope of envelopes) {
      if (this.byEventId.has(envelope.eventId)) continue;
      const fact: LedgerFact = {
        terminalLabel,
        envelope,
        acknowledgedToCashier: false,
        lostWithDevice: false,
      };
      this.byEventId.set(envelope.eventId, fact);
      this.openCalls.get(terminalLabel)?.push(fact);
    }
  }

  beginCashierCall(terminalLabel: string): void {
    this.openCalls.set(terminalLabel, []);
  }

  /** The call returned: with success, what it committed is what the cashier was told happened. */
  endCashierCall(terminalLabel: string, succeeded: boolean): readonly LedgerFact[] {
    const facts = this.openCalls.get(terminalLabel) ?? [];
    this.openCalls.delete(terminalLabel);
    if (succeeded) for (const fact of facts) fact.acknowledgedToCashier = true;
    return facts;
  }

  facts(): LedgerFact[] {
    return [...this.byEventId.values()];
  }

  find(eventId: string): LedgerFact | undefined {
    return this.byEventId.get(eventId);
  }
}
