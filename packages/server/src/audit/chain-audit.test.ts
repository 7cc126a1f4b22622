import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateTerminal, pricedVariants, push, salePayload } from '../sync/push-test-kit';
import {
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import { auditTerminalChain } from './chain-audit';

describe('chain audit from the server data', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let terminalId: string;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 5);
    const manager = await login(server.app, tenant, tenant.emails.managerCr);
    const terminal = await activateTerminal(server, tenant, manager, 'CR');
    terminalId = terminal.terminalId;
    const [variant] = await pricedVariants(server.database, tenant.tenantId, 'CRC', 1);
    const facts = [];
    for (let index = 0; index < 6; index += 1) {
      facts.push(
        await terminal.record(
          salePayload({
            currency: 'CRC',
            provisionalFolio: terminal.nextProvisionalFolio(),
            folioSeriesId: terminal.ownSaleSeries?.id ?? null,
            lines: [
              {
                variantId: variant!.variantId,
                warehouseId: tenant.warehouseIds.CR,
                quantity: '1',
                unitPriceMinor: variant!.priceMinor,
              },
            ],
          }),
        ),
      );
    }
    expect((await push(server.app, terminal, facts)).outcome).toBe('applied');
  });
  afterAll(async () => server.close());

  it('verifies an intact chain end to end', async () => {
    const report = await auditTerminalChain(server.database.system, tenant.tenantId, terminalId);
    expect(report).toMatchObject({ ok: true, factCount: 6, head: { sequence: 6 } });
  });

  it('reports the first broken link when a stored fact was changed behind the API', async () => {
    await sql`
      UPDATE facts SET envelope = jsonb_set(envelope, '{payload,totalMinor}', '1')
      WHERE tenant_id = ${tenant.tenantId} AND terminal_id = ${terminalId} AND sequence = 4
    `.execute(server.database.system);
    const report = await auditTerminalChain(server.database.system, tenant.tenantId, terminalId);
    expect(report).toMatchObject({ ok: false, brokenAt: 4, factCount: 3 });
    expect(['SCHEMA', 'HASH_MISMATCH']).toContain((report as { reason: string }).reason);
  });
});
