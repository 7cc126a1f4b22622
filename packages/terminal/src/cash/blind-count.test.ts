import { money } from '@mostrador/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';

describe('shifts and the blind count', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('takes the count first and only then reveals expected cash and over/short', async () => {
    const { engine } = await activatedTerminal(server);
    server.unreachable = true;
    const approval = { pin: fixture.managerPin };
    expect(await engine.openShift({ openingFloat: money(50_000, 'MXN') })).toMatchObject({
      ok: false,
      code: 'APPROVAL_REQUIRED',
      permission: 'shift.manage',
    });
    const opened = await engine.openShift({ openingFloat: money(50_000, 'MXN'), approval });
    expect(opened).toMatchObject({
      ok: true,
      shift: { openingFloatMinor: 50_000, openedByUserId: fixture.managerId },
    });

    const sold = await sellProduct(engine, 'glue', 3); // 149.70 in cash, paid 300.00, change 150.30
    if (!sold.ok) throw new Error(sold.code);
    const started = await engine.newCart();
    if (!started.ok) throw new Error(started.code);
    const carded = await engine.addToCart(started.cart, { code: fixture.products.hammer.sku });
    if (!carded.ok || !('cart' in carded)) throw new Error('no cart');
    const byCard = await engine.completeSale({
      cart: carded.cart,
      tenders: [{ kind: 'card', amount: money(25_000, 'MXN'), reference: 'AUTH-1' }],
    });
    expect(byCard.ok).toBe(true);
    for (const [kind, amountMinor] of [
      ['pay_in', 5_000],
      ['pay_out', 2_000],
      ['drop', 10_000],
    ] as const) {
      expect(
        await engine.recordCashMovement({ kind, amount: money(amountMinor, 'MXN'), reason: 'prueba' }),
      ).toMatchObject({
        ok: true,
      });
    }
    const line = sold.sale.lines[0];
    if (line === undefined) throw new Error('no line');
    expect(
      await engine.refundSale({
        saleId: sold.sale.saleId,
        lines: [{ lineId: line.lineId, quantity: { quantityMilli: 1_000 } }],
        reason: 'no pegaba',
        approval,
      }),
    ).toMatchObject({ ok: true, refund: { totalMinor: 4_990 } });

    // While open, nothing shows what the drawer should hold.
    const open = await engine.currentShift();
    expect(open).toBeDefined();
    expect(Object.keys(open ?? {}).some((key) => /expected|overShort/i.test(key))).toBe(false);
    expect(JSON.stringify(await engine.status())).not.toMatch(/expected/i);

    expect(
      await engine.closeShift({
        denominations: [
          { valueMinor: 50_000, count: 1 },
          { valueMinor: 50_000, count: 1 },
        ],
        approval,
      }),
    ).toMatchObject({
      ok: false,
      code: 'COUNT_INVALID',
    });
    const counted = [
      { valueMinor: 50_000, count: 1 },
      { valueMinor: 2_000, count: 1 },
      { valueMinor: 1_000, count: 1 },
    ];
    const closed = await engine.closeShift({ denominations: counted, approval });
    // 500.00 float + 149.70 cash sale − 49.90 cash refund + 50.00 in − 20.00 out − 100.00 drop = 529.80.
    expect(closed).toEqual({
      ok: true,
      shiftId: opened.ok ? opened.shift.shiftId : '',
      countedCashMinor: 53_000,
      expectedCashMinor: 52_980,
      overShortMinor: 20,
    });
    expect(await engine.currentShift()).toBeUndefined();
    const facts = [];
    for await (const stored of engine.exportFacts()) facts.push(stored.envelope.payload);
    expect(facts.at(-1)).toMatchObject({
      type: 'ShiftClosed',
      countedCashMinor: 53_000,
      expectedCashMinor: 52_980,
      overShortMinor: 20,
    });
    expect(
      await engine.recordCashMovement({ kind: 'pay_in', amount: money(1, 'MXN'), reason: 'tarde' }),
    ).toMatchObject({
      ok: false,
      code: 'SHIFT_NOT_OPEN',
    });
  });
});
