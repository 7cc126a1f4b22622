import { type Kysely, sql } from 'kysely';
import { APP_ROLE } from './0001-foundation';

/**
 * The references a pushed sale writes, checked once a statement instead of once a row.
 *
 * A foreign key checks each inserted row on its own: a trigger event, a query run through SPI and
 * a key-share lock on the parent row, about 8–13 µs a row. A pushed sale writes a journal row, 5
 * lines, 2 tenders, 5 stock movements and a folio assignment, so a 200-sale batch ran 2,800 such
 * checks, about a seventh of PostgreSQL's time in a 50 × 400 ingest (docs/performance.md).
 *
 * Each of those keys becomes a statement trigger over the rows the statement inserted (a
 * transition table): one anti-join over the distinct parents they name finds any that is missing,
 * and the statement fails as a foreign key would (SQLSTATE 23503, which the API answers as
 * REFERENCE_NOT_FOUND). Each check is written out as static SQL, so PL/pgSQL plans it once a
 * session (a dynamic query is planned on every call, 0.1–0.3 ms, and single-row inserts such as a
 * stock receipt run the check too). What a key also did for the parent side is kept:
 *
 * - The application may insert lines and tenders, never change or delete them (the journal, folio
 *   assignments and stock movements were append-only already).
 * - The application never deletes sales, stock levels, terminals or folio series: a sale is voided,
 *   a level stays at zero, a terminal is revoked, a series is retired (deleted_at).
 * - No one changes the key of a row on either side.
 * - The owner deleting a parent that still has children is refused, as the key refused it.
 *
 * One difference remains: a key locks the parent row until commit, and these checks do not. It
 * could only matter to the owner deleting a parent while a push inserts its children, which no
 * code does.
 *
 * A movement's level must now exist when the movement is inserted (the key was deferred to commit:
 * migration 0005). A push inserts its movements before it takes the locks when every level exists,
 * and after creating the missing levels under the locks when one does not (pending-writes.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(REFUSE_KEY_CHANGE).execute(db);
  for (const reference of REFERENCES) {
    for (const statement of referenceStatements(reference)) await sql.raw(statement).execute(db);
  }
  const keyColumns = new Map<string, Set<string>>();
  for (const reference of REFERENCES) {
    for (const [table, columns] of [
      [reference.child, reference.columns],
      [reference.parent, reference.parentColumns],
    ] as const) {
      const known = keyColumns.get(table) ?? new Set<string>();
      for (const column of columns) known.add(column);
      keyColumns.set(table, known);
    }
  }
  for (const [table, columns] of keyColumns) {
    const list = [...columns];
    await sql
      .raw(
        `CREATE TRIGGER ${table}_key_fixed BEFORE UPDATE OF ${list.join(', ')} ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_key_change(${list.map((column) => `'${column}'`).join(', ')})`,
      )
      .execute(db);
  }
  await sql`REVOKE UPDATE, DELETE ON sale_lines, sale_tenders FROM ${sql.id(APP_ROLE)}`.execute(db);
  await sql`REVOKE DELETE ON sales, stock_levels, terminals, folio_series FROM ${sql.id(APP_ROLE)}`.execute(
    db,
  );
}

/** A child table's columns that name a row of the parent by the parent's key, column for column. */
interface Reference {
  readonly child: string;
  readonly columns: readonly string[];
  readonly parent: string;
  readonly parentColumns: readonly string[];
}

const REFERENCES: readonly Reference[] = [
  {
    child: 'facts',
    columns: ['tenant_id', 'terminal_id'],
    parent: 'terminals',
    parentColumns: ['tenant_id', 'id'],
  },
  {
    child: 'sale_lines',
    columns: ['tenant_id', 'sale_id'],
    parent: 'sales',
    parentColumns: ['tenant_id', 'id'],
  },
  {
    child: 'sale_tenders',
    columns: ['tenant_id', 'sale_id'],
    parent: 'sales',
    parentColumns: ['tenant_id', 'id'],
  },
  {
    child: 'stock_movements',
    columns: ['tenant_id', 'warehouse_id', 'variant_id'],
    parent: 'stock_levels',
    parentColumns: ['tenant_id', 'warehouse_id', 'variant_id'],
  },
  {
    child: 'folio_assignments',
    columns: ['tenant_id', 'series_id'],
    parent: 'folio_series',
    parentColumns: ['tenant_id', 'id'],
  },
];

/** The foreign key dropped, the insert check and the delete guard that replace it. */
function referenceStatements({ child, columns, parent, parentColumns }: Reference): string[] {
  const matches = (childAlias: string, parentAlias: string) =>
    columns
      .map((column, index) => `${parentAlias}.${parentColumns[index]} = ${childAlias}.${column}`)
      .join(' AND ');
  const checkName = `${child}_reference_${parent}`;
  const guardName = `${parent}_keep_${child}`;
  return [
    `ALTER TABLE ${child} DROP CONSTRAINT ${child}_${columns.join('_')}_fkey`,
    // Rows of one statement name few parents (a sale's lines, a batch's terminal): each is looked up once.
    failingTrigger(checkName, {
      offending: columns.map((column) => `c.${column}`),
      from: `(SELECT DISTINCT ${columns.join(', ')} FROM inserted) c`,
      where: `NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${matches('c', 'p')})`,
      message: `insert on table "${child}" violates its reference to "${parent}"`,
      detail: `Key (${columns.join(', ')})=%s is not present in table "${parent}".`,
    }),
    `CREATE TRIGGER ${checkName} AFTER INSERT ON ${child}
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ${checkName}()`,
    failingTrigger(guardName, {
      offending: parentColumns.map((column) => `p.${column}`),
      from: 'deleted p',
      where: `EXISTS (SELECT 1 FROM ${child} c WHERE ${matches('c', 'p')})`,
      message: `delete on table "${parent}" would orphan rows of "${child}"`,
      detail: `Key (${parentColumns.join(', ')})=%s is still referenced from table "${child}".`,
    }),
    `CREATE TRIGGER ${guardName} AFTER DELETE ON ${parent}
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION ${guardName}()`,
  ];
}

/**
 * A statement trigger's function that fails the statement as a foreign key would (23503) when a
 * row of `from` meets `where`, naming the first such row's `offending` columns in the detail (`%s`).
 */
function failingTrigger(
  name: string,
  check: { offending: readonly string[]; from: string; where: string; message: string; detail: string },
): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      offending text;
    BEGIN
      SELECT row(${check.offending.join(', ')})::text INTO offending FROM ${check.from} WHERE ${check.where} LIMIT 1;
      IF offending IS NOT NULL THEN
        RAISE EXCEPTION '${check.message}'
          USING ERRCODE = 'foreign_key_violation', DETAIL = format('${check.detail}', offending);
      END IF;
      RETURN NULL;
    END
  $$`;
}

/** Refuses an UPDATE that changes one of the key columns named as the trigger's arguments. */
const REFUSE_KEY_CHANGE = `CREATE FUNCTION refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    name text;
  BEGIN
    FOREACH name IN ARRAY TG_ARGV LOOP
      IF to_jsonb(NEW) -> name IS DISTINCT FROM to_jsonb(OLD) -> name THEN
        RAISE EXCEPTION 'the key column "%" of table "%" never changes', name, TG_TABLE_NAME
          USING ERRCODE = 'foreign_key_violation';
      END IF;
    END LOOP;
    RETURN NEW;
  END
$$`;
