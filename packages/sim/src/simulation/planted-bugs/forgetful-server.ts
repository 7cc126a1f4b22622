import type { Database } from '@mostrador/server';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';

/**
 * A planted server bug, for tests that show the checker can fail. The server keeps each
 * terminal's chain head in process memory (the first head it read) instead of reading it in the
 * push transaction, and its duplicate-event check finds nothing: exactly what ARCHITECTURE §4
 * forbids ("enforced by the database, not by process memory"). Install it only on a throwaway
 * database whose uniqueness constraints were dropped with dropFactUniqueness.
 */
export class ForgetfulHeadCache implements KyselyPlugin {
  private readonly heads = new Map<string, { sequence: unknown; hash: unknown }>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    const first = rows[0];
    if (first === undefined) return args.result;
    const keys = Object.keys(first).sort().join(',');
    if (keys === 'hash,id,revoked_at,sequence,status,store_id') {
      return { ...args.result, rows: rows.map((row) => this.cachedHead(row)) };
    }
    if (keys === 'event_id,sequence,terminal_id') return { ...args.result, rows: [] };
    return args.result;
  }

  private cachedHead(row: UnknownRow): UnknownRow {
    const terminalId = String(row.id);
    const cached = this.heads.get(terminalId);
    if (cached === undefined) {
      this.heads.set(terminalId, { sequence: row.sequence, hash: row.hash });
      return row;
    }
    return { ...row, sequence: cached.sequence, hash: cached.hash };
  }
}

/** Drops the journal's uniqueness on a throwaway database (never on a shared one). */
export async function dropFactUniqueness(database: Database): Promise<void> {
  await sql`ALTER TABLE facts DROP CONSTRAINT facts_pkey, DROP CONSTRAINT facts_tenant_id_event_id_key`.execute(
    database.system,
  );
}
