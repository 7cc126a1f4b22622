/**
 * Named fault rates, with their units in the names (TigerBeetle's VOPR habit). Network rates are
 * per request, terminal and world rates per scheduler step, all in per-mille.
 */
export interface NetworkFaultRates {
  readonly dropRequestPerMille: number;
  readonly dropAnswerPerMille: number;
  readonly duplicatePerMille: number;
  /** Hold a copy of the request and deliver it later, after newer ones. */
  readonly delayPerMille: number;
  /** Send a tampered copy of a push beside the real one. */
  readonly forgePerMille: number;
  /** The instance that takes a push dies in the middle of its transaction. */
  readonly serverCrashPerMille: number;
}

export interface WorldFaultRates {
  readonly terminalCrashPerMille: number;
  readonly partitionTerminalPerMille: number;
  readonly partitionStorePerMille: number;
  readonly clockSkewPerMille: number;
  readonly backupPerMille: number;
  readonly restoreFromBackupPerMille: number;
  readonly revokeWhileOfflinePerMille: number;
  readonly pinChangeWhileOfflinePerMille: number;
  readonly deliverHeldPerMille: number;
}

export interface FaultProfile {
  readonly name: string;
  readonly network: NetworkFaultRates;
  readonly world: WorldFaultRates;
  /** Longest partition, in simulated milliseconds. */
  readonly partitionMsMax: number;
  /** Largest clock skew of a terminal, either way, in milliseconds. */
  readonly clockSkewMsMax: number;
}

const NO_NETWORK_FAULTS: NetworkFaultRates = {
  dropRequestPerMille: 0,
  dropAnswerPerMille: 0,
  duplicatePerMille: 0,
  delayPerMille: 0,
  forgePerMille: 0,
  serverCrashPerMille: 0,
};

const NO_WORLD_FAULTS: WorldFaultRates = {
  terminalCrashPerMille: 0,
  partitionTerminalPerMille: 0,
  partitionStorePerMille: 0,
  clockSkewPerMille: 0,
  backupPerMille: 0,
  restoreFromBackupPerMille: 0,
  revokeWhileOfflinePerMille: 0,
  pinChangeWhileOfflinePerMille: 0,
  deliverHeldPerMille: 0,
};

const HOUR_MS = 3_600_000;

export const FAULT_PROFILES = {
  /** No faults: the baseline every invariant must hold on. */
  calm: {
    name: 'calm',
    network: NO_NETWORK_FAULTS,
    world: NO_WORLD_FAULTS,
    partitionMsMax: 0,
    clockSkewMsMax: 0,
  },
  /** A bad network and crashing tills, but no forks, skew or revocations. */
  network: {
    name: 'network',
    network: {
      dropRequestPerMille: 120,
      dropAnswerPerMille: 120,
      duplicatePerMille: 80,
      delayPerMille: 60,
      forgePerMille: 20,
      serverCrashPerMille: 50,
    },
    world: {
      ...NO_WORLD_FAULTS,
      terminalCrashPerMille: 40,
      partitionTerminalPerMille: 25,
      partitionStorePerMille: 10,
      deliverHeldPerMille: 120,
    },
    partitionMsMax: 6 * HOUR_MS,
    clockSkewMsMax: 0,
  },
  /** Everything issue 5 names, at rates that make every kind happen in most runs. */
  chaos: {
    name: 'chaos',
    network: {
      dropRequestPerMille: 120,
      dropAnswerPerMille: 120,
      duplicatePerMille: 80,
      delayPerMille: 60,
      forgePerMille: 20,
      serverCrashPerMille: 50,
    },
    world: {
      terminalCrashPerMille: 40,
      partitionTerminalPerMille: 25,
      partitionStorePerMille: 10,
      clockSkewPerMille: 10,
      backupPerMille: 15,
      restoreFromBackupPerMille: 6,
      revokeWhileOfflinePerMille: 4,
      pinChangeWhileOfflinePerMille: 6,
      deliverHeldPerMille: 120,
    },
    partitionMsMax: 6 * HOUR_MS,
    clockSkewMsMax: 5 * HOUR_MS,
  },
} as const satisfies Record<string, FaultProfile>;

export type FaultProfileName = keyof typeof FAULT_PROFILES;

export function faultProfile(name: string): FaultProfile {
  if (!(name in FAULT_PROFILES)) {
    throw new Error(`unknown fault profile "${name}"; known: ${Object.keys(FAULT_PROFILES).join(', ')}`);
  }
  return FAULT_PROFILES[name as FaultProfileName];
}
