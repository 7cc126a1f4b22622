import { type Principal, principalSchema } from '@mostrador/core';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Short-lived signed access tokens (HS256). The secret is shared by every server instance
 * through the database (or JWT_SECRET), so any instance can verify any token.
 */
export interface AccessTokens {
  issue(principal: Principal, now: Date): Promise<string>;
  verify(token: string, now: Date): Promise<Principal | undefined>;
  readonly lifetimeSeconds: number;
}

const ISSUER = 'mostrador';
const AUDIENCE = 'mostrador-api';

export function createAccessTokens(secret: Uint8Array, lifetimeSeconds: number): AccessTokens {
  return {
    lifetimeSeconds,
    async issue(principal, now) {
      const issuedAtSeconds = Math.floor(now.getTime() / 1000);
      return new SignJWT({ tid: principal.tenantId, role: principal.role, stores: principal.storeIds })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(issuedAtSeconds + lifetimeSeconds)
        .sign(secret);
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          currentDate: now,
        });
        const parsed = principalSchema.safeParse({
          tenantId: payload.tid,
          userId: payload.sub,
          role: payload.role,
          storeIds: payload.stores,
        });
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
