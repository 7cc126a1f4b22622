import type { FactEnvelope } from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../http/app-instance';
import {
  activateTerminal,
  conflictsOf,
  onHand,
  pricedVariants,
  push,
  salePayload,
  syncAppFor,
  type TestTerminal,
} from '../sync/push-test-kit';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('conflicts: a fact that broke a rule is applied and reported once', () => {
  let server: TestServer;
  let sync: AppInstance;
  let tenant: TestTenant;
  let manager: string;
  let admin: string;
  let variants: { variantId: string; priceMinor: number }[];

  beforeAll(async () => {
    server = await startTestServer();
    sync = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 10);
    manager = await login(server.app, tenant, tenant.emails.managerMx);
    admin = await login(server.app, tenant, tenant.emails.admin);
    variants = await pricedVariants(server.database, tenant.tenantId, 'MXN', 6);
  });
  afterAll(async () => {
    if (sync !== server.app) await sync.close();
    await server.close();
  });

  const mxTerminal = () => activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx);
  const sellOne = (terminal: TestTerminal, variant: { variantId: string }, unitPriceMinor: number) =>
    salePayload({
      currency: 'MXN',
      provisionalFolio: terminal.nextProvisionalFolio(),
      lines: [
        { variantId: variant.variantId, warehouseId: tenant.warehouseIds.MX, quantity: '1', unitPriceMinor },
      ],
    });
  const pushNow = (terminal: TestTerminal, facts: readonly FactEnvelope[]) => {
    server.clock.now = new Date();
    return push(sync, terminal, facts);
  };
  const conflictsFor = async (kind: string, eventIds: readonly string[]) =>
    (await conflictsOf(server.database, tenant.tenantId, kind)).filter((row) =>
      row.event_ids.some((eventId) => eventIds.includes(eventId)),
    );

  it('two tills selling the last unit: both sales applied, on-hand −1, exactly one oversell', async () => {
    const variant = variants[0]!;
    const counted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/stock/adjustments',
      headers: bearer(manager),
      payload: {
        warehouseId: tenant.warehouseIds.MX,
        reason: 'Conteo',
        lines: [{ variantId: variant.variantId, countedQuantity: '1' }],
      },
    });
    expect(counted.statusCode).toBe(201);
    const [left, right] = [await mxTerminal(), await mxTerminal()];
    const leftSale = await left.record(sellOne(left, variant, variant.priceMinor));
    const rightSale = await right.record(sellOne(right, variant, variant.priceMinor));
    const answers = await Promise.all([pushNow(left, [leftSale]), pushNow(right, [rightSale])]);
    expect(answers.map((answer) => answer.outcome)).toEqual(['applied', 'applied']);
    expect(await onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId)).toBe(
      '-1.000',
    );
    const oversells = await conflictsFor('oversell', [leftSale.eventId, rightSale.eventId]);
    expect(oversells).toHaveLength(1);
    expect(oversells[0]!.details).toMatchObject({
      levels: [
        { warehouseId: tenant.warehouseIds.MX, variantId: variant.variantId, qtyOnHandAfter: '-1.000' },
      ],
    });
    const sold = await server.database.system
      .selectFrom('sales')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('event_id', 'in', [leftSale.eventId, rightSale.eventId])
      .execute();
    expect(sold).toHaveLength(2);
  });

  it('stale price: judged against the price in force at the sale time (device time clamped), store override first', async () => {
    const variant = variants[1]!;
    const oldPrice = variant.priceMinor;
    const newPrice = oldPrice + 500;
    const overridePrice = oldPrice + 900;
    const setPrice = async (storeId: string | null, amountMinor: number) => {
      const response = await server.app.inject({
        method: 'PUT',
        url: `/api/v1/variants/${variant.variantId}/prices`,
        headers: bearer(admin),
        payload: { currency: 'MXN', storeId, amountMinor },
      });
      expect(response.statusCode).toBe(200);
      return response.json().id as string;
    };
    const terminal = await mxTerminal();
    const beforeChange = new Date().toISOString();
    await pause(20);
    await setPrice(null, newPrice);
    await pause(20);
    const afterChange = new Date().toISOString();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const sale = (price: number, deviceTime: string, lastServerTime: string | null = null) =>
      terminal.record(sellOne(terminal, variant, price), { deviceTime, lastServerTime });
    const honestOld = await sale(oldPrice, beforeChange);
    const staleAfter = await sale(oldPrice, afterChange);
    const honestNew = await sale(newPrice, afterChange);
    const earlyNew = await sale(newPrice, beforeChange);
    // The device clock says before the change, but it had already seen a server time after it.
    const clampedUp = await sale(oldPrice, beforeChange, afterChange);
    // A clock running a day fast is judged at the moment the server applies it.
    const clampedDown = await sale(newPrice, tomorrow);
    await pause(20);
    const overrideId = await setPrice(tenant.storeIds.MX, overridePrice);
    await pause(20);
    const underOverride = await sale(newPrice, new Date().toISOString());
    await pause(20);
    const removed = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/prices/${overrideId}`,
      headers: bearer(admin),
    });
    expect(removed.statusCode).toBe(204);
    await pause(20);
    const afterOverride = await sale(newPrice, new Date().toISOString());

    const facts = [
      honestOld,
      staleAfter,
      honestNew,
      earlyNew,
      clampedUp,
      clampedDown,
      underOverride,
      afterOverride,
    ];
    expect(await pushNow(terminal, facts)).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: facts.length,
    });
    const stale = await conflictsFor(
      'stale_price',
      facts.map((fact) => fact.eventId),
    );
    const judged = stale.map((row) => {
      const details = row.details as {
        lines: { soldPriceMinor: number; serverPriceMinor: number; differenceMinor: number }[];
      };
      return [
        row.event_ids[0],
        details.lines[0]!.soldPriceMinor,
        details.lines[0]!.serverPriceMinor,
        details.lines[0]!.differenceMinor,
      ];
    });
    expect(judged).toEqual([
      [staleAfter.eventId, oldPrice, newPrice, 500],
      [earlyNew.eventId, newPrice, oldPrice, -500],
      [clampedUp.eventId, oldPrice, newPrice, 500],
      [underOverride.eventId, newPrice, overridePrice, 400],
    ]);
    // Both prices are kept on the line too.
    const line = await server.database.system
      .selectFrom('sale_lines')
      .innerJoin('sales', (join) =>
        join
          .onRef('sales.tenant_id', '=', 'sale_lines.tenant_id')
          .onRef('sales.id', '=', 'sale_lines.sale_id'),
      )
      .select(['sale_lines.unit_price_minor', 'sale_lines.server_price_minor'])
      .where('sales.tenant_id', '=', tenant.tenantId)
      .where('sales.event_id', '=', staleAfter.eventId)
      .executeTakeFirstOrThrow();
    expect(line).toEqual({ unit_price_minor: oldPrice, server_price_minor: newPrice });
  });

  it('a revoked terminal: its facts are applied; those made after the revocation open a conflict', async () => {
    const terminal = await mxTerminal();
    const variant = variants[2]!;
    const beforeRevocation = await terminal.record(sellOne(terminal, variant, variant.priceMinor));
    await pause(20);
    server.clock.now = new Date();
    const revoked = await server.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${terminal.terminalId}/revoke`,
      headers: bearer(manager),
    });
    expect(revoked.statusCode).toBe(204);
    await pause(20);
    const afterRevocation = await terminal.record(sellOne(terminal, variant, variant.priceMinor));
    expect(await pushNow(terminal, [beforeRevocation, afterRevocation])).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: 2,
    });
    const conflicts = await conflictsFor('revoked_actor', [
      beforeRevocation.eventId,
      afterRevocation.eventId,
    ]);
    expect(conflicts.map((row) => row.event_ids)).toEqual([[afterRevocation.eventId]]);
    expect(conflicts[0]!.details).toMatchObject({ terminalRevoked: true, users: [] });
  });

  it('a sale by a deactivated cashier, approved by an unknown user, opens one revoked-actor conflict', async () => {
    const terminal = await mxTerminal();
    await server.database.system
      .updateTable('users')
      .set({ active: false })
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', tenant.userIds.cashierCr)
      .execute();
    const stranger = uuidv7();
    const variant = variants[2]!;
    const fact = await terminal.record(sellOne(terminal, variant, variant.priceMinor), {
      userId: tenant.userIds.cashierCr,
      approvedByUserId: stranger,
    });
    expect(await pushNow(terminal, [fact])).toMatchObject({ outcome: 'applied' });
    const conflicts = await conflictsFor('revoked_actor', [fact.eventId]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.details).toMatchObject({
      terminalRevoked: false,
      users: [
        { userId: tenant.userIds.cashierCr, role: 'cashier', standing: 'inactive' },
        { userId: stranger, role: 'approver', standing: 'unknown' },
      ],
    });
  });

  it('a refund or void of a sale the server does not know is applied and opens an unknown-sale conflict', async () => {
    const terminal = await mxTerminal();
    const variant = variants[3]!;
    const before = await onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId);
    const missingSale = uuidv7();
    const refund = await terminal.record({
      type: 'RefundIssued',
      refundId: uuidv7(),
      saleId: missingSale,
      currency: 'MXN',
      lines: [
        {
          lineId: uuidv7(),
          variantId: variant.variantId,
          quantity: '2',
          amountMinor: 2 * variant.priceMinor,
          stockDestination: 'restock',
          warehouseId: tenant.warehouseIds.MX,
        },
      ],
      tenders: [{ kind: 'cash', amountMinor: 2 * variant.priceMinor, reference: null }],
      totalMinor: 2 * variant.priceMinor,
      reason: 'Ticket de otra sucursal',
    });
    const voided = await terminal.record({
      type: 'SaleVoided',
      saleId: uuidv7(),
      reason: 'Error',
      stockDestination: 'restock',
    });
    expect(await pushNow(terminal, [refund, voided])).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: 2,
    });
    const unknown = await conflictsFor('unknown_sale', [refund.eventId, voided.eventId]);
    expect(unknown.map((row) => [row.event_ids[0], (row.details as { factType: string }).factType])).toEqual([
      [refund.eventId, 'RefundIssued'],
      [voided.eventId, 'SaleVoided'],
    ]);
    const refundRow = await server.database.system
      .selectFrom('refunds')
      .select(['sale_known', 'cash_refunded_minor'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('event_id', '=', refund.eventId)
      .executeTakeFirstOrThrow();
    expect(refundRow).toEqual({ sale_known: false, cash_refunded_minor: 2 * variant.priceMinor });
    const after = await onHand(server.database, tenant.tenantId, tenant.warehouseIds.MX, variant.variantId);
    expect(Number(after) - Number(before)).toBe(2);
  });

  it('per-terminal series: the till numbers itself; a gap, a repeat or a malformed folio opens a conflict', async () => {
    const crManager = await login(server.app, tenant, tenant.emails.managerCr);
    const terminal = await activateTerminal(server, tenant, crManager, 'CR');
    const [variant] = await pricedVariants(server.database, tenant.tenantId, 'CRC', 1);
    const series = terminal.ownSaleSeries!;
    const sale = (folio: string) =>
      terminal.record(
        salePayload({
          folioSeriesId: series.id,
          provisionalFolio: folio,
          lines: [
            {
              variantId: variant!.variantId,
              warehouseId: tenant.warehouseIds.CR,
              quantity: '1',
              unitPriceMinor: variant!.priceMinor,
            },
          ],
        }),
      );
    const folio = (number: number) => `${series.prefix}${String(number).padStart(8, '0')}`;
    const facts = [
      await sale(folio(1)),
      await sale(folio(2)),
      await sale(folio(5)),
      await sale(folio(6)),
      await sale(folio(6)),
      await sale('A-MANO-7'),
    ];
    const answer = await pushNow(terminal, facts);
    expect(answer).toMatchObject({ outcome: 'applied', acknowledgedSequence: 6 });
    expect(answer.folios.map((assigned) => [assigned.eventId, assigned.finalFolio])).toEqual([
      [facts[0]!.eventId, folio(1)],
      [facts[1]!.eventId, folio(2)],
      [facts[2]!.eventId, folio(5)],
      [facts[3]!.eventId, folio(6)],
    ]);
    const problems = (
      await conflictsFor(
        'folio_gap',
        facts.map((fact) => fact.eventId),
      )
    ).map((row) => {
      const details = row.details as { problem: string; number: number | null; expectedNumber: number };
      return [row.event_ids[0], details.problem, details.number, details.expectedNumber];
    });
    expect(problems).toEqual([
      [facts[2]!.eventId, 'gap', 5, 3],
      [facts[4]!.eventId, 'repeated', 6, 7],
      [facts[5]!.eventId, 'malformed', null, 7],
    ]);
    const nextNumber = await server.database.system
      .selectFrom('folio_series')
      .select('next_number')
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', series.id)
      .executeTakeFirstOrThrow();
    expect(nextNumber.next_number).toBe(7);
    const sales = await server.database.system
      .selectFrom('sales')
      .select('final_folio')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminal.terminalId)
      .execute();
    expect(sales).toHaveLength(6);
  });
});
