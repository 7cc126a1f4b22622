import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('refunds and voids at the till', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('refunds offline only with a manager PIN, and the fact names both people', async () => {
    const { engine } = await activatedTerminal(server);
    const sold = await sellProduct(engine, 'glue', 3);
    if (!sold.ok) throw new Error(sold.code);
    await server.stop();
    const lineId = sold.sale.lines[0]?.lineId ?? '';
    const request = {
      saleId: sold.sale.saleId,
      lines: [{ lineId, quantity: { quantityMilli: 1_000 } }],
      reason: 'rota',
    };

    expect(await engine.refundSale(request)).toEqual({
      ok: false,
      code: 'APPROVAL_REQUIRED',
      permission: 'refund.issue',
    });
    expect(await engine.refundSale({ ...request, approval: { pin: '0000' } })).toMatchObject({
      ok: false,
      code: 'INVALID_PIN',
    });
    expect(await engine.refundSale({ ...request, approval: { pin: fixture.cashierPin } })).toMatchObject({
      ok: false,
      code: 'INVALID_PIN',
    });
    expect(
      await engine.refundSale({
        ...request,
        approval: { userId: fixture.cashierId, pin: fixture.cashierPin },
      }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN', permission: 'refund.issue' });

    const refunded = await engine.refundSale({ ...request, approval: { pin: fixture.managerPin } });
    expect(refunded).toMatchObject({
      ok: true,
      refund: { totalMinor: 4_990, approvedByUserId: fixture.managerId },
    });
    const facts = [];
    for await (const stored of engine.exportFacts()) facts.push(stored.envelope);
    expect(facts.at(-1)).toMatchObject({
      actor: { userId: fixture.cashierId, approvedByUserId: fixture.managerId },
      payload: { type: 'RefundIssued', totalMinor: 4_990, tenders: [{ kind: 'cash', amountMinor: 4_990 }] },
    });
  });

  it('prices partial refunds so that they add up to the line total exactly', async () => {
    const { engine } = await activatedTerminal(server, { login: 'manager' });
    const sold = await sellProduct(engine, 'nails', 1); // 11.50
    if (!sold.ok) throw new Error(sold.code);
    const lineId = sold.sale.lines[0]?.lineId ?? '';
    const amounts = [];
    for (const quantityMilli of [333, 333, 334]) {
      const refunded = await engine.refundSale({
        saleId: sold.sale.saleId,
        lines: [{ lineId, quantity: { quantityMilli }, stockDestination: 'shrinkage' }],
        reason: 'pesada mal',
      });
      if (!refunded.ok) throw new Error(refunded.code);
      amounts.push(refunded.refund.totalMinor);
    }
    expect(amounts).toEqual([383, 383, 384]);
    expect(
      await engine.refundSale({
        saleId: sold.sale.saleId,
        lines: [{ lineId, quantity: { quantityMilli: 1 } }],
        reason: 'otra',
      }),
    ).toEqual({ ok: false, code: 'REFUND_QUANTITY_EXCEEDED', lineId, quantityRefundable: '0' });
  });

  it('voids a whole sale with a manager PIN, once, and not after a refund', async () => {
    const { engine } = await activatedTerminal(server);
    const kept = await sellProduct(engine, 'hammer');
    const refundedSale = await sellProduct(engine, 'glue');
    if (!kept.ok || !refundedSale.ok) throw new Error('sale failed');
    const approval = { pin: fixture.managerPin };
    await engine.refundSale({
      saleId: refundedSale.sale.saleId,
      lines: [{ lineId: refundedSale.sale.lines[0]?.lineId ?? '', quantity: { quantityMilli: 1_000 } }],
      reason: 'cambio',
      approval,
    });
    expect(
      await engine.voidSale({ saleId: refundedSale.sale.saleId, reason: 'error', approval }),
    ).toMatchObject({
      ok: false,
      code: 'SALE_HAS_REFUNDS',
    });
    expect(await engine.voidSale({ saleId: kept.sale.saleId, reason: 'error' })).toMatchObject({
      ok: false,
      code: 'APPROVAL_REQUIRED',
      permission: 'sale.void',
    });
    expect(await engine.voidSale({ saleId: kept.sale.saleId, reason: ' ', approval })).toMatchObject({
      ok: false,
      code: 'REASON_REQUIRED',
    });
    const voided = await engine.voidSale({
      saleId: kept.sale.saleId,
      reason: 'cliente se arrepintió',
      approval,
    });
    expect(voided).toMatchObject({
      ok: true,
      sale: { voided: { reason: 'cliente se arrepintió', stockDestination: 'restock' } },
    });
    expect(await engine.voidSale({ saleId: kept.sale.saleId, reason: 'otra vez', approval })).toMatchObject({
      ok: false,
      code: 'SALE_ALREADY_VOIDED',
    });
    expect(
      await engine.voidSale({ saleId: '0190a000-0000-7000-8000-000000000000', reason: 'x', approval }),
    ).toMatchObject({
      ok: false,
      code: 'SALE_NOT_FOUND',
    });
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0, acknowledgedSequence: 4 });
  });
});
