import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens are opaque: `<tenantId>.<tokenId>.<secret>`. The tenant and id let the server
 * find the row under row-level security; only a SHA-256 of the secret is stored, so a leaked
 * database does not yield usable tokens.
 */
export interface RefreshTokenParts {
  readonly tenantId: string;
  readonly tokenId: string;
  readonly secret: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REFRESH_TOKEN_PATTERN = new RegExp(`^(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatRefreshToken(parts: RefreshTokenParts): string {
  return `${parts.tenantId}.${parts.tokenId}.${parts.secret}`;
}

export function parseRefreshToken(token: string): RefreshTokenParts | undefined {
  const match = REFRESH_TOKEN_PATTERN.exec(token);
  if (match === null) return undefined;
  return { tenantId: match[1]!, tokenId: match[2]!, secret: match[3]! };
}

export function hashRefreshSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function refreshSecretMatches(secret: string, storedHash: string): boolean {
  const candidate = Buffer.from(hashRefreshSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}
