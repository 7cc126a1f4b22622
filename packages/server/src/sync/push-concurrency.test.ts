import type { FactEnvelope } from '@mostrador/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createAccessTokens } from '../auth/access-token';
import { type Database, openDatabase } from '../database/database';
import type { AppInstance } from '../http/app-instance';
import {
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import {
  activateTerminal,
  oneUnitSales,
  onHand,
  pricedVariants,
  push,
  syncAppFor,
  type TestTerminal,
} from './push-test-kit';

/**
 * Any number of server instances serve one database. On PostgreSQL (DATABASE_URL) the second
 * instance is a separate app over a separate pool; on the single-connection PGlite both pushes go
 * to one instance at once.
 */
describe('push: concurrent server instances apply a batch once', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let instances: [AppInstance, AppInstance];
  let secondDatabase: Database | null = null;
  let secondApp: AppInstance | null = null;
  let variants: { variantId: string; priceMinor: number }[];
  let terminals: [TestTerminal, TestTerminal];

  beforeAll(async () => {
    server = await startTestServer();
    const first = await syncAppFor(server);
    if (process.env.DATABASE_URL === undefined) {
      instances = [first, first];
    } else {
      secondDatabase = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
      secondApp = await buildApp({
        database: secondDatabase,
        accessTokens: createAccessTokens(
          new TextEncoder().encode('test-secret-test-secret-test-secret!'),
          900,
        ),
        refreshTokenDays: 30,
        clock: () => server.clock.now,
      });
      instances = [
        first,
        await syncAppFor({ app: secondApp, database: secondDatabase, clock: server.clock }),
      ];
    }
    tenant = await createTestTenant(server.database, 5);
    const manager = await login(server.app, tenant, tenant.emails.managerMx);
    terminals = [
      await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx),
      await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx),
    ];
    variants = await pricedVariants(server.database, tenant.tenantId, 'MXN', 2);
  });
  afterAll(async () => {
    for (const app of new Set([...instances, secondApp]))
      if (app !== null && app !== server.app) await app.close();
    await secondDatabase?.close();
    await server.close();
  });

  const sales = (terminal: TestTerminal, count: number) =>
    oneUnitSales(terminal, variants, tenant.warehouseIds.MX, count);

  const countOf = async (table: 'facts' | 'sales' | 'folio_assignments') =>
    Number(
      (
        await server.database.system
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('tenant_id', '=', tenant.tenantId)
          .executeTakeFirstOrThrow()
      ).count,
    );

  /** The folios folio_assignments holds for these facts, as a push answers them (by series and number). */
  async function storedFolios(facts: readonly FactEnvelope[]) {
    const rows = await server.database.system
      .selectFrom('folio_assignments')
      .select(['event_id', 'document_id', 'provisional_folio', 'final_folio', 'series_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .where(
        'event_id',
        'in',
        facts.map((fact) => fact.eventId),
      )
      .orderBy('series_id')
      .orderBy('number')
      .execute();
    return rows.map((row) => ({
      eventId: row.event_id,
      documentId: row.document_id,
      provisionalFolio: row.provisional_folio,
      finalFolio: row.final_folio,
      folioSeriesId: row.series_id,
    }));
  }

  it('the same batch pushed to two instances at once is applied exactly once', async () => {
    const [terminal] = terminals;
    const before = await Promise.all(
      variants.map((variant) =>
        onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId),
      ),
    );
    const batch = await sales(terminal, 40);
    server.clock.now = new Date();
    const answers = await Promise.all([
      push(instances[0], terminal, batch),
      push(instances[1], terminal, batch),
      push(instances[1], terminal, batch),
    ]);
    for (const answer of answers)
      expect(answer).toMatchObject({ outcome: 'applied', acknowledgedSequence: 40 });
    // Whoever applied it and whoever found it applied give the same final folios, the stored ones.
    expect(answers[1]!.folios).toEqual(answers[0]!.folios);
    expect(answers[0]!.folios).toEqual(await storedFolios(batch));
    expect(await countOf('facts')).toBe(40);
    expect(await countOf('sales')).toBe(40);
    const after = await Promise.all(
      variants.map((variant) =>
        onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId),
      ),
    );
    expect(after.map((quantity, index) => Number(quantity) - Number(before[index]))).toEqual([-20, -20]);
  });

  it('two tills of one store pushing at once through two instances share one gapless, unique folio series', async () => {
    const [left, right] = terminals;
    const leftBatches = [await sales(left, 15), await sales(left, 15)];
    const rightBatches = [await sales(right, 15), await sales(right, 15)];
    server.clock.now = new Date();
    for (let round = 0; round < 2; round += 1) {
      const batches = [leftBatches[round]!, rightBatches[round]!];
      const answers = await Promise.all([
        push(instances[0], left, batches[0]!),
        push(instances[1], right, batches[1]!),
      ]);
      for (const [index, answer] of answers.entries()) {
        expect(answer.outcome).toBe('applied');
        // The answer's folios are the ones stored, in fact order: the batch's numbers follow its facts.
        const batch = batches[index]!;
        expect(answer.folios).toEqual(await storedFolios(batch));
        expect(answer.folios.map((folio) => folio.eventId)).toEqual(batch.map((fact) => fact.eventId));
      }
    }
    const numbers = await sql<{ number: number; final_folio: string; provisional_folio: string }>`
      SELECT fa.number, fa.final_folio, fa.provisional_folio FROM folio_assignments fa
      JOIN folio_series fs ON fs.tenant_id = fa.tenant_id AND fs.id = fa.series_id
      WHERE fa.tenant_id = ${tenant.tenantId} AND fs.document_type = 'sale'
      ORDER BY fa.number
    `.execute(server.database.system);
    expect(numbers.rows.map((row) => Number(row.number))).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    expect(new Set(numbers.rows.map((row) => row.final_folio)).size).toBe(100);
    expect(numbers.rows[0]!.final_folio).toBe('MX-01-00000001');
    // Each final folio is linked to the provisional one the till printed.
    const links = await server.database.system
      .selectFrom('sales')
      .select(['provisional_folio', 'final_folio'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const finalByProvisional = new Map(numbers.rows.map((row) => [row.provisional_folio, row.final_folio]));
    for (const link of links) expect(link.final_folio).toBe(finalByProvisional.get(link.provisional_folio));
  });
});
