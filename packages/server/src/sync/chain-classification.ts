import type { ChainHead, FactEnvelope } from '@mostrador/core';

/**
 * Where a verified batch meets the server's stored chain for its terminal. Pure: the caller reads
 * the stored state inside its transaction, under the terminal's lock.
 */
export interface StoredChain {
  /** The highest stored sequence and its hash; sequence 0 and GENESIS_PREV_HASH when empty. */
  readonly head: ChainHead;
  /** This terminal's stored hash at each sequence of the batch up to the head. */
  readonly hashBySequence: ReadonlyMap<number, string>;
  /** Stored facts (of any terminal) that carry an event id of the batch. */
  readonly storedEventIds: ReadonlyMap<string, { terminalId: string; sequence: number }>;
}

export type ChainStop =
  /** The fact at `index` contradicts the stored chain: same sequence, other content. */
  | { readonly kind: 'fork'; readonly index: number; readonly storedHash: string | null }
  /** The fact at `index` does not follow the head: facts are missing before it. */
  | { readonly kind: 'gap'; readonly index: number }
  /**
   * The fact at `index` cannot be stored: it reuses the event id of another stored fact, or it is
   * the terminal's first fact and does not link to the genesis hash.
   */
  | {
      readonly kind: 'refused';
      readonly index: number;
      readonly reason: 'EVENT_ID_REUSED' | 'PREV_HASH_MISMATCH';
    };

export interface ChainClassification {
  /** Facts already stored byte-identically (same hash at the same sequence): acknowledged again. */
  readonly replayed: readonly FactEnvelope[];
  /** Facts that continue the chain, in order: to append and apply. */
  readonly fresh: readonly FactEnvelope[];
  /** Why the walk stopped before the end of the batch, if it did. */
  readonly stop: ChainStop | null;
}

/**
 * Walks the batch in order. A fact at or below the head is a replay when its hash is the stored
 * one and a fork when it is not; the next fact after the head must link to the head's hash (if
 * it does not, the device's history differs from ours before it: a fork too, except for a first
 * fact, which has no history to differ from and is simply malformed); anything further is a gap. The batch was verified to be one consecutive chain, so after the first fresh fact
 * every later one continues it.
 */
export function classifyBatch(facts: readonly FactEnvelope[], stored: StoredChain): ChainClassification {
  const replayed: FactEnvelope[] = [];
  const fresh: FactEnvelope[] = [];
  let head = stored.head;
  const stop = (value: ChainStop): ChainClassification => ({ replayed, fresh, stop: value });
  for (const [index, fact] of facts.entries()) {
    if (fact.sequence <= stored.head.sequence) {
      const storedHash = stored.hashBySequence.get(fact.sequence);
      if (storedHash === fact.hash) {
        replayed.push(fact);
        continue;
      }
      // A missing row below the head cannot come from a restore (that loses the tail); treat it as a
      // gap so that nothing is appended out of order.
      if (storedHash === undefined) return stop({ kind: 'gap', index });
      return stop({ kind: 'fork', index, storedHash });
    }
    if (fact.sequence !== head.sequence + 1) return stop({ kind: 'gap', index });
    if (fact.prevHash !== head.hash) {
      if (head.sequence === 0) return stop({ kind: 'refused', index, reason: 'PREV_HASH_MISMATCH' });
      return stop({ kind: 'fork', index, storedHash: null });
    }
    if (stored.storedEventIds.has(fact.eventId))
      return stop({ kind: 'refused', index, reason: 'EVENT_ID_REUSED' });
    fresh.push(fact);
    head = { sequence: fact.sequence, hash: fact.hash };
  }
  return { replayed, fresh, stop: null };
}
