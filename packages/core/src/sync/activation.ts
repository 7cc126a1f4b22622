import { z } from 'zod';

/**
 * A manager (bearer token with terminals.manage) registers a device for one of their stores. The
 * device made an Ed25519 key pair whose private half never leaves it; the server keeps the public
 * half and returns the terminal id and a device secret for the sync endpoints.
 */
export const activateTerminalRequestSchema = z.strictObject({
  storeId: z.uuid(),
  name: z.string().trim().min(1).max(100),
  publicKeyHex: z.string().regex(/^[0-9a-f]{64}$/, 'Ed25519 public key, 32 bytes as hex'),
});

export const activateTerminalResponseSchema = z.object({
  terminalId: z.uuid(),
  tenantId: z.uuid(),
  storeId: z.uuid(),
  /** Send as `Authorization: Device <deviceCredential>` on every sync request. Shown once. */
  deviceCredential: z.string(),
  serverTime: z.string(),
});

export type ActivateTerminalRequest = z.infer<typeof activateTerminalRequestSchema>;
export type ActivateTerminalResponse = z.infer<typeof activateTerminalResponseSchema>;

export const terminalStatusSchema = z.enum(['active', 'revoked', 'reactivation_required']);
export type TerminalStatus = z.infer<typeof terminalStatusSchema>;
