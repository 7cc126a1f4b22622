import type { Permission, Principal } from '@mostrador/core';
import { roleHasPermission, roleSpansAllStores } from '@mostrador/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-token';
import type { TenantScope } from '../database/tenant-transaction';
import type { DevicePrincipal } from '../terminals/device-authentication';
import { ApiError } from './api-error';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs; every route names one or says it is public. */
    permission?: Permission;
    public?: boolean;
    /** The caller is a terminal: `Authorization: Device <credential>` (sync endpoints). */
    device?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    device: DevicePrincipal | null;
  }
}

/**
 * Fails closed: a route that names neither a permission nor `public: true` refuses to register,
 * so no endpoint can ship without a decision about who may call it.
 */
export function installAuthorization(
  app: FastifyInstance,
  accessTokens: AccessTokens,
  authenticateDevice: (header: string | undefined) => Promise<DevicePrincipal>,
  clock: () => Date,
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('device', null);
  app.addHook('onRoute', (route) => {
    const config = route.config as
      | { permission?: Permission; public?: boolean; device?: boolean }
      | undefined;
    if (config?.public !== true && config?.permission === undefined && config?.device !== true) {
      if (route.url.startsWith('/docs')) {
        route.config = { ...config, public: true };
        return;
      }
      throw new Error(`Route ${route.method} ${route.url} names no permission and is not public`);
    }
  });
  // onRequest runs before the body is read or validated: an anonymous caller learns nothing.
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    if (config.device === true) {
      request.device = await authenticateDevice(request.headers.authorization);
      return;
    }
    const principal = await authenticate(request, accessTokens, clock());
    if (config.permission !== undefined && !roleHasPermission(principal.role, config.permission)) {
      throw new ApiError('FORBIDDEN', 403, { permission: config.permission });
    }
    request.principal = principal;
  });
}

async function authenticate(
  request: FastifyRequest,
  accessTokens: AccessTokens,
  now: Date,
): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined) throw new ApiError('UNAUTHENTICATED', 401);
  const match = /^Bearer ([A-Za-z0-9\-_.]{10,4096})$/.exec(header);
  const principal = match?.[1] === undefined ? undefined : await accessTokens.verify(match[1], now);
  if (principal === undefined) throw new ApiError('TOKEN_INVALID', 401);
  return principal;
}

export function deviceOf(request: FastifyRequest): DevicePrincipal {
  if (request.device === null) throw new Error('deviceOf called on a route without device authentication');
  return request.device;
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error('principalOf called on a public route');
  return request.principal;
}

export function scopeOf(request: FastifyRequest): TenantScope {
  const principal = principalOf(request);
  return { tenantId: principal.tenantId, userId: principal.userId };
}

export function assertStoreAccess(principal: Principal, storeId: string): void {
  if (!roleSpansAllStores(principal.role) && !principal.storeIds.includes(storeId)) {
    throw new ApiError('STORE_NOT_ASSIGNED', 403, { storeId });
  }
}
