import { openDatabase } from '../database/database';

/**
 * When the suite runs against a PostgreSQL server, migrate once before the test files start in
 * parallel, so they do not race to create the schema.
 */
export default async function setup(): Promise<void> {
  if (process.env.DATABASE_URL === undefined) return;
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  await database.close();
}
