import { terminalStatusSchema } from '@mostrador/core';
import { z } from 'zod';
import type { ReadTransaction, WriteTransaction } from '../storage/terminal-store';
import { storeKeys, writeValue } from '../store-layout';

/**
 * Who this terminal is, as activation left it. It lives in the durable store next to the facts
 * it signs, never in volatile memory: a terminal that forgot its id or credential after a crash
 * would start a second chain and its unsynced sales would have no one to push them.
 */
export const terminalIdentitySchema = z.object({
  terminalId: z.uuid(),
  tenantId: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  deviceCredential: z.string(),
  publicKeyHex: z.string().regex(/^[0-9a-f]{64}$/),
  serverUrl: z.string(),
  activatedAt: z.string(),
  status: terminalStatusSchema,
});
export type TerminalIdentity = z.infer<typeof terminalIdentitySchema>;

export async function readIdentity(transaction: ReadTransaction): Promise<TerminalIdentity | undefined> {
  const stored = await transaction.get(storeKeys.identity);
  return stored === undefined ? undefined : terminalIdentitySchema.parse(stored);
}

export async function writeIdentity(
  transaction: WriteTransaction,
  identity: TerminalIdentity,
): Promise<void> {
  await writeValue(transaction, storeKeys.identity, terminalIdentitySchema.parse(identity));
}

export async function setIdentityStatus(
  transaction: WriteTransaction,
  status: TerminalIdentity['status'],
): Promise<void> {
  const identity = await readIdentity(transaction);
  if (identity === undefined || identity.status === status) return;
  // A terminal that the server has told to re-activate does not become merely "revoked" again.
  if (identity.status === 'reactivation_required' && status === 'revoked') return;
  await writeIdentity(transaction, { ...identity, status });
}
