import { parseDeviceCredential, type TerminalStatus } from '@mostrador/core';
import type { Kysely } from 'kysely';
import { hashRefreshSecret, refreshSecretMatches } from '../auth/refresh-token';
import type { DatabaseSchema } from '../database/database-schema';
import { withTenant } from '../database/tenant-transaction';
import { ApiError } from '../http/api-error';

/** A terminal proven by its device credential. A revoked terminal still authenticates: its facts are kept. */
export interface DevicePrincipal {
  readonly tenantId: string;
  readonly terminalId: string;
  readonly storeId: string;
  readonly status: TerminalStatus;
  readonly publicKeyHex: string;
}

export const hashDeviceSecret = hashRefreshSecret;

export function createDeviceAuthenticator(app: Kysely<DatabaseSchema>) {
  return async function authenticateDevice(header: string | undefined): Promise<DevicePrincipal> {
    if (header === undefined) throw new ApiError('UNAUTHENTICATED', 401);
    const match = /^Device (\S{1,200})$/.exec(header);
    const credential = match?.[1] === undefined ? undefined : parseDeviceCredential(match[1]);
    if (credential === undefined) throw new ApiError('TOKEN_INVALID', 401);
    const terminal = await withTenant(
      app,
      { tenantId: credential.tenantId, userId: null },
      ({ transaction }) =>
        transaction
          .selectFrom('terminals')
          .select(['id', 'store_id', 'status', 'public_key', 'device_secret_hash'])
          .where('id', '=', credential.terminalId)
          .executeTakeFirst(),
    );
    if (
      terminal === undefined ||
      terminal.public_key === null ||
      terminal.device_secret_hash === '' ||
      !refreshSecretMatches(credential.secret, terminal.device_secret_hash)
    ) {
      throw new ApiError('TOKEN_INVALID', 401);
    }
    return {
      tenantId: credential.tenantId,
      terminalId: terminal.id,
      storeId: terminal.store_id,
      status: terminal.status,
      publicKeyHex: terminal.public_key,
    };
  };
}
