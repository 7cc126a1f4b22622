import type { FactEnvelope } from '@mostrador/core';
import {
  type JsonValue,
  type ReadTransaction,
  storeKeys,
  type TerminalStore,
  type WriteTransaction,
} from '@mostrador/terminal';

/** The terminal process died: thrown into the engine call that was running. */
export class SimulatedTerminalCrash extends Error {
  override readonly name = 'SimulatedTerminalCrash';
}

export type TerminalCrashPoint = 'before-commit' | 'after-commit';

/**
 * Something a planted bug does to a write transaction (tests only). It runs inside the
 * transaction, after the engine's own work.
 */
export type WriteTamper = (transaction: WriteTransaction, putKeys: readonly string[]) => Promise<void>;

/**
 * The engine's view of the durable store for one process lifetime. It can "kill the process" at
 * a chosen write: before the commit (the transaction's work ran, nothing is applied) or after it
 * (durable, but the engine call never returns to the cashier). Once dead, every call fails, as a
 * dead process does nothing more. It also reports each committed fact record to the ledger.
 */
export class CrashableStore implements TerminalStore {
  private dead = false;
  private crashPlan: { point: TerminalCrashPoint; writesLeft: number } | undefined;

  constructor(
    private readonly inner: TerminalStore,
    private readonly onCommittedFacts: (envelopes: FactEnvelope[]) => void,
    private readonly tamper?: WriteTamper,
  ) {}

  armCrash(point: TerminalCrashPoint, writesBeforeCrash: number): void {
    this.crashPlan = { point, writesLeft: writesBeforeCrash };
  }

  kill(): void {
    this.dead = true;
  }

  get isDead(): boolean {
    return this.dead;
  }

  read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T> {
    this.assertAlive();
    return this.inner.read(work);
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    this.assertAlive();
    const crashHere = this.takeCrash();
    const committedFacts: FactEnvelope[] = [];
    const result = await this.inner.write(async (transaction) => {
      const putKeys: string[] = [];
      const observed = observeFactPuts(transaction, committedFacts, putKeys);
      const value = await work(observed);
      if (this.tamper !== undefined) await this.tamper(transaction, putKeys);
      if (crashHere === 'before-commit') {
        this.dead = true;
        throw new SimulatedTerminalCrash('the terminal died before the transaction committed');
      }
      return value;
    });
    if (committedFacts.length > 0) this.onCommittedFacts(committedFacts);
    if (crashHere === 'after-commit') {
      this.dead = true;
      throw new SimulatedTerminalCrash('the terminal died after the commit, before answering');
    }
    return result;
  }

  usage() {
    this.assertAlive();
    return this.inner.usage();
  }

  async close(): Promise<void> {
    // The durable store belongs to the simulated device, not to one engine lifetime.
  }

  private takeCrash(): TerminalCrashPoint | undefined {
    const plan = this.crashPlan;
    if (plan === undefined) return undefined;
    plan.writesLeft -= 1;
    if (plan.writesLeft > 0) return undefined;
    this.crashPlan = undefined;
    return plan.point;
  }

  private assertAlive(): void {
    if (this.dead) throw new SimulatedTerminalCrash('the terminal process is dead');
  }
}

/** `fact/` : the first segment of every fact record's key in the store layout. */
const FACT_KEY_PREFIX = `${storeKeys.fact('terminal', 1).split('/')[0]}/`;

function observeFactPuts(
  transaction: WriteTransaction,
  committedFacts: FactEnvelope[],
  putKeys: string[],
): WriteTransaction {
  return {
    get: (key) => transaction.get(key),
    has: (key) => transaction.has(key),
    scan: (options) => transaction.scan(options),
    count: (prefix) => transaction.count(prefix),
    delete: (key) => transaction.delete(key),
    put: async (key: string, value: JsonValue) => {
      putKeys.push(key);
      if (key.startsWith(FACT_KEY_PREFIX) && isStoredFact(value)) {
        committedFacts.push(value.envelope as unknown as FactEnvelope);
      }
      await transaction.put(key, value);
    },
  };
}

function isStoredFact(value: JsonValue): value is { envelope: JsonValue } & Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'envelope' in value;
}
