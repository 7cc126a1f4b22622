import { readServerTerminal } from '../state/state-reader';
import type { ReadTransaction } from '../storage/terminal-store';
import { readValue, storeKeys } from '../store-layout';

/** Settings that belong to this till, not to the server's state. */
export type TerminalSettings = {
  /** Acknowledged facts (and their local history) are kept this long for reprints and refunds. */
  readonly acknowledgedRetentionDays: number;
  /**
   * A manager at the till planned an outage (a fair, a known cut): no network attempts at all, and
   * offline rules apply. Cleared at the till.
   */
  readonly plannedOffline: boolean;
};

export const TERMINAL_SETTINGS_DEFAULT: TerminalSettings = {
  acknowledgedRetentionDays: 90,
  plannedOffline: false,
};
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3_650;

export async function readTerminalSettings(transaction: ReadTransaction): Promise<TerminalSettings> {
  return {
    ...TERMINAL_SETTINGS_DEFAULT,
    ...(await readValue<Partial<TerminalSettings>>(transaction, storeKeys.settings)),
  };
}

/**
 * Planned offline from the till itself or from the back office (the terminal row in the feed).
 * Both make sales follow offline rules. Only the till's own plan stops network attempts: a plan
 * made in the back office is cleared there, and the till must keep pulling to learn that.
 */
export async function readPlannedOffline(
  transaction: ReadTransaction,
  terminalId: string | undefined,
): Promise<{ readonly atTill: boolean; readonly fromServer: boolean; readonly any: boolean }> {
  const [settings, serverTerminal] = await Promise.all([
    readTerminalSettings(transaction),
    terminalId === undefined ? undefined : readServerTerminal(transaction, terminalId),
  ]);
  const atTill = settings.plannedOffline;
  const fromServer = serverTerminal?.plannedOffline === true;
  return { atTill, fromServer, any: atTill || fromServer };
}
