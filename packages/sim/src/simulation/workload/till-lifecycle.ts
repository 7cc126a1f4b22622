import { type CurrencyCode, money } from '@mostrador/core';
import type { SimulatedTerminal } from '../terminal/simulated-terminal';
import { SIMULATION_PASSWORD } from '../world/back-office';
import { MANAGER_PIN } from '../world/tenant-setup';
import type { SimulatedWorld } from '../world/world';

export const OPENING_FLOAT_MINOR = 50_000;

/**
 * Activates the till (again, after a fork made the server ask for it), loads its data and signs
 * the cashier in. Returns false when the network did not let it happen this time.
 */
export async function activateTill(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<boolean> {
  const store = world.storeOf(terminal);
  const call = await terminal.call(
    (engine) =>
      engine.activate({
        serverUrl: 'http://mostrador.sim.invalid',
        tenant: world.tenant.slug,
        email: store.managerEmail,
        password: SIMULATION_PASSWORD,
        storeId: store.id,
        name: `Caja ${terminal.label}`,
      }),
    (outcome) => outcome.ok,
  );
  if (call.crashed) {
    world.trace.record(terminal.label, 'activate', 'crashed');
    return false;
  }
  world.trace.record(terminal.label, 'activate', call.value.ok ? 'ok' : call.value.code);
  if (!call.value.ok) return false;
  await signInCashier(world, terminal);
  return true;
}

/** The cashier types the PIN they were told last; a till that has not heard of a change takes the old one. */
export async function signInCashier(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<boolean> {
  const change = world.history.pinChanges.get(terminal.storeIndex);
  const pins =
    change === undefined ? [world.currentCashierPin(terminal.storeIndex)] : [change.newPin, change.oldPin];
  const loggedOut = await terminal.call(
    (engine) => engine.logout(),
    () => true,
  );
  if (loggedOut.crashed) {
    world.trace.record(terminal.label, 'logout', 'crashed');
    return false;
  }
  for (const [attempt, pin] of pins.entries()) {
    const call = await terminal.call(
      (engine) => engine.login({ pin }),
      (result) => result.ok,
    );
    if (call.crashed) {
      world.trace.record(terminal.label, 'login', 'crashed');
      return false;
    }
    if (call.value.ok) {
      world.trace.record(terminal.label, 'login', attempt === 0 ? 'ok' : 'ok with the old PIN');
      return true;
    }
    world.trace.record(terminal.label, 'login', `refused ${call.value.code}`);
  }
  return false;
}

export async function openShift(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const currency = world.storeOf(terminal).currency as CurrencyCode;
  const call = await terminal.call(
    (engine) =>
      engine.openShift({
        openingFloat: money(OPENING_FLOAT_MINOR, currency),
        approval: { pin: MANAGER_PIN },
      }),
    (outcome) => outcome.ok,
  );
  world.trace.record(
    terminal.label,
    'shift.open',
    call.crashed ? 'crashed' : call.value.ok ? 'ok' : call.value.code,
  );
}
