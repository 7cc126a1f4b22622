import type { FactEnvelope } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../http/app-instance';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';
import {
  activateTerminal,
  conflictsOf,
  pricedVariants,
  push,
  salePayload,
  syncAppFor,
  TestTerminal,
} from './push-test-kit';

describe('push: a forked terminal is quarantined, never merged', () => {
  let server: TestServer;
  let sync: AppInstance;
  let tenant: TestTenant;
  let manager: string;
  let original: TestTerminal;
  let clone: TestTerminal;
  let variant: { variantId: string; priceMinor: number };
  const shiftId = uuidv7();

  beforeAll(async () => {
    server = await startTestServer();
    sync = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 5);
    manager = await login(server.app, tenant, tenant.emails.managerCr);
    original = await activateTerminal(server, tenant, manager, 'CR');
    [variant] = (await pricedVariants(server.database, tenant.tenantId, 'CRC', 1)) as [typeof variant];
  });
  afterAll(async () => {
    if (sync !== server.app) await sync.close();
    await server.close();
  });

  const sale = (device: TestTerminal) =>
    salePayload({
      shiftId,
      folioSeriesId: device.ownSaleSeries?.id ?? null,
      provisionalFolio: device.nextProvisionalFolio(),
      lines: [
        {
          variantId: variant.variantId,
          warehouseId: tenant.warehouseIds.CR,
          quantity: '1',
          unitPriceMinor: variant.priceMinor,
        },
      ],
    });

  const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>, token = manager) =>
    sync.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

  let forked: FactEnvelope[];

  it('quarantines a different fact at a used sequence, raises an alert and a conflict, and freezes the terminal', async () => {
    const opened = await original.record({
      type: 'ShiftOpened',
      shiftId,
      openingFloatMinor: 10_000,
      currency: 'CRC',
    });
    // A copy of the device, restored from a backup taken right after the shift opened.
    clone = new TestTerminal(
      tenant.tenantId,
      tenant.storeIds.CR,
      original.terminalId,
      original.credential,
      original.sign,
      tenant.userIds.cashierCr,
    );
    clone.ownSaleSeries = original.ownSaleSeries;
    clone.sequence = opened.sequence;
    clone.prevHash = opened.hash;
    const genuine = [opened, await original.record(sale(original)), await original.record(sale(original))];
    server.clock.now = new Date();
    expect(await push(sync, original, genuine)).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: 3,
    });

    forked = [await clone.record(sale(clone)), await clone.record(sale(clone))];
    const answer = await push(sync, clone, forked);
    expect(answer).toMatchObject({ outcome: 'fork', acknowledgedSequence: 3, expectedSequence: 4 });

    const quarantined = await server.database.system
      .selectFrom('quarantined_facts')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('sequence')
      .execute();
    expect(quarantined.map((row) => [row.sequence, row.hash, row.stored_hash, row.status])).toEqual([
      [2, forked[0]!.hash, genuine[1]!.hash, 'quarantined'],
      [3, forked[1]!.hash, genuine[2]!.hash, 'quarantined'],
    ]);
    const [conflict] = await conflictsOf(server.database, tenant.tenantId, 'fork');
    expect(conflict).toMatchObject({
      status: 'open',
      terminal_id: original.terminalId,
      event_ids: forked.map((fact) => fact.eventId),
    });
    expect(quarantined.every((row) => row.conflict_id === conflict!.id)).toBe(true);
    const alerts = await server.database.system
      .selectFrom('security_alerts')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'fork', terminal_id: original.terminalId });
    const terminal = await server.database.system
      .selectFrom('terminals')
      .select('status')
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', original.terminalId)
      .executeTakeFirstOrThrow();
    expect(terminal.status).toBe('reactivation_required');
    const audit = await server.database.system
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'terminal.fork_detected')
      .execute();
    expect(audit).toEqual([{ action: 'terminal.fork_detected', entity_id: original.terminalId }]);
    // Nothing of the fork reached the journal or the sales.
    const sales = await server.database.system
      .selectFrom('sales')
      .select('event_id')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(sales.map((row) => row.event_id).sort()).toEqual(
      [genuine[1]!.eventId, genuine[2]!.eventId].sort(),
    );
  });

  it('answers fork to every later push until re-activation, keeping the new facts in quarantine', async () => {
    const fourth = await original.record(sale(original));
    const answer = await push(sync, original, [fourth]);
    expect(answer).toMatchObject({ outcome: 'fork', acknowledgedSequence: 3 });
    // Sending the same again quarantines nothing twice.
    expect(await push(sync, original, [fourth])).toMatchObject({ outcome: 'fork', acknowledgedSequence: 3 });
    const quarantined = await server.database.system
      .selectFrom('quarantined_facts')
      .select('event_id')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(quarantined).toHaveLength(3);
    expect((await conflictsOf(server.database, tenant.tenantId, 'fork')).length).toBe(1);
    const facts = await server.database.system
      .selectFrom('facts')
      .select('sequence')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(facts).toHaveLength(3);
  });

  it('lets a manager accept a quarantined fact (applied, audited, once) and reject another', async () => {
    const list = await call('GET', '/api/v1/quarantine?status=quarantined');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; eventId: string; factType: string }[];
    expect(items).toHaveLength(3);
    expect(items.map((item) => item.eventId)).toEqual(
      expect.arrayContaining(forked.map((fact) => fact.eventId)),
    );
    const toAccept = items.find((item) => item.eventId === forked[0]!.eventId)!;
    const toReject = items.find((item) => item.eventId === forked[1]!.eventId)!;

    const accepted = await call('POST', `/api/v1/quarantine/${toAccept.id}/accept`, {
      note: 'Venta real de la caja clonada',
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ id: toAccept.id, status: 'accepted' });
    const acceptedSale = (forked[0]!.payload as { saleId: string }).saleId;
    const saleRow = await server.database.system
      .selectFrom('sales')
      .select(['event_id', 'final_folio'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', acceptedSale)
      .executeTakeFirst();
    expect(saleRow?.event_id).toBe(forked[0]!.eventId);
    // The clone reused folio numbers of the original: applying its sale reports that.
    const folioConflicts = await conflictsOf(server.database, tenant.tenantId, 'folio_gap');
    expect(folioConflicts.map((row) => (row.details as { problem: string }).problem)).toEqual(['repeated']);

    const again = await call('POST', `/api/v1/quarantine/${toAccept.id}/accept`, { note: 'otra vez' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('QUARANTINE_ALREADY_DECIDED');

    const rejected = await call('POST', `/api/v1/quarantine/${toReject.id}/reject`, {
      note: 'Fraude: caja clonada',
    });
    expect(rejected.statusCode).toBe(204);
    const audit = await server.database.system
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'entity_id', 'at'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', 'like', 'quarantine.%')
      .orderBy('at')
      .execute();
    expect(audit.map((row) => [row.action, row.actor_user_id, row.entity_id])).toEqual([
      ['quarantine.accepted', tenant.userIds.managerCr, toAccept.id],
      ['quarantine.rejected', tenant.userIds.managerCr, toReject.id],
    ]);
    const rejectedSale = (forked[1]!.payload as { saleId: string }).saleId;
    const none = await server.database.system
      .selectFrom('sales')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', rejectedSale)
      .execute();
    expect(none).toEqual([]);
  });

  it('a manager of another store can neither see nor decide the quarantine', async () => {
    const otherManager = await login(server.app, tenant, tenant.emails.managerMx);
    const list = await call('GET', '/api/v1/quarantine', undefined, otherManager);
    expect(list.json().items).toEqual([]);
    const [pending] = await server.database.system
      .selectFrom('quarantined_facts')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('status', '=', 'quarantined')
      .execute();
    const decide = await call(
      'POST',
      `/api/v1/quarantine/${pending!.id}/reject`,
      { note: 'no es mía' },
      otherManager,
    );
    expect(decide.statusCode).toBe(403);
    expect(decide.json().error.code).toBe('STORE_NOT_ASSIGNED');
  });

  it('after re-activation the device starts a new chain that is applied normally', async () => {
    const reactivated = await activateTerminal(server, tenant, manager, 'CR');
    const answer = await push(sync, reactivated, [await reactivated.record(sale(reactivated))]);
    expect(answer).toMatchObject({ outcome: 'applied', acknowledgedSequence: 1 });
  });
});
