import type { FactEnvelope, PushResponse } from '@mostrador/core';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFolio } from '../folios/folio-assignment';
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
  newDeviceKeys,
  onHand,
  pricedVariants,
  push,
  pushBatch,
  salePayload,
  syncAppFor,
  TestTerminal,
} from './push-test-kit';

describe('push: append and apply facts exactly once', () => {
  let server: TestServer;
  let sync: AppInstance;
  let tenant: TestTenant;
  let manager: string;
  let terminal: TestTerminal;
  let variants: { variantId: string; priceMinor: number }[];
  let warehouseId: string;

  beforeAll(async () => {
    server = await startTestServer();
    sync = await syncAppFor(server);
    tenant = await createTestTenant(server.database, 10);
    // The MX store numbers its documents in one series shared by its tills (per store).
    manager = await login(server.app, tenant, tenant.emails.managerMx);
    terminal = await activateTerminal(server, tenant, manager, 'MX', tenant.userIds.managerMx);
    variants = await pricedVariants(server.database, tenant.tenantId, 'MXN', 3);
    warehouseId = tenant.warehouseIds.MX;
  });
  afterAll(async () => {
    if (sync !== server.app) await sync.close();
    await server.close();
  });

  const counts = async () => {
    const tables = [
      'facts',
      'sales',
      'sale_lines',
      'sale_tenders',
      'refunds',
      'voids',
      'cash_movements',
    ] as const;
    const result: Record<string, number> = {};
    for (const table of tables) {
      const row = await server.database.system
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('tenant_id', '=', tenant.tenantId)
        .executeTakeFirstOrThrow();
      result[table] = Number(row.count);
    }
    const movements = await sql<{ count: number }>`
      SELECT count(*)::int AS count FROM stock_movements WHERE tenant_id = ${tenant.tenantId} AND reference LIKE 'event:%'
    `.execute(server.database.system);
    result.stock_movements = movements.rows[0]?.count ?? 0;
    return result;
  };

  const pushNow = (facts: readonly unknown[], device = terminal) => {
    server.clock.now = new Date();
    return push(sync, device, facts);
  };

  /** A shift with two sales, a refund, a void, three cash movements and a blind close. */
  async function recordShift(device: TestTerminal) {
    const [coffee, cheese, water] = variants as [
      (typeof variants)[0],
      (typeof variants)[0],
      (typeof variants)[0],
    ];
    const shiftId = uuidv7();
    const facts: FactEnvelope[] = [];
    facts.push(
      await device.record({ type: 'ShiftOpened', shiftId, openingFloatMinor: 50_000, currency: 'MXN' }),
    );
    const first = salePayload({
      currency: 'MXN',
      shiftId,
      provisionalFolio: device.nextProvisionalFolio(),
      lines: [
        { variantId: coffee.variantId, warehouseId, quantity: '2', unitPriceMinor: coffee.priceMinor },
        { variantId: cheese.variantId, warehouseId, quantity: '1.5', unitPriceMinor: cheese.priceMinor },
      ],
      cashGivenMinor: 2 * coffee.priceMinor + Math.round(1.5 * cheese.priceMinor) + 1_000,
    });
    facts.push(await device.record(first));
    const second = salePayload({
      currency: 'MXN',
      shiftId,
      provisionalFolio: device.nextProvisionalFolio(),
      lines: [{ variantId: water.variantId, warehouseId, quantity: '1', unitPriceMinor: water.priceMinor }],
      cardMinor: Math.floor(water.priceMinor / 2),
    });
    facts.push(await device.record(second));
    const refundLine = first.lines[0]!;
    facts.push(
      await device.record(
        {
          type: 'RefundIssued',
          refundId: uuidv7(),
          saleId: first.saleId,
          currency: 'MXN',
          lines: [
            {
              lineId: refundLine.lineId,
              variantId: refundLine.variantId,
              quantity: '1',
              amountMinor: coffee.priceMinor,
              stockDestination: 'restock',
              warehouseId,
            },
          ],
          tenders: [{ kind: 'cash', amountMinor: coffee.priceMinor, reference: null }],
          totalMinor: coffee.priceMinor,
          reason: 'Cliente devolvió un café',
        },
        { approvedByUserId: tenant.userIds.managerMx },
      ),
    );
    facts.push(
      await device.record({
        type: 'SaleVoided',
        saleId: second.saleId,
        reason: 'Se arrepintió',
        stockDestination: 'restock',
      }),
    );
    const movements = [
      { kind: 'pay_in' as const, amountMinor: 500 },
      { kind: 'pay_out' as const, amountMinor: 1_000 },
      { kind: 'drop' as const, amountMinor: 2_000 },
    ];
    for (const movement of movements) {
      facts.push(
        await device.record({
          type: 'CashMovementRecorded',
          movementId: uuidv7(),
          shiftId,
          currency: 'MXN',
          reason: 'Movimiento de caja',
          ...movement,
        }),
      );
    }
    const firstCash = first.tenders.find((tender) => tender.kind === 'cash')!.amountMinor;
    const secondCash = second.tenders.find((tender) => tender.kind === 'cash')?.amountMinor ?? 0;
    const expected =
      50_000 +
      firstCash -
      first.changeMinor +
      secondCash -
      second.changeMinor -
      coffee.priceMinor -
      (secondCash - second.changeMinor) +
      500 -
      1_000 -
      2_000;
    const counted = expected - 300;
    facts.push(
      await device.record({
        type: 'ShiftClosed',
        shiftId,
        countedCashMinor: counted,
        currency: 'MXN',
        denominations: [{ valueMinor: 1, count: counted }],
        expectedCashMinor: expected,
        overShortMinor: -300,
      }),
    );
    return { facts, shiftId, expected, counted, first, second };
  }

  let shift: Awaited<ReturnType<typeof recordShift>>;
  let firstAnswer: PushResponse;

  it('applies a whole shift in one batch and keeps stock, money and folios consistent', async () => {
    const before = await Promise.all(
      variants.map((variant) => onHand(server.database, tenant.tenantId, warehouseId, variant.variantId)),
    );
    shift = await recordShift(terminal);
    const notedBefore = server.database.statistics.factsSinceAnalyze();
    firstAnswer = await pushNow(shift.facts);
    // Counted toward the next ANALYZE (PGlite has no autovacuum): every fact stored, once.
    expect(server.database.statistics.factsSinceAnalyze()).toBe(notedBefore + shift.facts.length);
    expect(firstAnswer).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: shift.facts.length,
      expectedSequence: shift.facts.length + 1,
      serverHead: { sequence: shift.facts.length, hash: terminal.prevHash },
      rejectedAt: null,
    });
    // Two sales and a refund numbered in the store's shared series.
    const refundId = (shift.facts[3]!.payload as { refundId: string }).refundId;
    // Folios come ordered by series and number; the store's sale series was created before its refund series.
    expect(
      firstAnswer.folios.map((folio) => [folio.documentId, folio.provisionalFolio, folio.finalFolio]),
    ).toEqual([
      [shift.first.saleId, shift.first.provisionalFolio, 'MX-01-00000001'],
      [shift.second.saleId, shift.second.provisionalFolio, 'MX-01-00000002'],
      [refundId, refundId, 'MX-03-00000001'],
    ]);

    // The journal keeps each fact as pushed: its envelope reads back equal, hash and signature too.
    const journal = await server.database.system
      .selectFrom('facts')
      .select(['sequence', 'envelope'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminal.terminalId)
      .orderBy('sequence')
      .execute();
    expect(journal.map((row) => row.envelope)).toEqual(shift.facts);

    expect(await counts()).toMatchObject({
      facts: 9,
      sales: 2,
      sale_lines: 3,
      refunds: 1,
      voids: 1,
      cash_movements: 3,
    });
    const closed = await server.database.system
      .selectFrom('shifts')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', shift.shiftId)
      .executeTakeFirstOrThrow();
    expect(closed).toMatchObject({
      expected_cash_minor: shift.expected,
      device_expected_cash_minor: shift.expected,
      counted_cash_minor: shift.counted,
      over_short_minor: -300,
      cash_in_minor: 500,
      cash_out_minor: 3_000,
    });
    const voided = await server.database.system
      .selectFrom('sales')
      .select('status')
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', shift.second.saleId)
      .executeTakeFirstOrThrow();
    expect(voided.status).toBe('voided');

    const after = await Promise.all(
      variants.map((variant) => onHand(server.database, tenant.tenantId, warehouseId, variant.variantId)),
    );
    expect(Number(after[0]) - Number(before[0])).toBeCloseTo(-1, 3);
    expect(Number(after[1]) - Number(before[1])).toBeCloseTo(-1.5, 3);
    expect(after[2]).toBe(before[2]);
    expect(await conflictsOfTenant()).toEqual([]);
    await expectInvariants();
  });

  it('acknowledges a byte-identical replay again, with the same folios, and duplicates nothing', async () => {
    const before = await counts();
    const notedBefore = server.database.statistics.factsSinceAnalyze();
    const again = await pushNow(shift.facts);
    expect(server.database.statistics.factsSinceAnalyze()).toBe(notedBefore);
    expect(again).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: 9,
      serverHead: firstAnswer.serverHead,
    });
    expect(again.folios).toEqual(firstAnswer.folios);
    expect(await counts()).toEqual(before);
  });

  it('after a timeout the same batch sent again changes nothing, and a partly stored batch applies its new part', async () => {
    const sale = () =>
      salePayload({
        currency: 'MXN',
        provisionalFolio: terminal.nextProvisionalFolio(),
        lines: [
          {
            variantId: variants[2]!.variantId,
            warehouseId,
            quantity: '1',
            unitPriceMinor: variants[2]!.priceMinor,
          },
        ],
      });
    const eleven = await terminal.record(sale());
    const twelve = await terminal.record(sale());
    const committed = await pushNow([eleven, twelve]);
    expect(committed).toMatchObject({ outcome: 'applied', acknowledgedSequence: twelve.sequence });
    expect(committed.folios.map((folio) => folio.finalFolio)).toEqual(['MX-01-00000003', 'MX-01-00000004']);
    const afterCommit = await counts();
    // The answer was lost; the terminal sends the same batch again.
    const resent = await pushNow([eleven, twelve]);
    expect(resent).toEqual({ ...committed, serverTime: resent.serverTime });
    expect(await counts()).toEqual(afterCommit);

    const thirteen = await terminal.record(sale());
    const overlapping = await pushNow([twelve, thirteen]);
    expect(overlapping).toMatchObject({ outcome: 'applied', acknowledgedSequence: thirteen.sequence });
    expect(overlapping.folios.map((folio) => folio.eventId).sort()).toEqual(
      [twelve.eventId, thirteen.eventId].sort(),
    );
    expect((await counts()).sales).toBe(afterCommit.sales! + 1);
    await expectInvariants();
  });

  it('formats a per-store number past eight digits in full, as formatFolio does', async () => {
    const other = await createTestTenant(server.database, 2);
    const otherManager = await login(server.app, other, other.emails.managerMx);
    const till = await activateTerminal(server, other, otherManager, 'MX', other.userIds.managerMx);
    const [variant] = await pricedVariants(server.database, other.tenantId, 'MXN', 1);
    const series = await server.database.system
      .updateTable('folio_series')
      .set({ next_number: 99_999_999 })
      .where('tenant_id', '=', other.tenantId)
      .where('store_id', '=', other.storeIds.MX)
      .where('document_type', '=', 'sale')
      .where('terminal_id', 'is', null)
      .returning(['id', 'prefix'])
      .executeTakeFirstOrThrow();
    const facts: FactEnvelope[] = [];
    for (let index = 0; index < 2; index += 1) {
      facts.push(
        await till.record(
          salePayload({
            currency: 'MXN',
            provisionalFolio: till.nextProvisionalFolio(),
            lines: [
              {
                variantId: variant!.variantId,
                warehouseId: other.warehouseIds.MX,
                quantity: '1',
                unitPriceMinor: variant!.priceMinor,
              },
            ],
          }),
        ),
      );
    }
    server.clock.now = new Date();
    const answer = await push(sync, till, facts);
    expect(answer.outcome).toBe('applied');
    const expected = [formatFolio(series.prefix, 99_999_999), formatFolio(series.prefix, 100_000_000)];
    expect(expected).toEqual(['MX-01-99999999', 'MX-01-100000000']);
    expect(answer.folios.map((folio) => folio.finalFolio)).toEqual(expected);
    const stored = await server.database.system
      .selectFrom('sales')
      .select(['id', 'final_folio'])
      .where('tenant_id', '=', other.tenantId)
      .execute();
    expect(new Map(stored.map((row) => [row.id, row.final_folio]))).toEqual(
      new Map(answer.folios.map((folio) => [folio.documentId, folio.finalFolio])),
    );
  });

  it('answers a gap with the sequence it expects and stores nothing past it', async () => {
    const head = terminal.sequence;
    const skipped = await terminal.record(cashIn());
    const beyond = await terminal.record(cashIn());
    const before = await counts();
    const answer = await pushNow([beyond]);
    expect(answer).toMatchObject({ outcome: 'gap', acknowledgedSequence: head, expectedSequence: head + 1 });
    expect(await counts()).toEqual(before);
    expect(await pushNow([skipped, beyond])).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: head + 2,
    });
  });

  it('refuses a tampered fact and a forged signature, keeping the good facts before them', async () => {
    const good = await terminal.record(cashIn());
    const tampered = { ...(await terminal.record(cashIn())) };
    tampered.payload = { ...tampered.payload, amountMinor: 999_999 } as FactEnvelope['payload'];
    const before = await counts();
    const answer = await pushNow([good, tampered]);
    expect(answer).toMatchObject({
      outcome: 'rejected',
      rejectedAt: tampered.sequence,
      reason: 'HASH_MISMATCH',
      acknowledgedSequence: good.sequence,
    });
    expect((await counts()).facts).toBe(before.facts! + 1);

    const forger = newDeviceKeys();
    const forged = await new TestTerminal(
      tenant.tenantId,
      tenant.storeIds.MX,
      terminal.terminalId,
      terminal.credential,
      forger.sign,
      tenant.userIds.managerMx,
    ).sealAt(tampered.sequence, good.hash, cashIn());
    const refused = await pushNow([forged]);
    expect(refused).toMatchObject({
      outcome: 'rejected',
      rejectedAt: tampered.sequence,
      reason: 'SIGNATURE_INVALID',
      acknowledgedSequence: good.sequence,
    });
    expect((await counts()).facts).toBe(before.facts! + 1);
    // A genuine fact at that sequence still goes through.
    terminal.sequence = good.sequence;
    terminal.prevHash = good.hash;
    expect(await pushNow([await terminal.record(cashIn())])).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: good.sequence + 1,
    });
  });

  it("refuses facts whose envelope names another tenant, terminal or store than the device's", async () => {
    const other = await createTestTenant(server.database, 2);
    const head = terminal.sequence;
    const impostor = new TestTerminal(
      other.tenantId,
      tenant.storeIds.MX,
      terminal.terminalId,
      terminal.credential,
      terminal.sign,
      tenant.userIds.managerMx,
    );
    const crossTenant = await impostor.sealAt(head + 1, terminal.prevHash, cashIn());
    expect(await pushNow([crossTenant])).toMatchObject({
      outcome: 'rejected',
      reason: 'TENANT_MISMATCH',
      acknowledgedSequence: head,
    });
    const otherStore = new TestTerminal(
      tenant.tenantId,
      tenant.storeIds.CR,
      terminal.terminalId,
      terminal.credential,
      terminal.sign,
      tenant.userIds.managerMx,
    );
    const wrongStore = await otherStore.sealAt(head + 1, terminal.prevHash, cashIn());
    expect(await pushNow([wrongStore])).toMatchObject({ outcome: 'rejected', reason: 'STORE_MISMATCH' });
    const stored = await server.database.system
      .selectFrom('facts')
      .select('tenant_id')
      .where('tenant_id', '=', other.tenantId)
      .execute();
    expect(stored).toEqual([]);
  });

  it('refuses an unauthenticated push and a malformed batch before reading any fact', async () => {
    const anonymous = await sync.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      payload: { protocolVersion: 1, facts: [{}] },
    });
    expect(anonymous.statusCode).toBe(401);
    const bearerOnly = await sync.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: bearer(manager),
      payload: { protocolVersion: 1, facts: [{}] },
    });
    expect(bearerOnly.statusCode).toBe(401);
    const empty = await pushBatch(sync, terminal, []);
    expect(empty.statusCode).toBe(400);
    const head = terminal.sequence;
    const malformed = await pushNow([{ sequence: head + 1, not: 'a fact' }]);
    expect(malformed).toMatchObject({
      outcome: 'rejected',
      rejectedAt: head + 1,
      reason: 'SCHEMA',
      acknowledgedSequence: head,
    });
  });

  it('when the server was restored behind what it acknowledged, asks for the lost facts and takes them once', async () => {
    const head = terminal.sequence;
    const eighteen = await terminal.record(cashIn());
    const nineteen = await terminal.record(
      salePayload({
        currency: 'MXN',
        provisionalFolio: terminal.nextProvisionalFolio(),
        lines: [
          {
            variantId: variants[0]!.variantId,
            warehouseId,
            quantity: '1',
            unitPriceMinor: variants[0]!.priceMinor,
          },
        ],
      }),
    );
    expect(await pushNow([eighteen, nineteen])).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: head + 2,
    });
    const stockBefore = await onHand(server.database, tenant.tenantId, warehouseId, variants[0]!.variantId);
    const before = await counts();
    // A restore from a backup taken before 18 and 19 arrived: the journal has lost them.
    await server.database.system
      .deleteFrom('facts')
      .where('tenant_id', '=', tenant.tenantId)
      .where('terminal_id', '=', terminal.terminalId)
      .where('sequence', '>', head)
      .execute();
    const twenty = await terminal.record(cashIn());
    expect(await pushNow([twenty])).toMatchObject({
      outcome: 'gap',
      acknowledgedSequence: head,
      expectedSequence: head + 1,
    });
    const resent = await pushNow([eighteen, nineteen, twenty]);
    expect(resent).toMatchObject({ outcome: 'applied', acknowledgedSequence: head + 3 });
    // The sale's folio, assigned before the restore, is given again.
    expect(resent.folios.map((folio) => folio.eventId)).toEqual([nineteen.eventId]);
    // The projections that survived are not applied twice: only the twentieth fact adds anything.
    expect(await onHand(server.database, tenant.tenantId, warehouseId, variants[0]!.variantId)).toBe(
      stockBefore,
    );
    expect(await counts()).toEqual({
      ...before,
      facts: before.facts! + 1,
      cash_movements: before.cash_movements! + 1,
    });
    await expectInvariants();
  });

  it('when applying a fact fails, the facts before it are still applied and acknowledged', async () => {
    const head = terminal.sequence;
    const facts = [await terminal.record(cashIn()), await terminal.record(cashIn())];
    const poisoned = cashIn();
    facts.push(await terminal.record(poisoned), await terminal.record(cashIn()));
    // A server bug, simulated: the database refuses the third fact's projection.
    const trigger = `refuse_${poisoned.movementId.replaceAll('-', '_')}`;
    await sql
      .raw(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = '${poisoned.movementId}' THEN RAISE EXCEPTION 'simulated bug'; END IF; RETURN NEW; END $$`)
      .execute(server.database.system);
    await sql
      .raw(
        `CREATE TRIGGER ${trigger} BEFORE INSERT ON cash_movements FOR EACH ROW EXECUTE FUNCTION ${trigger}()`,
      )
      .execute(server.database.system);
    try {
      expect(await pushNow(facts)).toMatchObject({ outcome: 'applied', acknowledgedSequence: head + 2 });
      const stuck = await pushBatch(sync, terminal, facts.slice(2));
      expect(stuck.statusCode).toBe(500);
    } finally {
      await sql.raw(`DROP TRIGGER ${trigger} ON cash_movements`).execute(server.database.system);
      await sql.raw(`DROP FUNCTION ${trigger}()`).execute(server.database.system);
    }
    // Once the bug is fixed, the same facts go through.
    expect(await pushNow(facts.slice(2))).toMatchObject({
      outcome: 'applied',
      acknowledgedSequence: head + 4,
    });
    await expectInvariants();
  });

  function cashIn() {
    return {
      type: 'CashMovementRecorded' as const,
      movementId: uuidv7(),
      shiftId: shift.shiftId,
      kind: 'pay_in' as const,
      amountMinor: 100,
      currency: 'MXN',
      reason: 'Fondo adicional',
    };
  }

  async function conflictsOfTenant() {
    return server.database.system
      .selectFrom('conflicts')
      .select('kind')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
  }

  /** Invariants 3, 4 and 6 over everything this tenant holds. */
  async function expectInvariants() {
    const stock = await sql<{ on_hand: string; moved: string }>`
      SELECT l.qty_on_hand::text AS on_hand, coalesce(sum(m.qty_delta), 0)::numeric(14, 3)::text AS moved
      FROM stock_levels l LEFT JOIN stock_movements m
        ON m.tenant_id = l.tenant_id AND m.warehouse_id = l.warehouse_id AND m.variant_id = l.variant_id
      WHERE l.tenant_id = ${tenant.tenantId}
      GROUP BY l.warehouse_id, l.variant_id, l.qty_on_hand
    `.execute(server.database.system);
    for (const row of stock.rows) expect(row.moved).toBe(row.on_hand);

    const money = await sql<{ id: string; paid: number; due: number }>`
      SELECT s.id, (sum(t.amount_minor) - s.change_minor)::int AS paid, (s.total_minor + s.cash_rounding_minor)::int AS due
      FROM sales s JOIN sale_tenders t ON t.tenant_id = s.tenant_id AND t.sale_id = s.id
      WHERE s.tenant_id = ${tenant.tenantId}
      GROUP BY s.id, s.change_minor, s.total_minor, s.cash_rounding_minor
    `.execute(server.database.system);
    expect(money.rows.length).toBeGreaterThan(0);
    for (const row of money.rows) expect(row.paid).toBe(row.due);

    const folios = await sql<{ series_id: string; numbers: number[] }>`
      SELECT series_id, array_agg(number ORDER BY number) AS numbers FROM folio_assignments
      WHERE tenant_id = ${tenant.tenantId} GROUP BY series_id
    `.execute(server.database.system);
    for (const row of folios.rows) {
      const numbers = row.numbers.map(Number);
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    }
  }
});
