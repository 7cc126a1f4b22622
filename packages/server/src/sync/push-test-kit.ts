import { generateKeyPairSync } from 'node:crypto';
import {
  buildSignedFact,
  createEd25519Signer,
  FACT_PROTOCOL_VERSION,
  type FactEnvelope,
  type FactPayload,
  type FactSigner,
  GENESIS_PREV_HASH,
  type PushResponse,
  parseQuantity,
  type SaleCompleted,
  SYNC_PROTOCOL_VERSION,
} from '@mostrador/core';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { v7 as uuidv7 } from 'uuid';
import { BODY_LIMIT_BYTES } from '../app';
import { createAccessTokens } from '../auth/access-token';
import { registerConflictRoutes } from '../conflicts/conflict-routes';
import type { Database } from '../database/database';
import type { AppInstance } from '../http/app-instance';
import { installAuthorization } from '../http/authorization';
import { handleError } from '../http/error-handler';
import { createDeviceAuthenticator } from '../terminals/device-authentication';
import { bearer, type TestServer, type TestTenant } from '../testing/test-server';
import { registerPushRoutes } from './push-routes';

/*
 * Test support for push, projections and conflicts: real terminals (activated through the API,
 * with their own Ed25519 keys), signed fact chains, payload builders and a few readers. Not a test
 * file itself.
 */

// The secret testing/test-server.ts signs access tokens with, so its logins work here too.
const TEST_TOKEN_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret!');

/**
 * The app that serves push and conflict routes in tests: the test server's own app once app.ts
 * registers them, otherwise the same routes with the same authorization over the same database.
 */
export async function syncAppFor(
  server: Pick<TestServer, 'app' | 'database' | 'clock'>,
): Promise<AppInstance> {
  const wired =
    server.app.hasRoute({ method: 'POST', url: '/api/v1/sync/push' }) &&
    server.app.hasRoute({ method: 'POST', url: '/api/v1/conflicts/:id/resolve' });
  if (wired) return server.app;
  return buildSyncApp(server.database, () => server.clock.now);
}

export async function buildSyncApp(database: Database, clock: () => Date): Promise<AppInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  installAuthorization(
    app,
    createAccessTokens(TEST_TOKEN_SECRET, 900),
    createDeviceAuthenticator(database.app),
    clock,
  );
  registerPushRoutes(app, database, clock);
  registerConflictRoutes(app, database, clock);
  await app.ready();
  return app;
}

export interface FactOptions {
  deviceTime?: string;
  lastServerTime?: string | null;
  userId?: string;
  approvedByUserId?: string | null;
}

/** A terminal as the server sees it from outside: a credential, a key and its own fact chain. */
export class TestTerminal {
  sequence = 0;
  prevHash = GENESIS_PREV_HASH;
  private folioNumber = 0;
  /** The terminal's own sale series when its store numbers per terminal (it then assigns final folios). */
  ownSaleSeries: { id: string; prefix: string } | null = null;

  constructor(
    readonly tenantId: string,
    readonly storeId: string,
    readonly terminalId: string,
    readonly credential: string,
    readonly sign: FactSigner,
    readonly cashierUserId: string,
  ) {}

  /** Signs the next fact of the chain and moves the chain on. */
  async record(payload: FactPayload, options: FactOptions = {}): Promise<FactEnvelope> {
    const fact = await this.sealAt(this.sequence + 1, this.prevHash, payload, options);
    this.sequence = fact.sequence;
    this.prevHash = fact.hash;
    return fact;
  }

  /** Signs a fact at any place without moving the chain (forks, gaps, tampering). */
  sealAt(sequence: number, prevHash: string, payload: FactPayload, options: FactOptions = {}) {
    const deviceTime = options.deviceTime ?? new Date().toISOString();
    return buildSignedFact(
      {
        protocolVersion: FACT_PROTOCOL_VERSION,
        eventId: uuidv7(),
        tenantId: this.tenantId,
        storeId: this.storeId,
        terminalId: this.terminalId,
        sequence,
        deviceTime,
        lastServerTime: options.lastServerTime ?? null,
        actor: {
          userId: options.userId ?? this.cashierUserId,
          approvedByUserId: options.approvedByUserId ?? null,
        },
        payload,
        prevHash,
      },
      this.sign,
    );
  }

