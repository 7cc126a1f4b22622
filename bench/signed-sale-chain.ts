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
 * A terminal's chain of sales, signed one at a time as a till signs them at the moment of sale:
 * each `next` takes the next `linesPerSale` variants of the list (one unit each), pays half by
 * card and the rest in cash with change, and links to the previous fact.
 */
export interface SaleChain {
  /** Signs the next sale, made at `deviceTime` on the terminal's clock. */
  next(deviceTime: Date): Promise<FactEnvelope>;
}

export function createSaleChain(
  context: ChainContext,
  variants: readonly PricedVariant[],
  options: { readonly linesPerSale: number; readonly firstVariant: number },
): SaleChain {
  if (variants.length === 0) throw new Error('a sale chain needs at least one variant to sell');
  let prevHash = GENESIS_PREV_HASH;
  let sequence = 0;
  let nextVariant = options.firstVariant;
  return {
    async next(deviceTime) {
      const chosen = Array.from({ length: options.linesPerSale }, () => {
        const variant = variants[nextVariant % variants.length]!;
        nextVariant += 1;
        return variant;
      });
      sequence += 1;
      const fact = await buildSignedFact(
        {
          protocolVersion: FACT_PROTOCOL_VERSION,
          eventId: uuidv7(),
          tenantId: context.tenantId,
          storeId: context.storeId,
          terminalId: context.terminalId,
          sequence,
          deviceTime: deviceTime.toISOString(),
          lastServerTime: context.lastServerTime,
          actor: { userId: context.cashierUserId, approvedByUserId: null },
          payload: salePayload(context, chosen, `P-${context.terminalId.slice(-4)}-${sequence}`),
          prevHash,
        },
        context.sign,
      );
      prevHash = fact.hash;
      return fact;
    },
  };
}

/**
 * Signs `count` consecutive sales from sequence 1 (see createSaleChain), made now unless
 * `deviceTimeOf` dates each one (by its index from 0), e.g. spread over a day offline.
 */
export async function signSaleChain(
  context: ChainContext,
  variants: readonly PricedVariant[],
  options: {
    readonly count: number;
    readonly linesPerSale: number;
    readonly firstVariant: number;
    readonly deviceTimeOf?: (index: number) => Date;
  },
): Promise<FactEnvelope[]> {
  const chain = createSaleChain(context, variants, options);
  const facts: FactEnvelope[] = [];
  for (let index = 0; index < options.count; index += 1)
    facts.push(await chain.next(options.deviceTimeOf?.(index) ?? new Date()));
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
