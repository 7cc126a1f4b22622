import { storeTarget } from '../network/simulated-network';
import type { SimulatedTerminal } from '../terminal/simulated-terminal';
import type { SimulatedWorld } from '../world/world';

const WRITES_BEFORE_CRASH_MAX = 4;
const PARTITION_MS_MIN = 60_000;

/**
 * The world-level faults of one scheduler step, each drawn with its per-mille rate: crashes,
 * partitions, clock skew, backups and restores, revocations and PIN changes during outages, and
 * the late delivery of requests the network held back.
 */
export async function injectWorldFaults(world: SimulatedWorld, step: number): Promise<void> {
  const rates = world.options.profile.world;
  const random = world.decisions;
  const pickTerminal = () => random.pick(world.terminals);

  if (random.chancePerMille(rates.terminalCrashPerMille)) await crashTerminal(world, pickTerminal());
  if (random.chancePerMille(rates.partitionTerminalPerMille)) {
    const terminal = pickTerminal();
    const durationMs = partitionDuration(world);
    world.network.partition(terminal.label, durationMs);
    world.faults.add('partition.terminal');
    world.trace.record(terminal.label, 'fault.partition', `${Math.round(durationMs / 60_000)} min`);
  }
  if (random.chancePerMille(rates.partitionStorePerMille)) {
    const store = random.pick(world.tenant.stores);
    const durationMs = partitionDuration(world);
    world.network.partition(storeTarget(store.index), durationMs);
    world.faults.add('partition.store');
    world.trace.record(`store${store.index}`, 'fault.partition', `${Math.round(durationMs / 60_000)} min`);
  }
  if (random.chancePerMille(rates.clockSkewPerMille)) {
    const terminal = pickTerminal();
    const skewMaxMs = world.options.profile.clockSkewMsMax;
    terminal.skewMs = random.integer(-skewMaxMs, skewMaxMs);
    world.history.skewedTerminals.add(terminal.label);
    world.faults.add('terminal.clock-skew');
    world.trace.record(terminal.label, 'fault.clock-skew', `${Math.round(terminal.skewMs / 60_000)} min`);
  }
  if (random.chancePerMille(rates.backupPerMille)) await takeBackup(world, pickTerminal(), step);
  if (random.chancePerMille(rates.restoreFromBackupPerMille)) await restoreBackup(world, pickTerminal());
  if (random.chancePerMille(rates.revokeWhileOfflinePerMille))
    await revokeWhileOffline(world, pickTerminal());
  if (random.chancePerMille(rates.pinChangeWhileOfflinePerMille)) await changePinWhileOffline(world);
  if (random.chancePerMille(rates.deliverHeldPerMille)) await world.network.deliverHeld(random.integer(1, 3));
}

function partitionDuration(world: SimulatedWorld): number {
  return world.decisions.integer(
    PARTITION_MS_MIN,
    Math.max(PARTITION_MS_MIN, world.options.profile.partitionMsMax),
  );
}

/** Now (between two actions), or armed to strike at one of the next writes, before or after its commit. */
async function crashTerminal(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const random = world.decisions;
  if (!terminal.isRunning || random.chancePerMille(300)) {
    await terminal.crash();
    world.faults.add('terminal.crash.idle');
    world.trace.record(terminal.label, 'fault.crash', 'now');
    return;
  }
  const point = random.chancePerMille(500) ? 'after-commit' : 'before-commit';
  const writes = random.integer(1, WRITES_BEFORE_CRASH_MAX);
  terminal.armCrash(point, writes);
  world.faults.add(`terminal.crash.${point}`);
  world.trace.record(terminal.label, 'fault.crash-armed', `${point} at write ${writes}`);
}

async function takeBackup(world: SimulatedWorld, terminal: SimulatedTerminal, step: number): Promise<void> {
  const backup = await terminal.backup(step).catch(() => undefined);
  if (backup === undefined) return;
  world.history.backups.set(terminal.label, backup);
  world.faults.add('terminal.backup');
  world.trace.record(terminal.label, 'fault.backup', `head ${backup.headSequence}`);
}

/** The till's disk is lost and reinstalled from its last backup: facts after it are gone. */
async function restoreBackup(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const backup = world.history.backups.get(terminal.label);
  if (backup === undefined) return;
  await terminal.restore(backup);
  const heads = new Map<string, number>();
  for (const [key, value] of backup.entries) {
    if (key.startsWith('chain/'))
      heads.set(key.slice('chain/'.length), (value as { sequence: number }).sequence);
  }
  let lost = 0;
  for (const fact of world.ledger.facts()) {
    if (fact.terminalLabel !== terminal.label || fact.lostWithDevice) continue;
    if (fact.envelope.sequence > (heads.get(fact.envelope.terminalId) ?? 0)) {
      fact.lostWithDevice = true;
      lost += 1;
    }
  }
  world.history.restores.push(terminal.label);
  world.faults.add('terminal.restore-from-backup');
  world.trace.record(
    terminal.label,
    'fault.restore',
    `to head ${backup.headSequence}, ${lost} facts lost with the disk`,
  );
}

/** The manager revokes a till that cannot hear about it: it keeps selling until it syncs. */
async function revokeWhileOffline(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const engine = await terminal.running();
  const identity = await engine.identity();
  if (identity === undefined || identity.status !== 'active') return;
  if (
    [...world.history.revocations.values()].some((revocation) => revocation.terminalLabel === terminal.label)
  )
    return;
  world.network.partition(terminal.label, partitionDuration(world));
  await world.backOffice.expectOk(
    world.storeOf(terminal).managerEmail,
    'POST',
    `/api/v1/terminals/${identity.terminalId}/revoke`,
  );
  world.history.revocations.set(identity.terminalId, {
    terminalLabel: terminal.label,
    revokedAtMs: world.clock.epochMs(),
  });
  world.faults.add('terminal.revoked-while-offline');
  world.trace.record(terminal.label, 'fault.revoked-while-offline');
}

/** The admin changes a store's cashier PIN while that store is cut off. */
async function changePinWhileOffline(world: SimulatedWorld): Promise<void> {
  const store = world.decisions.pick(world.tenant.stores);
  if (world.history.pinChanges.has(store.index)) return;
  world.network.partition(storeTarget(store.index), partitionDuration(world));
  const oldPin = world.currentCashierPin(store.index);
  const newPin = String(world.decisions.integer(100_000, 999_999));
  await world.backOffice.expectOk(world.tenant.adminEmail, 'PATCH', `/api/v1/users/${store.cashierUserId}`, {
    pin: newPin,
  });
  world.history.pinChanges.set(store.index, { oldPin, newPin });
  world.faults.add('user.pin-changed-while-offline');
  world.trace.record(`store${store.index}`, 'fault.pin-changed-while-offline');
}
