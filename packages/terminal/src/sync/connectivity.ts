import type { ReadTransaction, TerminalStore } from '../storage/terminal-store';
import { readValue, storeKeys, writeValue } from '../store-layout';

/**
 * Whether the server is reachable, learnt only from what requests do (a sync request or the
 * health ping), never from a button: the cashier's flow is the same either way. The record is
 * durable so that offline time keeps adding up across restarts, and it is written only when the
 * state changes.
 */
export type ConnectivityState = 'online' | 'offline';

export type ConnectivityRecord = {
  readonly state: ConnectivityState;
  readonly since: string;
  /** Offline time accumulated before `since` (the current offline stretch is added when read). */
  readonly offlineMsBefore: number;
};

export function initialConnectivity(now: Date): ConnectivityRecord {
  // Until a request succeeds the terminal cannot claim the server is there.
  return { state: 'offline', since: now.toISOString(), offlineMsBefore: 0 };
}

/** The pure transition: a reachable server makes it online, an unreachable one offline. */
export function nextConnectivity(
  record: ConnectivityRecord,
  reachedServer: boolean,
  now: Date,
): ConnectivityRecord {
  const state: ConnectivityState = reachedServer ? 'online' : 'offline';
  if (state === record.state) return record;
  const stretchMs = Math.max(0, now.getTime() - Date.parse(record.since));
  return {
    state,
    since: now.toISOString(),
    offlineMsBefore: record.offlineMsBefore + (record.state === 'offline' ? stretchMs : 0),
  };
}

export function offlineMsTotal(record: ConnectivityRecord, now: Date): number {
  const current = record.state === 'offline' ? Math.max(0, now.getTime() - Date.parse(record.since)) : 0;
  return record.offlineMsBefore + current;
}

export async function readConnectivity(transaction: ReadTransaction, now: Date): Promise<ConnectivityRecord> {
  return (
    (await readValue<ConnectivityRecord>(transaction, storeKeys.connectivity)) ?? initialConnectivity(now)
  );
}

export async function observeConnectivity(
  store: TerminalStore,
  reachedServer: boolean,
  now: Date,
): Promise<ConnectivityRecord> {
  const current = await store.read((transaction) => readConnectivity(transaction, now));
  const next = nextConnectivity(current, reachedServer, now);
  if (next === current) return current;
  await store.write(async (transaction) => {
    const latest = await readConnectivity(transaction, now);
    await writeValue(transaction, storeKeys.connectivity, nextConnectivity(latest, reachedServer, now));
  });
  return next;
}
