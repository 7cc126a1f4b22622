import { type UnsignedFactEnvelope, unsignedEnvelopeSchema } from './envelope';
import type { FactPayload, FactType } from './fact-payload';
import { computeFactHash, GENESIS_PREV_HASH } from './hash-chain';
import { FACT_PROTOCOL_VERSION } from './protocol-version';

/*
 * A fixed, realistic chain of one terminal's facts: a shift with an offline sale, a second sale,
 * a refund, a void, a pay-out and a blind close. The test vectors and the tests are built from it,
 * so everything here is a constant: no clock, no random ids.
 */

/**
 * TEST ONLY — never a real device key. The 32 bytes are the ASCII text
 * "mostrador-fact-vectors-test-only", so that anyone who finds them knows what they are.
 */
export const TEST_ONLY_DEVICE_SEED = new TextEncoder().encode('mostrador-fact-vectors-test-only');

/** TEST ONLY — a second key, playing a forger or a cloned device. */
export const TEST_ONLY_FORGER_SEED = new TextEncoder().encode('mostrador-forger-key--test-only!');

export const EXAMPLE_IDS = {
  tenantId: 'a0000000-0000-4000-8000-000000000001',
  otherTenantId: 'a0000000-0000-4000-8000-000000000002',
  storeId: 'b0000000-0000-4000-8000-000000000001',
  terminalId: 'c0000000-0000-4000-8000-000000000001',
  otherTerminalId: 'c0000000-0000-4000-8000-000000000002',
  cashierUserId: 'd0000000-0000-4000-8000-000000000001',
  managerUserId: 'd0000000-0000-4000-8000-000000000002',
  warehouseId: 'e0000000-0000-4000-8000-000000000001',
  shiftId: 'f0000000-0000-4000-8000-000000000001',
  folioSeriesId: 'f1000000-0000-4000-8000-000000000001',
  customerId: 'f2000000-0000-4000-8000-000000000001',
  coffeeVariantId: 'f3000000-0000-4000-8000-000000000001',
  cheeseVariantId: 'f3000000-0000-4000-8000-000000000002',
  waterVariantId: 'f3000000-0000-4000-8000-000000000003',
  firstSaleId: 'f4000000-0000-4000-8000-000000000001',
  secondSaleId: 'f4000000-0000-4000-8000-000000000002',
  coffeeLineId: 'f5000000-0000-4000-8000-000000000001',
  cheeseLineId: 'f5000000-0000-4000-8000-000000000002',
  waterLineId: 'f5000000-0000-4000-8000-000000000003',
  refundId: 'f6000000-0000-4000-8000-000000000001',
  movementId: 'f7000000-0000-4000-8000-000000000001',
} as const;

/** A UUIDv7 whose 48-bit time prefix is the given instant and whose other bits are `counter`. */
export function exampleEventId(deviceTime: string, counter: number): string {
  const timeHex = Date.parse(deviceTime).toString(16).padStart(12, '0');
  const counterHex = counter.toString(16).padStart(12, '0');
  return `${timeHex.slice(0, 8)}-${timeHex.slice(8, 12)}-7000-8000-${counterHex}`;
}

interface ExampleFact {
  readonly deviceTime: string;
  readonly lastServerTime: string | null;
  readonly approvedByUserId: string | null;
  readonly payload: FactPayload;
}

const CURRENCY = 'MXN';

