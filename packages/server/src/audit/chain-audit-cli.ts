import { parseArgs } from 'node:util';
import { openDatabase } from '../database/database';
import { auditTerminalChain } from './chain-audit';

/**
 * npm run audit-chain -- --tenant SLUG [--terminal ID]   (every terminal of the tenant when omitted)
 * Verifies each terminal's stored chain (schema, hash, signature, links) and reports the first broken
 * link. Uses DATABASE_URL, or the PGlite in DATA_DIR. Exits 1 when any chain is broken.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      terminal: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.tenant === undefined) {
    process.stderr.write('usage: npm run audit-chain -- --tenant SLUG [--terminal ID] [--json]\n');
    return 2;
  }
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR ?? '.data/pglite',
  });
  try {
    const tenant = await database.system
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', values.tenant)
      .executeTakeFirst();
    if (tenant === undefined) {
      process.stderr.write(`no tenant ${values.tenant}\n`);
      return 2;
    }
    let query = database.system
      .selectFrom('terminals')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .orderBy('id');
    if (values.terminal !== undefined) query = query.where('id', '=', values.terminal);
    const terminals = await query.execute();
    let broken = 0;
    for (const terminal of terminals) {
      const report = await auditTerminalChain(database.system, tenant.id, terminal.id);
      if (!report.ok) broken += 1;
      process.stdout.write(
        values.json
          ? `${JSON.stringify(report)}\n`
          : report.ok
            ? `ok      ${terminal.id}  ${report.factCount} facts, head ${report.head.sequence}\n`
            : `BROKEN  ${terminal.id}  at sequence ${report.brokenAt}: ${report.reason} (${report.factCount} good facts before it)\n`,
      );
    }
    return broken === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
