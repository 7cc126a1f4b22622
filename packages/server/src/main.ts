import { mkdirSync } from 'node:fs';
import { buildApp } from './app';
import { createAccessTokens } from './auth/access-token';
import { loadTokenSecret } from './auth/token-secret';
import { readConfig } from './config';
import { openDatabase } from './database/database';
import { describeDemoLogins, seedDemoTenantOnce } from './demo/demo-tenant';
import { WEB_APP_DIRECTORY_DEFAULT } from './http/web-app';

/**
 * Starts Mostrador: opens the database (embedded PGlite in DATA_DIR, or DATABASE_URL), applies
 * migrations, seeds the demo tenant on first start, and serves the API until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const startedAtMs = performance.now();
  const config = readConfig(process.env);
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    appRolePassword: config.databaseAppPassword,
  });
  if (config.seedDemo) {
    let lastReportedPercent = -1;
    const seeded = await seedDemoTenantOnce(database.system, (done, total) => {
      const percent = Math.floor((done / total) * 100);
      if (percent >= lastReportedPercent + 10) {
        lastReportedPercent = percent;
        process.stdout.write(`Creando datos de demostración / seeding demo data: ${percent}%\n`);
      }
    });
    if (seeded !== undefined) {
      // Plans for the freshly loaded catalog, not for the empty tables of a moment ago.
      await database.statistics.refresh();
      process.stdout.write(`Demo data: ${seeded.productCount} products, ${seeded.variantCount} SKUs.\n`);
    }
  }
  const secret = await loadTokenSecret(database.system, config.jwtSecret);
  const app = await buildApp({
    database,
    accessTokens: createAccessTokens(secret, config.accessTokenSeconds),
    refreshTokenDays: config.refreshTokenDays,
    clock: () => new Date(),
    logger: { level: config.logLevel },
    webAppDirectory: config.webDistDir ?? WEB_APP_DIRECTORY_DEFAULT,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const startupMs = Math.round(performance.now() - startedAtMs);
  const where =
    config.databaseUrl === undefined ? `PGlite at ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  process.stdout.write(
    [
      '',
      `Mostrador listo / ready in ${startupMs} ms — ${where}`,
      `  Punto de venta / POS: ${address}/`,
      `  API:           ${address}/api/v1`,
      `  API docs:      ${address}/docs   (OpenAPI: ${address}/docs/json)`,
      `  Health:        ${address}/health`,
      config.seedDemo ? describeDemoLogins() : '',
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Mostrador failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