function exampleFacts(): ExampleFact[] {
  const ids = EXAMPLE_IDS;
  return [
    {
      deviceTime: '2026-11-23T08:00:05.120Z',
      lastServerTime: null,
      approvedByUserId: null,
      payload: { type: 'ShiftOpened', shiftId: ids.shiftId, openingFloatMinor: 50_000, currency: CURRENCY },
    },
    {
      // Rung up while the internet was down: weighed cheese, a percentage discount, card plus cash.
      deviceTime: '2026-11-23T10:15:30.123Z',
      lastServerTime: null,
      approvedByUserId: null,
      payload: {
        type: 'SaleCompleted',
        saleId: ids.firstSaleId,
        currency: CURRENCY,
        provisionalFolio: 'T01-000001',
        folioSeriesId: ids.folioSeriesId,
        shiftId: ids.shiftId,
        customerId: null,
        pricesIncludeTax: true,
        lines: [
          {
            lineId: ids.coffeeLineId,
            variantId: ids.coffeeVariantId,
            sku: 'CAFE-OLLA-500',
            name: 'Café de olla 500 g',
            quantity: '2',
            unitPriceMinor: 8_950,
            discountMinor: 0,
            taxRateBasisPoints: 1_600,
            taxMinor: 2_469,
            totalMinor: 17_900,
            warehouseId: ids.warehouseId,
          },
          {
            lineId: ids.cheeseLineId,
            variantId: ids.cheeseVariantId,
            sku: 'QUESO-COTIJA-KG',
            name: 'Queso añejo "Cotija" (kg)',
            quantity: '1.250',
            unitPriceMinor: 24_000,
            discountMinor: 1_500,
            taxRateBasisPoints: 0,
            taxMinor: 0,
            totalMinor: 28_500,
            warehouseId: ids.warehouseId,
          },
        ],
        subtotalMinor: 47_900,
        discountTotalMinor: 1_500,
        taxTotalMinor: 2_469,
        totalMinor: 46_400,
        tenders: [
          { kind: 'card', amountMinor: 20_000, reference: 'AUTH-004821' },
          { kind: 'cash', amountMinor: 30_000, reference: null },
        ],
        changeMinor: 3_600,
        cashRoundingMinor: 0,
        offline: true,
      },
    },
    {
      // Back online; the cash total 55.50 is rounded up to 56.00.
      deviceTime: '2026-11-23T11:02:47.009Z',
      lastServerTime: '2026-11-23T11:01:58.774Z',
      approvedByUserId: null,
      payload: {
        type: 'SaleCompleted',
        saleId: ids.secondSaleId,
        currency: CURRENCY,
        provisionalFolio: 'T01-000002',
        folioSeriesId: ids.folioSeriesId,
        shiftId: ids.shiftId,
        customerId: ids.customerId,
        pricesIncludeTax: true,
        lines: [
          {
            lineId: ids.waterLineId,
            variantId: ids.waterVariantId,
            sku: 'AGUA-600',
            name: 'Agua mineral 600 ml 💧',
            quantity: '3',
            unitPriceMinor: 1_850,
            discountMinor: 0,
            taxRateBasisPoints: 1_600,
            taxMinor: 766,
            totalMinor: 5_550,
            warehouseId: ids.warehouseId,
          },
        ],
        subtotalMinor: 5_550,
        discountTotalMinor: 0,
        taxTotalMinor: 766,
        totalMinor: 5_550,
        tenders: [{ kind: 'cash', amountMinor: 6_000, reference: null }],
        changeMinor: 400,
        cashRoundingMinor: 50,
        offline: false,
      },
    },
    {
      // Half a kilo of the cheese comes back spoiled; a manager approves with a PIN.
      deviceTime: '2026-11-23T12:30:00.000Z',
      lastServerTime: '2026-11-23T12:29:41.305Z',
      approvedByUserId: ids.managerUserId,
      payload: {
        type: 'RefundIssued',
        refundId: ids.refundId,
        saleId: ids.firstSaleId,
        currency: CURRENCY,
        lines: [
          {
            lineId: ids.cheeseLineId,
            variantId: ids.cheeseVariantId,
            quantity: '0.500',
            amountMinor: 11_400,
            stockDestination: 'shrinkage',
            warehouseId: ids.warehouseId,
          },
        ],
        tenders: [{ kind: 'cash', amountMinor: 11_400, reference: null }],
        totalMinor: 11_400,
        reason: 'Producto en mal estado / spoiled',
      },
    },
    {
      deviceTime: '2026-11-23T12:45:10.500Z',
      lastServerTime: '2026-11-23T12:29:41.305Z',
      approvedByUserId: ids.managerUserId,
      payload: {
        type: 'SaleVoided',
        saleId: ids.secondSaleId,
        reason: 'Cliente canceló la compra',
        stockDestination: 'restock',
      },
    },
    {
      // The reason holds a tab, a backslash, a line break and quotes, to pin down string escaping.
      deviceTime: '2026-11-23T15:20:00.042Z',
      lastServerTime: '2026-11-23T15:19:59.998Z',
      approvedByUserId: ids.managerUserId,
      payload: {
        type: 'CashMovementRecorded',
        movementId: ids.movementId,
        shiftId: ids.shiftId,
        kind: 'pay_out',
        amountMinor: 12_050,
        currency: CURRENCY,
        reason: 'Pago a proveedor de hielo\tRecibo C:\\hielo\\88\n"urgente"',
      },
    },
    {
      // Expected: 500.00 float + 264.00 net cash from the first sale + 56.00 from the second
      // − 114.00 refunded − 56.00 given back on the void − 120.50 paid out = 529.50.
      deviceTime: '2026-11-23T20:00:00.999Z',
      lastServerTime: '2026-11-23T19:58:02.481Z',
      approvedByUserId: null,
      payload: {
        type: 'ShiftClosed',
        shiftId: ids.shiftId,
        countedCashMinor: 52_900,
        currency: CURRENCY,
        denominations: [
          { valueMinor: 20_000, count: 2 },
          { valueMinor: 10_000, count: 1 },
          { valueMinor: 1_000, count: 2 },
          { valueMinor: 500, count: 1 },
          { valueMinor: 100, count: 4 },
        ],
        expectedCashMinor: 52_950,
        overShortMinor: -50,
      },
    },
  ];
}

/** The example chain, unsigned but linked: each prevHash is the hash of the fact before it. */
export function exampleUnsignedChain(): UnsignedFactEnvelope[] {
  const chain: UnsignedFactEnvelope[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (const [index, fact] of exampleFacts().entries()) {
    const sequence = index + 1;
    const unsigned = unsignedEnvelopeSchema.parse({
      protocolVersion: FACT_PROTOCOL_VERSION,
      eventId: exampleEventId(fact.deviceTime, sequence),
      tenantId: EXAMPLE_IDS.tenantId,
      storeId: EXAMPLE_IDS.storeId,
      terminalId: EXAMPLE_IDS.terminalId,
      sequence,
      deviceTime: fact.deviceTime,
      lastServerTime: fact.lastServerTime,
      actor: { userId: EXAMPLE_IDS.cashierUserId, approvedByUserId: fact.approvedByUserId },
      payload: fact.payload,
      prevHash,
    });
    chain.push(unsigned);
    prevHash = computeFactHash(unsigned);
  }
  return chain;
}

/** The example payload of one kind, built afresh on every call so that tests can change it freely. */
export function examplePayload<Type extends FactType>(type: Type): Extract<FactPayload, { type: Type }> {
  const fact = exampleFacts().find((candidate) => candidate.payload.type === type);
  if (fact === undefined) throw new Error(`the example chain has no ${type}`);
  return fact.payload as Extract<FactPayload, { type: Type }>;
}
