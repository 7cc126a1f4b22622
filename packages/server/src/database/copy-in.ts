import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Bulk loading with COPY … FROM STDIN: the fastest way PostgreSQL takes rows, used where many rows
 * arrive with no logic to run on them (the benchmarks' floor today; bulk imports later). Rows are
 * plain objects; each table's rows go in one COPY in PostgreSQL's text format, all tables in one
 * transaction, as the application role (row-level security applies).
 */
export interface CopyInTable {
  /** A table name as written in SQL (it is quoted). */
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export type CopyIn = (tables: readonly CopyInTable[]) => Promise<void>;

export function copyInPostgres(pool: pg.Pool): CopyIn {
  return async (tables) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const table of tables) {
        if (table.rows.length === 0) continue;
        const stream = client.query(copyFrom(copyStatement(table, 'STDIN')));
        await pipeline(Readable.from([copyText(table)]), stream);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}

/** PGlite reads COPY data from its /dev/blob device; the Kysely connection is held meanwhile. */
export function copyInPglite(pglite: PGlite, kysely: Kysely<unknown>): CopyIn {
  return (tables) =>
    kysely.connection().execute(() =>
      pglite.transaction(async (transaction) => {
        for (const table of tables) {
          if (table.rows.length === 0) continue;
          await transaction.query(copyStatement(table, "'/dev/blob'"), [], {
            blob: new Blob([copyText(table)]),
          });
        }
      }),
    );
}

/** `source` is the client's stream (STDIN) or, on PGlite, its blob device. */
function copyStatement(table: CopyInTable, source: 'STDIN' | "'/dev/blob'"): string {
  const columns = table.columns.map(quoteIdentifier).join(', ');
  return `COPY ${quoteIdentifier(table.table)} (${columns}) FROM ${source}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The rows in COPY's text format: tab between fields, \N for null, backslash escapes. */
export function copyText(table: CopyInTable): string {
  let text = '';
  for (const row of table.rows) {
    text += `${table.columns.map((column) => copyField(row[column])).join('\t')}\n`;
  }
  return text;
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character]!);
}

const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
