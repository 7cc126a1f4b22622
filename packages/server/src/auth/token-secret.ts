import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../database/database-schema';

const SETTING_KEY = 'jwt_secret';

/**
 * The signing secret every instance shares: JWT_SECRET when the operator sets one, otherwise one
 * generated on first start and kept in the database (the first instance to write it wins).
 */
export async function loadTokenSecret(
  system: Kysely<DatabaseSchema>,
  configured: string | undefined,
): Promise<Uint8Array> {
  if (configured !== undefined) return new TextEncoder().encode(configured);
  await system
    .insertInto('server_settings')
    .values({ key: SETTING_KEY, value: randomBytes(48).toString('base64url') })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await system
    .selectFrom('server_settings')
    .select('value')
    .where('key', '=', SETTING_KEY)
    .executeTakeFirstOrThrow();
  return new TextEncoder().encode(row.value);
}
