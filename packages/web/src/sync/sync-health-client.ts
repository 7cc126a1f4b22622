import { type SyncHealthResponse, syncHealthResponseSchema } from '@mostrador/core';
import { callServer, type ServerCallOutcome } from '../activation/activation-client';
import type { ServerAccess } from '../conflicts/conflicts-client';

// GET /api/v1/sync/health: per terminal, what waits to be synced and the terminal's own history
// of connectivity and backlog, which it reports while syncing (offline periods included).

export type SyncHealth = SyncHealthResponse;
export const HEALTH_DAYS = 7;

export function fetchSyncHealth(
  access: ServerAccess,
  storeId: string,
): Promise<ServerCallOutcome<SyncHealth>> {
  const query = new URLSearchParams({ storeId, days: String(HEALTH_DAYS) });
  return callServer(access.serverUrl, `/api/v1/sync/health?${query}`, syncHealthResponseSchema, {
    token: access.token,
    language: access.language,
  });
}
