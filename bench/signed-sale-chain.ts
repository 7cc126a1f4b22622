import { generateKeyPairSync } from 'node:crypto';
import {
  buildSignedFact,
  createEd25519Signer,
  FACT_PROTOCOL_VERSION,
  type FactEnvelope,
  type FactSigner,
  GENESIS_PREV_HASH,
  type SaleCompleted,
} from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';
import type { PricedVariant } from './bench-tenant';

/**
 * A terminal as the server sees it from outside, for load that does not need a whole engine: its
 * own Ed25519 key, its credential and a chain of signed SaleCompleted facts built the way the
 * terminal builds them (core's buildSignedFact), so the server does all of its real work on them.
 */
export interface DeviceKeys {
  readonly sign: FactSigner;
  readonly publicKeyHex: string;
}

export function newDeviceKeys(): DeviceKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { sign: createEd25519Signer(new Uint8Array(secret)), publicKeyHex: raw.toString('hex') };
}

export interface ChainContext {
  readonly tenantId: string;
  readonly storeId: string;
  readonly terminalId: string;
  readonly warehouseId: string;
  readonly cashierUserId: string;
  readonly currency: string;
  readonly taxRateBasisPoints: number;
  /** The server time the terminal last heard (its activation answer). */
  readonly lastServerTime: string;
  readonly sign: FactSigner;
}

/**
 * Signs `count` consecutive sales from sequence 1: each takes the next `linesPerSale` variants of
 * the list (one unit each), pays half by card and the rest in cash with change.
 */
export async function signSaleChain(
  context: ChainContext,
  variants: readonly PricedVariant[],
  options: { readonly count: number; readonly linesPerSale: number; readonly firstVariant: number },
): Promise<FactEnvelope[]> {
  const facts: FactEnvelope[] = [];
  let prevHash = GENESIS_PREV_HASH;
  let nextVariant = options.firstVariant;
  for (let index = 0; index < options.count; index += 1) {
    const chosen = Array.from({ length: options.linesPerSale }, () => {
      const variant = variants[nextVariant % variants.length]!;
      nextVariant += 1;
      return variant;
    });
    const fact = await buildSignedFact(
      {
        protocolVersion: FACT_PROTOCOL_VERSION,
        eventId: uuidv7(),
        tenantId: context.tenantId,
        storeId: context.storeId,
        terminalId: context.terminalId,
        sequence: index + 1,
        deviceTime: new Date().toISOString(),
        lastServerTime: context.lastServerTime,
        actor: { userId: context.cashierUserId, approvedByUserId: null },
        payload: salePayload(context, chosen, `P-${context.terminalId.slice(-4)}-${index + 1}`),
        prevHash,
      },
      context.sign,
    );
    facts.push(fact);
    prevHash = fact.hash;
  }
  return facts;
}

function salePayload(
  context: ChainContext,
  variants: readonly PricedVariant[],
  provisionalFolio: string,
): SaleCompleted {
  const lines = variants.map((variant) => ({
    lineId: uuidv7(),
    variantId: variant.variantId,
    sku: variant.sku,
    name: `Producto ${variant.sku}`,
    quantity: '1',
    unitPriceMinor: variant.priceMinor,
    discountMinor: 0,
    taxRateBasisPoints: context.taxRateBasisPoints,
    // Prices include tax: the tax is the part of the price above the net amount.
    taxMinor: Math.round(
      variant.priceMinor - (variant.priceMinor * 10_000) / (10_000 + context.taxRateBasisPoints),
    ),
    totalMinor: variant.priceMinor,
    warehouseId: context.warehouseId,
  }));
  const totalMinor = lines.reduce((total, line) => total + line.totalMinor, 0);
  const taxTotalMinor = lines.reduce((total, line) => total + line.taxMinor, 0);
  const cardMinor = Math.floor(totalMinor / 2);
  const cashGivenMinor = totalMinor - cardMinor + 50_000;
  return {
    type: 'SaleCompleted',
    saleId: uuidv7(),
    currency: context.currency,
    provisionalFolio,
    folioSeriesId: null,
    shiftId: null,
    customerId: null,
    pricesIncludeTax: true,
    lines,
    subtotalMinor: totalMinor,
    discountTotalMinor: 0,
    taxTotalMinor,
    totalMinor,
    tenders: [
      { kind: 'card', amountMinor: cardMinor, reference: 'AUTH-BENCH' },
      { kind: 'cash', amountMinor: cashGivenMinor, reference: null },
    ],
    changeMinor: 50_000,
    cashRoundingMinor: 0,
    offline: true,
  };
}
