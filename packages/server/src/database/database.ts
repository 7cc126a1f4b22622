import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type CopyIn, copyInPglite, copyInPostgres } from './copy-in';
import type { DatabaseSchema } from './database-schema';
import { MIGRATIONS } from './migrations';
import { APP_ROLE } from './migrations/0001-foundation';
import { PgliteDialect } from './pglite-dialect';
import { autovacuumRuns, createTableStatistics, type TableStatistics } from './table-statistics';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The two ways to reach the database. `system` is the owner: it runs migrations, provisions
 * tenants and answers the few questions asked before anyone is authenticated. `app` serves
 * requests; on a PostgreSQL server it logs in as the mostrador_app role, which row-level
 * security binds, and every tenant transaction also switches to that role (the only way on the
 * single-user embedded PGlite).
 */
export interface Database {
  readonly kind: DatabaseKind;
  readonly system: Kysely<DatabaseSchema>;
  readonly app: Kysely<DatabaseSchema>;
  /** COPY … FROM STDIN of whole tables' rows in one transaction, as the application role. */
  readonly copyIn: CopyIn;
  /** Planner statistics: kept fresh wherever no autovacuum runs (table-statistics.ts). */
  readonly statistics: TableStatistics;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; when absent PGlite keeps everything in memory (tests). */
  dataDir?: string | undefined;
  /** Password given to the application role (PostgreSQL server only). */
  appRolePassword?: string | undefined;
  poolSizeMax?: number | undefined;
}

const INT8_OID = 20;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`int8 value ${text} is not a safe integer`);
  return value;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl === undefined
    ? openPglite(options.dataDir)
    : openPostgres(options.databaseUrl, options.appRolePassword, options.poolSizeMax ?? 10);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pglite = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    parsers: { [INT8_OID]: parseInt8 },
  });
  const kysely = new Kysely<DatabaseSchema>({ dialect: new PgliteDialect(pglite) });
  await migrate(kysely);
  const statistics = createTableStatistics(kysely, {
    automatic: true,
    onError: reportUpkeepFailure,
  });
  return {
    kind: 'pglite',
    system: kysely,
    app: kysely,
    copyIn: copyInPglite(pglite, kysely as unknown as Kysely<unknown>),
    statistics,
    async close() {
      await statistics.settle();
      await kysely.destroy();
      await pglite.close();
    },
  };
}

async function openPostgres(
  databaseUrl: string,
  appRolePassword: string | undefined,
  poolSizeMax: number,
): Promise<Database> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format),
  };
  const systemPool = new pg.Pool({ connectionString: databaseUrl, max: 2, types });
  const system = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: systemPool }) });
  await migrate(system);
  await enableAppRoleLogin(system, appRolePassword);

  const appUrl = new URL(databaseUrl);
  appUrl.username = APP_ROLE;
  appUrl.password = appRolePassword ?? '';
  const appPool = new pg.Pool({ connectionString: appUrl.toString(), max: poolSizeMax, types });
  const app = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: appPool }) });
  // Autovacuum keeps statistics where it runs; a bulk load still asks for them at once.
  const statistics = createTableStatistics(system, {
    automatic: !(await autovacuumRuns(system)),
    onError: reportUpkeepFailure,
  });
  return {
    kind: 'postgres',
    system,
    app,
    copyIn: copyInPostgres(appPool),
    statistics,
    async close() {
      await statistics.settle();
      await app.destroy();
      await system.destroy();
    },
  };
}

async function enableAppRoleLogin(
  system: Kysely<DatabaseSchema>,
  password: string | undefined,
): Promise<void> {
  // Several instances may start at once; the advisory lock keeps their ALTER ROLE from colliding.
  await system.transaction().execute(async (transaction) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('mostrador_app_role'))`.execute(transaction);
    const role = await sql<{ canLogin: boolean }>`
      SELECT rolcanlogin AS "canLogin" FROM pg_roles WHERE rolname = ${APP_ROLE}
    `.execute(transaction);
    if (password !== undefined || role.rows[0]?.canLogin !== true) {
      const passwordClause = password === undefined ? sql`PASSWORD NULL` : sql`PASSWORD ${sql.lit(password)}`;
      await sql`ALTER ROLE ${sql.id(APP_ROLE)} LOGIN ${passwordClause}`.execute(transaction);
    }
    const database = await currentDatabase(transaction);
    await sql`GRANT CONNECT ON DATABASE ${sql.id(database)} TO ${sql.id(APP_ROLE)}`.execute(transaction);
  });
}

async function currentDatabase(
  system: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
): Promise<string> {
  const result = await sql<{ name: string }>`SELECT current_database() AS name`.execute(system);
  const name = result.rows[0]?.name;
  if (name === undefined) throw new Error('current_database() returned nothing');
  return name;
}

async function migrate(kysely: Kysely<DatabaseSchema>): Promise<void> {
  const migrator = new Migrator({
    db: kysely,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}

/** A background VACUUM or ANALYZE that failed: the next one will try again, so it is only reported. */
function reportUpkeepFailure(error: unknown): void {
  process.emitWarning(`table upkeep (VACUUM / ANALYZE) failed: ${String(error)}`);
}
