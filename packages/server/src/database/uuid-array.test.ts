import { sql } from 'kysely';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database';
import { uuidArray } from './uuid-array';

describe('uuidArray', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  });
  afterAll(async () => database.close());

  it('reaches PostgreSQL as the same ids, in order, typed uuid[]', async () => {
    const ids = [uuidv7(), uuidv4(), uuidv7()];
    const result = await sql<{ id: string; type: string }>`
      SELECT id::text AS id, pg_typeof(${uuidArray(ids)})::text AS type FROM unnest(${uuidArray(ids)}) WITH ORDINALITY AS a(id, n) ORDER BY n
    `.execute(database.system);
    expect(result.rows.map((row) => row.id)).toEqual(ids);
    expect(new Set(result.rows.map((row) => row.type))).toEqual(new Set(['uuid[]']));
  });

  it('matches with = ANY and is empty for no ids', async () => {
    const id = uuidv7();
    const matched = await sql<{ hit: boolean; none: boolean }>`
      SELECT ${id}::uuid = ANY(${uuidArray([uuidv7(), id])}) AS hit, ${id}::uuid = ANY(${uuidArray([])}) AS none
    `.execute(database.system);
    expect(matched.rows[0]).toEqual({ hit: true, none: false });
  });

  it('refuses anything that is not a UUID, so the literal cannot be broken open', () => {
    for (const bad of ['x', `${uuidv7()},${uuidv7()}`, `${uuidv7().slice(0, 35)}"`, `{${uuidv7()}}`, '']) {
      expect(() => uuidArray([uuidv7(), bad])).toThrow('UUIDs only');
    }
  });
});
