import type { Database } from '@mostrador/server';
import { memoryDeviceKeyVault } from '@mostrador/terminal';
import type { KyselyPlugin } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { Tally } from '../faults/fault-counters';
import type { FaultProfile } from '../faults/fault-profile';
import { FactLedger } from '../ledger/fact-ledger';
import { SimulatedNetwork } from '../network/simulated-network';
import { SeededRandom } from '../random/seeded-random';
import { ServerCluster } from '../server/server-cluster';
import type { WriteTamper } from '../terminal/crashable-store';
import { type DeviceStorage, memoryDeviceStorage } from '../terminal/device-storage';
import { type DeviceBackup, SimulatedTerminal } from '../terminal/simulated-terminal';
import { SIMULATION_EPOCH_MS, SimulatedClock } from '../time/simulated-clock';
import { RunTrace } from '../trace/run-trace';
import { BackOffice } from './back-office';
import { CASHIER_PIN, type SimulatedTenant, setUpTenant } from './tenant-setup';

export interface WorldOptions {
  readonly seed: number;
  readonly storeCount: number;
  readonly terminalsPerStore: number;
  readonly serverInstanceCount: number;
  readonly itemCount: number;
  readonly hotItemCount: number;
  readonly profile: FaultProfile;
  /** Where each till keeps its data: memory by default, the Node file store for the durable leg. */
  readonly deviceStorage?: (label: string) => DeviceStorage;
  /** Kysely plugins on every server instance's connection (planted server bugs, tests only). */
  readonly serverPlugins?: readonly KyselyPlugin[];
  /** A planted bug for a terminal's store (tests only). */
  readonly terminalTamper?: (label: string) => WriteTamper | undefined;
  /** How many trace entries a failure report shows (default 60). */
  readonly traceTailEntries?: number;
}

/** What the run remembers about faults it injected, for the checks afterwards. */
export interface WorldHistory {
  readonly revocations: Map<string, { terminalLabel: string; revokedAtMs: number }>;
  readonly pinChanges: Map<number, { oldPin: string; newPin: string }>;
  readonly backups: Map<string, DeviceBackup>;
  readonly restores: string[];
  readonly skewedTerminals: Set<string>;
}

/**
 * One seed's world: a fresh tenant on the shared database, N server instances, the network
 * between them and S × T tills, the simulated clock, the fact ledger and the trace.
 */
interface WorldParts {
  readonly database: Database;
  readonly clock: SimulatedClock;
  readonly trace: RunTrace;
  readonly faults: Tally;
  readonly cluster: ServerCluster;
  readonly network: SimulatedNetwork;
  readonly tenant: SimulatedTenant;
  readonly backOffice: BackOffice;
}

export class SimulatedWorld {
  readonly ledger = new FactLedger();
  readonly history: WorldHistory = {
    revocations: new Map(),
    pinChanges: new Map(),
    backups: new Map(),
    restores: [],
    skewedTerminals: new Set(),
  };
  readonly terminals: SimulatedTerminal[] = [];
  readonly database: Database;
  readonly clock: SimulatedClock;
  readonly trace: RunTrace;
  readonly faults: Tally;
  readonly cluster: ServerCluster;
  readonly network: SimulatedNetwork;
  readonly tenant: SimulatedTenant;
  readonly backOffice: BackOffice;
  /** The stream the scheduler draws what happens next from. */
  readonly decisions: SeededRandom;

  private constructor(
    readonly options: WorldOptions,
    parts: WorldParts,
    root: SeededRandom,
  ) {
    this.database = parts.database;
    this.clock = parts.clock;
    this.trace = parts.trace;
    this.faults = parts.faults;
    this.cluster = parts.cluster;
    this.network = parts.network;
    this.tenant = parts.tenant;
    this.backOffice = parts.backOffice;
    this.decisions = root.derive(10);
  }

  static async create(database: Database, options: WorldOptions): Promise<SimulatedWorld> {
    const root = new SeededRandom(options.seed);
    const clock = new SimulatedClock(SIMULATION_EPOCH_MS);
    const cluster = await ServerCluster.start({
      database,
      clock: () => clock.now(),
      instanceCount: options.serverInstanceCount,
      plugins: options.serverPlugins ?? [],
    });
    const setup = await setUpTenant(
      database,
      root.derive(3),
      { storeCount: options.storeCount, itemCount: options.itemCount, hotItemCount: options.hotItemCount },
      (slug) => new BackOffice(cluster, clock, slug),
      uuidv7(),
    );
    const trace = new RunTrace(clock, options.traceTailEntries);
    const faults = new Tally();
    const network = new SimulatedNetwork(
      cluster,
      root.derive(4),
      options.profile.network,
      clock,
      trace,
      faults,
    );
    const world = new SimulatedWorld(
      options,
      {
        database,
        clock,
        trace,
        faults,
        cluster,
        network,
        tenant: setup.tenant,
        backOffice: setup.backOffice,
      },
      root,
    );
    for (const store of setup.tenant.stores) {
      for (let index = 0; index < options.terminalsPerStore; index += 1) {
        const label = `s${store.index}t${index}`;
        const tamper = options.terminalTamper?.(label);
        world.terminals.push(
          new SimulatedTerminal({
            label,
            storeIndex: store.index,
            storage: options.deviceStorage?.(label) ?? memoryDeviceStorage(),
            keyVault: memoryDeviceKeyVault(),
            worldClock: clock,
            random: root.derive(100 + world.terminals.length),
            transport: network.transportFor({ label, storeIndex: store.index }),
            ledger: world.ledger,
            ...(tamper === undefined ? {} : { tamper }),
          }),
        );
      }
    }
    return world;
  }

  currentCashierPin(storeIndex: number): string {
    return this.history.pinChanges.get(storeIndex)?.newPin ?? CASHIER_PIN;
  }

  storeOf(terminal: SimulatedTerminal) {
    return this.tenant.stores[terminal.storeIndex]!;
  }

  async dispose(): Promise<void> {
    for (const terminal of this.terminals) await terminal.dispose();
    await this.cluster.close();
  }
}
