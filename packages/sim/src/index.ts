// The public surface of @mostrador/sim: the fault-injection simulator (docs/reliability.md).
export { FAULT_PROFILES, type FaultProfile, faultProfile } from './simulation/faults/fault-profile';
export { describeFailure, runSeed, type SeedRunOptions, type SeedRunResult } from './simulation/run/run-seed';
export { SIMULATION_DEFAULTS } from './simulation/run/simulation-defaults';
export {
  runSimulation,
  type SimulationOptions,
  type SimulationSummary,
} from './simulation/run/simulation-runner';
