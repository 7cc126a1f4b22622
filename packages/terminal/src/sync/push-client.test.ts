import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, sellProduct, startSeededServer } from '../testing/fixtures';

describe('pushing the outbox', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('sends facts in sequence order, in batches from the first unacknowledged one', async () => {
    const { engine } = await activatedTerminal(server, { pushBatchFactsMax: 2 });
    for (let sale = 0; sale < 5; sale += 1) await sellProduct(engine, 'glue');
    const result = await engine.sync();
    expect(result).toMatchObject({ outcome: 'ok', acknowledgedSequence: 5, pendingCount: 0 });
    expect(server.pushes.map((push) => push.sequences)).toEqual([[1, 2], [3, 4], [5]]);
    await sellProduct(engine, 'glue');
    await engine.sync();
    expect(server.pushes.at(-1)?.sequences).toEqual([6]);
    const identity = await engine.identity();
    expect(server.facts(identity?.terminalId ?? '').map((fact) => fact.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('retries an unknown outcome with the same facts, and the server ends with each exactly once', async () => {
    const { engine } = await activatedTerminal(server);
    await sellProduct(engine, 'hammer');
    await sellProduct(engine, 'nails', 2);
    server.dropPushResponses = 1;
    const lost = await engine.sync();
    expect(lost).toMatchObject({ outcome: 'unknown', code: 'SERVER_UNREACHABLE' });
    // The server committed both; the terminal does not know and keeps them pending.
    expect((await engine.status()).pendingCount).toBe(2);

    const retried = await engine.sync();
    expect(retried).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    const [first, second] = server.pushes;
    expect(first?.outcome).toBe('dropped');
    expect(second?.sequences).toEqual(first?.sequences);
    const identity = await engine.identity();
    const onServer = server.facts(identity?.terminalId ?? '');
    expect(onServer.map((fact) => fact.eventId)).toHaveLength(
      new Set(onServer.map((fact) => fact.eventId)).size,
    );
    expect(onServer).toHaveLength(2);
  });

  it('keeps facts pending through a server error and sends them when it recovers', async () => {
    const { engine } = await activatedTerminal(server);
    await sellProduct(engine, 'hammer');
    server.failRequests = 1;
    expect(await engine.sync()).toMatchObject({ outcome: 'unknown', code: 'SYNC_OUTCOME_UNKNOWN' });
    expect((await engine.status()).pendingCount).toBe(1);
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
  });

  it('answers a gap by sending again from the expected sequence, with acknowledged facts it retained', async () => {
    const { engine } = await activatedTerminal(server);
    for (let sale = 0; sale < 4; sale += 1) await sellProduct(engine, 'glue');
    await engine.sync();
    const identity = await engine.identity();
    const terminalId = identity?.terminalId ?? '';
    const before = server.facts(terminalId).map((fact) => fact.hash);
    server.restoreFromBackup(terminalId, 1);
    await sellProduct(engine, 'glue');

    const result = await engine.sync();
    expect(result).toMatchObject({ outcome: 'ok', acknowledgedSequence: 5, pendingCount: 0 });
    const resent = server.pushes.slice(1).map((push) => [push.outcome, push.sequences]);
    expect(resent).toEqual([
      ['gap', [5]],
      ['applied', [2, 3, 4, 5]],
    ]);
    expect(
      server
        .facts(terminalId)
        .map((fact) => fact.hash)
        .slice(0, 4),
    ).toEqual(before);
  });

  it('stops pushing at a fork and asks for re-activation, keeping every fact', async () => {
    const { engine: original } = await activatedTerminal(server);
    await sellProduct(original, 'glue');
    await original.sync();
    const identity = await original.identity();
    const terminalId = identity?.terminalId ?? '';
    // A clone of the device pushed its own fact 2 first.
    const { engine: clone } = await activatedTerminal(server);
    await sellProduct(clone, 'glue');
    await sellProduct(clone, 'glue');
    const cloneFacts = [];
    for await (const stored of clone.exportFacts()) cloneFacts.push(stored.envelope);
    server.injectForeignFact(terminalId, { ...(cloneFacts[1] ?? cloneFacts[0]!), terminalId });

    await sellProduct(original, 'hammer');
    const result = await original.sync();
    expect(result).toMatchObject({ outcome: 'failed', code: 'TERMINAL_REACTIVATION_REQUIRED' });
    const status = await original.status();
    expect(status).toMatchObject({ activation: 'reactivation_required', pendingCount: 1 });
    const pushesAfterFork = server.pushes.length;
    expect(await original.sync()).toEqual({ outcome: 'skipped', code: 'TERMINAL_REACTIVATION_REQUIRED' });
    expect(server.pushes).toHaveLength(pushesAfterFork);
    expect(await sellProduct(original, 'glue')).toMatchObject({
      ok: false,
      code: 'TERMINAL_REACTIVATION_REQUIRED',
    });
  });

  it('stores the final folio the server assigns, so reprints show it', async () => {
    const { engine } = await activatedTerminal(server);
    const sold = await sellProduct(engine, 'hammer');
    if (!sold.ok) throw new Error(sold.code);
    expect(sold.sale.finalFolio).toBeNull();
    await engine.sync();
    const reprint = await engine.getSale(sold.sale.saleId);
    expect(reprint?.finalFolio).toBe('MAIN-01-00000001');
    expect((await engine.findSaleByFolio('MAIN-01-00000001'))?.saleId).toBe(sold.sale.saleId);
    expect((await engine.findSaleByFolio(sold.sale.provisionalFolio))?.saleId).toBe(sold.sale.saleId);
  });
});
