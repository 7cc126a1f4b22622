import { FAULT_PROFILES } from '../faults/fault-profile';

/** The world a seed builds unless told otherwise: 2 stores × 2 tills, 2 server instances, 120 steps. */
export const SIMULATION_DEFAULTS = {
  storeCount: 2,
  terminalsPerStore: 2,
  serverInstanceCount: 2,
  steps: 120,
  itemCount: 12,
  hotItemCount: 2,
  profile: FAULT_PROFILES.chaos,
} as const;
