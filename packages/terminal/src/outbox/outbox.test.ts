import { money } from '@mostrador/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TerminalEngine } from '../engine';
import { storeKeys } from '../store-layout';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, manualClock, sellProduct, startSeededServer } from '../testing/fixtures';

async function payIns(engine: TerminalEngine, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const recorded = await engine.recordCashMovement({
      kind: 'pay_in',
      amount: money(100, 'MXN'),
      reason: `cambio ${index}`,
    });
    if (!recorded.ok) throw new Error(recorded.code);
  }
}

describe('the outbox', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('keeps all of 10,000 queued facts pending, drops none, and delivers them all in order', async () => {
    const { engine } = await activatedTerminal(server, { login: 'manager' });
    const opened = await engine.openShift({ openingFloat: money(50_000, 'MXN') });
    expect(opened.ok).toBe(true);
    server.unreachable = true;
    await payIns(engine, 9_999);
    expect(await engine.sync()).toMatchObject({ outcome: 'unknown' });

    const status = await engine.status();
    expect(status).toMatchObject({ pendingCount: 10_000, headSequence: 10_000, acknowledgedSequence: 0 });
    let expected = 1;
    for await (const stored of engine.exportFacts()) {
      expect(stored.envelope.sequence).toBe(expected);
      expect(stored.acknowledgedAt).toBeNull();
      expected += 1;
    }
    expect(expected).toBe(10_001);

    server.unreachable = false;
    expect(await engine.sync()).toMatchObject({
      outcome: 'ok',
      pendingCount: 0,
      acknowledgedSequence: 10_000,
    });
    const identity = await engine.identity();
    const onServer = server.facts(identity?.terminalId ?? '');
    expect(onServer.map((fact) => fact.sequence)).toEqual(
      Array.from({ length: 10_000 }, (_, index) => index + 1),
    );
    expect(Math.max(...server.pushes.map((push) => push.sequences.length))).toBe(200);
  }, 120_000);

  it('prunes only acknowledged facts older than the retention, never a pending one', async () => {
    const clock = manualClock();
    const { engine, store } = await activatedTerminal(server, { clock: clock.now, login: 'cashier' });
    const DAY_MS = 86_400_000;
    expect(await engine.setRetentionDays(30)).toEqual({ ok: true });
    const first = await sellProduct(engine, 'glue');
    await sellProduct(engine, 'glue');
    await engine.sync();
    clock.advance(20 * DAY_MS);
    await sellProduct(engine, 'glue');
    await engine.sync();
    clock.advance(5 * DAY_MS);
    server.unreachable = true;
    await sellProduct(engine, 'glue');

    // Day 25: nothing acknowledged 30 days ago yet.
    expect(await engine.pruneAcknowledged()).toEqual({ prunedCount: 0 });
    clock.advance(6 * DAY_MS);
    // Day 31: facts 1 and 2 were acknowledged on day 0; fact 3 on day 20; fact 4 is still pending.
    expect(await engine.pruneAcknowledged()).toEqual({ prunedCount: 2 });
    clock.advance(365 * DAY_MS);
    expect(await engine.pruneAcknowledged()).toEqual({ prunedCount: 1 });

    const kept = [];
    for await (const stored of engine.exportFacts()) kept.push(stored);
    expect(kept.map((stored) => [stored.envelope.sequence, stored.acknowledgedAt])).toEqual([[4, null]]);
    expect((await engine.status()).pendingCount).toBe(1);
    if (!first.ok) throw new Error(first.code);
    expect(await engine.getSale(first.sale.saleId)).toBeUndefined();
    expect(await store.read((transaction) => transaction.has(storeKeys.fact(fixture.tenantId, 1)))).toBe(
      false,
    );
  });
});