  /** In a per-terminal series the terminal's folio is final: the series prefix and the next number. */
  nextProvisionalFolio(): string {
    this.folioNumber += 1;
    if (this.ownSaleSeries !== null)
      return `${this.ownSaleSeries.prefix}${String(this.folioNumber).padStart(8, '0')}`;
    return `P-${this.terminalId.slice(-4)}-${String(this.folioNumber).padStart(6, '0')}`;
  }

  /** Skips folio numbers, as a terminal with a numbering bug would. */
  skipFolios(count: number): void {
    this.folioNumber += count;
  }
}

export function newDeviceKeys(): { sign: FactSigner; publicKeyHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { sign: createEd25519Signer(new Uint8Array(secret)), publicKeyHex: raw.toString('hex') };
}

/** Activates a terminal through POST /api/v1/terminals/activate with a manager's token. */
export async function activateTerminal(
  server: TestServer,
  tenant: TestTenant,
  managerToken: string,
  storeCode: 'CR' | 'MX' = 'CR',
  cashierUserId = tenant.userIds.cashierCr,
): Promise<TestTerminal> {
  const keys = newDeviceKeys();
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/terminals/activate',
    headers: bearer(managerToken),
    payload: {
      storeId: tenant.storeIds[storeCode],
      name: `Caja ${uuidv7().slice(-4)}`,
      publicKeyHex: keys.publicKeyHex,
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`activation failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { terminalId: string; deviceCredential: string };
  const terminal = new TestTerminal(
    tenant.tenantId,
    tenant.storeIds[storeCode],
    body.terminalId,
    body.deviceCredential,
    keys.sign,
    cashierUserId,
  );
  const series = await server.database.system
    .selectFrom('folio_series')
    .select(['id', 'prefix'])
    .where('tenant_id', '=', tenant.tenantId)
    .where('terminal_id', '=', body.terminalId)
    .where('document_type', '=', 'sale')
    .executeTakeFirst();
  terminal.ownSaleSeries = series ?? null;
  return terminal;
}

export async function pushBatch(app: AppInstance, terminal: TestTerminal, facts: readonly unknown[]) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/sync/push',
    headers: { authorization: `Device ${terminal.credential}` },
    payload: { protocolVersion: SYNC_PROTOCOL_VERSION, facts },
  });
}

/** Pushes and expects a 200, returning the parsed answer. */
export async function push(
  app: AppInstance,
  terminal: TestTerminal,
  facts: readonly unknown[],
): Promise<PushResponse> {
  const response = await pushBatch(app, terminal, facts);
  if (response.statusCode !== 200) throw new Error(`push failed: ${response.statusCode} ${response.body}`);
  return response.json() as PushResponse;
}

export interface SaleLineInput {
  variantId: string;
  warehouseId: string;
  quantity: string;
  unitPriceMinor: number;
}

export interface SaleInput {
  lines: SaleLineInput[];
  shiftId?: string | null;
  provisionalFolio: string;
  folioSeriesId?: string | null;
  currency?: string;
  /** Cash handed over; change is what exceeds the total. Defaults to exact cash. */
  cashGivenMinor?: number;
  /** Part of the total paid by card, the rest in cash. */
  cardMinor?: number;
}

/** A consistent SaleCompleted: line total = price × quantity (half up), no tax, cash and card tenders. */
export function salePayload(input: SaleInput): SaleCompleted {
  const lines = input.lines.map((line) => {
    const parsed = parseQuantity(line.quantity);
    if (!parsed.ok) throw new Error(`bad quantity ${line.quantity}`);
    const totalMinor = Math.round((line.unitPriceMinor * parsed.quantity.quantityMilli) / 1000);
    return {
      lineId: uuidv7(),
      variantId: line.variantId,
      sku: `SKU-${line.variantId.slice(-6)}`,
      name: 'Producto de prueba',
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      discountMinor: 0,
      taxRateBasisPoints: 0,
      taxMinor: 0,
      totalMinor,
      warehouseId: line.warehouseId,
    };
  });
  const totalMinor = lines.reduce((total, line) => total + line.totalMinor, 0);
  const cardMinor = input.cardMinor ?? 0;
  const cashDueMinor = totalMinor - cardMinor;
  const cashGivenMinor = input.cashGivenMinor ?? cashDueMinor;
  const tenders = [
    ...(cardMinor > 0 ? [{ kind: 'card' as const, amountMinor: cardMinor, reference: 'AUTH-1' }] : []),
    ...(cashGivenMinor > 0 || cardMinor === 0
      ? [{ kind: 'cash' as const, amountMinor: cashGivenMinor, reference: null }]
      : []),
  ];
  return {
    type: 'SaleCompleted',
    saleId: uuidv7(),
    currency: input.currency ?? 'CRC',
    provisionalFolio: input.provisionalFolio,
    folioSeriesId: input.folioSeriesId ?? null,
    shiftId: input.shiftId ?? null,
    customerId: null,
    pricesIncludeTax: true,
    lines,
    subtotalMinor: totalMinor,
    discountTotalMinor: 0,
    taxTotalMinor: 0,
    totalMinor,
    tenders,
    changeMinor: cashGivenMinor - cashDueMinor,
    cashRoundingMinor: 0,
    offline: true,
  };
}

/**
 * `count` signed sales of one unit each, in MXN from one warehouse, cycling through `variants`:
 * the plain backlog the concurrency tests push.
 */
export async function oneUnitSales(
  terminal: TestTerminal,
  variants: readonly { readonly variantId: string; readonly priceMinor: number }[],
  warehouseId: string,
  count: number,
): Promise<FactEnvelope[]> {
  const facts: FactEnvelope[] = [];
  for (let index = 0; index < count; index += 1) {
    const variant = variants[index % variants.length]!;
    facts.push(
      await terminal.record(
        salePayload({
          currency: 'MXN',
          provisionalFolio: terminal.nextProvisionalFolio(),
          lines: [
            { variantId: variant.variantId, warehouseId, quantity: '1', unitPriceMinor: variant.priceMinor },
          ],
        }),
      ),
    );
  }
  return facts;
}

/** A variant of the tenant with its tenant-wide price in a currency. */
export async function pricedVariants(
  database: Database,
  tenantId: string,
  currency = 'CRC',
  count = 3,
): Promise<{ variantId: string; priceMinor: number }[]> {
  const rows = await database.system
    .selectFrom('prices')
    .select(['variant_id', 'amount_minor'])
    .where('tenant_id', '=', tenantId)
    .where('currency', '=', currency)
    .where('store_id', 'is', null)
    .where('deleted_at', 'is', null)
    .orderBy('variant_id')
    .limit(count)
    .execute();
  if (rows.length < count) throw new Error(`tenant has fewer than ${count} variants priced in ${currency}`);
  return rows.map((row) => ({ variantId: row.variant_id, priceMinor: row.amount_minor }));
}

export async function onHand(database: Database, tenantId: string, warehouseId: string, variantId: string) {
  const row = await database.system
    .selectFrom('stock_levels')
    .select('qty_on_hand')
    .where('tenant_id', '=', tenantId)
    .where('warehouse_id', '=', warehouseId)
    .where('variant_id', '=', variantId)
    .executeTakeFirst();
  return row?.qty_on_hand ?? '0.000';
}

export async function conflictsOf(database: Database, tenantId: string, kind?: string) {
  let query = database.system
    .selectFrom('conflicts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id');
  if (kind !== undefined) query = query.where('kind', '=', kind as never);
  return query.execute();
}
