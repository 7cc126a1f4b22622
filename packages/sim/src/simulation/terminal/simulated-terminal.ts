import {
  type DeviceKeyVault,
  openTerminalEngine,
  storeKeys,
  type TerminalEngine,
  type Transport,
} from '@mostrador/terminal';
import type { FactLedger } from '../ledger/fact-ledger';
import type { SeededRandom } from '../random/seeded-random';
import type { SimulatedClock } from '../time/simulated-clock';
import {
  CrashableStore,
  SimulatedTerminalCrash,
  type TerminalCrashPoint,
  type WriteTamper,
} from './crashable-store';
import { deterministicUuidV7 } from './deterministic-ids';
import type { DeviceStorage, StoreEntries } from './device-storage';

export interface SimulatedTerminalOptions {
  readonly label: string;
  readonly storeIndex: number;
  readonly storage: DeviceStorage;
  readonly keyVault: DeviceKeyVault;
  readonly worldClock: SimulatedClock;
  readonly random: SeededRandom;
  readonly transport: Transport;
  readonly ledger: FactLedger;
  readonly tamper?: WriteTamper;
}

export type TerminalCall<T> = { readonly crashed: true } | { readonly crashed: false; readonly value: T };

/** A backup of the device's disk, and the chain head it had then. */
export interface DeviceBackup {
  readonly entries: StoreEntries;
  readonly terminalId: string;
  readonly headSequence: number;
  readonly takenAtStep: number;
}

const PULL_PAGE_CHANGES_MAX = 5_000;

/**
 * One till: the real terminal engine on a device whose disk (DeviceStorage) survives crashes.
 * The engine process is opened lazily after a crash, the way a cashier turns the till back on.
 * Its clock is the world's plus its own skew.
 */
export class SimulatedTerminal {
  readonly label: string;
  readonly storeIndex: number;
  skewMs = 0;
  crashCount = 0;
  private engine: TerminalEngine | undefined;
  private processStore: CrashableStore | undefined;
  private readonly newId: () => string;

  constructor(private readonly options: SimulatedTerminalOptions) {
    this.label = options.label;
    this.storeIndex = options.storeIndex;
    this.newId = deterministicUuidV7(this.clock, options.random.derive(1));
  }

  readonly clock = (): Date => new Date(this.options.worldClock.epochMs() + this.skewMs);

  get isRunning(): boolean {
    return this.engine !== undefined;
  }

  /** The running engine, started again if the last process died. */
  async running(): Promise<TerminalEngine> {
    if (this.engine !== undefined) return this.engine;
    const store = await this.options.storage.open();
    const processStore = new CrashableStore(
      store,
      (envelopes) => this.options.ledger.committed(this.label, envelopes),
      this.options.tamper,
    );
    const jitter = this.options.random.derive(2);
    const engine = await openTerminalEngine({
      store: processStore,
      keyVault: this.options.keyVault,
      transport: this.options.transport,
      clock: this.clock,
      newId: this.newId,
      random: () => jitter.fraction(),
      pullPageChangesMax: PULL_PAGE_CHANGES_MAX,
    });
    this.processStore = processStore;
    this.engine = engine;
    return engine;
  }

  /** The process will die at its Nth write from now, before or after that write commits. */
  armCrash(point: TerminalCrashPoint, writesBeforeCrash: number): void {
    this.processStore?.armCrash(point, writesBeforeCrash);
  }

  /** Kills the process now (power cut): volatile state is gone, the disk stays. */
  async crash(): Promise<void> {
    this.processStore?.kill();
    this.processStore = undefined;
    this.engine = undefined;
    this.crashCount += 1;
    await this.options.storage.afterCrash();
  }

  /**
   * Runs one engine call on behalf of the cashier. The facts it commits are acknowledged to the
   * cashier only when the call returns and `succeeded` says so; a crash inside it leaves them
   * committed but unacknowledged.
   */
  async call<T>(
    work: (engine: TerminalEngine) => Promise<T>,
    succeeded: (value: T) => boolean,
  ): Promise<TerminalCall<T>> {
    const engine = await this.running();
    this.options.ledger.beginCashierCall(this.label);
    try {
      const value = await work(engine);
      this.options.ledger.endCashierCall(this.label, succeeded(value));
      return { crashed: false, value };
    } catch (error) {
      this.options.ledger.endCashierCall(this.label, false);
      if (!(error instanceof SimulatedTerminalCrash)) throw error;
      await this.crash();
      return { crashed: true };
    }
  }

  async backup(step: number): Promise<DeviceBackup | undefined> {
    const engine = await this.running();
    const identity = await engine.identity();
    if (identity === undefined) return undefined;
    const entries = await this.options.storage.backup();
    const head = entries.find(([key]) => key === storeKeys.chainHead(identity.terminalId))?.[1] as
      | { sequence?: number }
      | undefined;
    return { entries, terminalId: identity.terminalId, headSequence: head?.sequence ?? 0, takenAtStep: step };
  }

  /** The device's disk is replaced by the backup (a reinstalled till); the process restarts. */
  async restore(backup: DeviceBackup): Promise<void> {
    await this.crash();
    this.crashCount -= 1;
    await this.options.storage.restore(backup.entries);
  }

  async dispose(): Promise<void> {
    await this.engine?.close().catch(() => undefined);
    this.engine = undefined;
    await this.options.storage.dispose();
  }
}
