import { money, quantityFromUnits } from '@mostrador/core';
import { argon2id } from 'hash-wasm';
import { v7 as uuidv7 } from 'uuid';
import { memoryDeviceKeyVault } from '../device-key/memory-device-key-vault';
import { openTerminalEngine, type TerminalEngine, type TerminalEngineOptions } from '../engine';
import { createMemoryStore } from '../storage/memory-store';
import type { TerminalStore } from '../storage/terminal-store';
import { FakeServer } from './fake-server';

/** A store, its people and a few products, published to a fake server's feed. */
export const fixture = {
  tenantId: uuidv7(),
  tenantSlug: 'ferreteria',
  storeId: uuidv7(),
  warehouseId: uuidv7(),
  cashierId: uuidv7(),
  managerId: uuidv7(),
  cashierPin: '1234',
  managerPin: '9876',
  managerEmail: 'gerente@example.com',
  managerPassword: 'correct horse battery',
  perStoreSaleSeriesId: uuidv7(),
  products: {
    hammer: {
      productId: uuidv7(),
      variantId: uuidv7(),
      sku: 'HAM-1',
      barcode: '7501000000011',
      priceMinor: 25_000,
    },
    nails: {
      productId: uuidv7(),
      variantId: uuidv7(),
      sku: 'NAIL-1',
      barcode: '7501000000028',
      priceMinor: 1_150,
    },
    glue: {
      productId: uuidv7(),
      variantId: uuidv7(),
      sku: 'GLUE-1',
      barcode: '7501000000035',
      priceMinor: 4_990,
    },
  },
} as const;

export type ProductName = keyof typeof fixture.products;

/** Cheap argon2id parameters: the format is what terminals verify; the cost is the server's choice. */
export async function hashPinForTest(pin: string): Promise<string> {
  return argon2id({
    password: pin,
    salt: new Uint8Array(16).fill(7),
    parallelism: 1,
    iterations: 1,
    memorySize: 64,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export interface SeedOptions {
  readonly stock?: Partial<Record<ProductName, string>>;
  readonly safetyBuffers?: Partial<Record<ProductName, string>>;
  readonly loginMaxAttempts?: number;
  readonly lockoutMinutes?: number;
}

export async function startSeededServer(options: SeedOptions = {}): Promise<FakeServer> {
  const server = await new FakeServer({
    tenantId: fixture.tenantId,
    tenantSlug: fixture.tenantSlug,
    managerEmail: fixture.managerEmail,
    managerPassword: fixture.managerPassword,
    storeFolioPrefixes: { [fixture.storeId]: 'MAIN-01-' },
  }).start();
  await seedState(server, options);
  return server;
}

async function seedState(server: FakeServer, options: SeedOptions): Promise<void> {
  const { storeId, warehouseId } = fixture;
  server.publish({
    entity: 'tenant',
    key: fixture.tenantId,
    deleted: false,
    data: {
      name: 'Ferretería',
      pricesIncludeTax: true,
      loginMaxAttempts: options.loginMaxAttempts ?? 5,
      lockoutMinutes: options.lockoutMinutes ?? 15,
    },
  });
  server.publish({
    entity: 'store',
    key: storeId,
    deleted: false,
    data: {
      id: storeId,
      code: 'MAIN',
      name: 'Matriz',
      currency: 'MXN',
      locale: 'es-MX',
      timezone: 'America/Mexico_City',
      country: 'MX',
      cashRoundingMinor: 10,
    },
  });
  server.publish({
    entity: 'warehouse',
    key: warehouseId,
    deleted: false,
    data: { id: warehouseId, storeId, code: 'MAIN', name: 'Piso', isDefault: true },
  });
  for (const [id, name, role, pin] of [
    [fixture.cashierId, 'Ana Cajera', 'CASHIER', fixture.cashierPin],
    [fixture.managerId, 'Mario Gerente', 'MANAGER', fixture.managerPin],
  ] as const) {
    server.publish({
      entity: 'user',
      key: id,
      deleted: false,
      data: {
        id,
        name,
        role,
        pinHash: await hashPinForTest(pin),
        maxDiscountBasisPoints: role === 'MANAGER' ? 5_000 : 1_000,
        storeIds: [storeId],
        active: true,
      },
    });
  }
  const taxRateId = uuidv7();
  server.publish({
    entity: 'tax_rate',
    key: taxRateId,
    deleted: false,
    data: { id: taxRateId, storeId: null, taxClass: 'standard', name: 'IVA', rateBasisPoints: 1_600 },
  });
  server.publish({
    entity: 'folio_series',
    key: fixture.perStoreSaleSeriesId,
    deleted: false,
    data: {
      id: fixture.perStoreSaleSeriesId,
      storeId,
      terminalId: null,
      documentType: 'sale',
      scope: 'per_store',
      prefix: 'MAIN-01-',
    },
  });
  for (const [name, product] of Object.entries(fixture.products) as [
    ProductName,
    (typeof fixture.products)[ProductName],
  ][]) {
    publishProduct(server, name, product, options);
  }
}

function publishProduct(
  server: FakeServer,
  name: ProductName,
  product: (typeof fixture.products)[ProductName],
  options: SeedOptions,
): void {
  const { storeId, warehouseId } = fixture;
  server.publish({
    entity: 'product',
    key: product.productId,
    deleted: false,
    data: {
      id: product.productId,
      categoryId: null,
      name,
      brand: 'Truper',
      description: '',
      taxClass: 'standard',
      soldByWeight: name === 'nails',
    },
  });
  server.publish({
    entity: 'variant',
    key: product.variantId,
    deleted: false,
    data: { id: product.variantId, productId: product.productId, sku: product.sku, name: '', attributes: {} },
  });
  server.publish({
    entity: 'barcode',
    key: product.barcode,
    deleted: false,
    data: { code: product.barcode, variantId: product.variantId },
  });
  const priceId = uuidv7();
  server.publish({
    entity: 'price',
    key: priceId,
    deleted: false,
    data: {
      id: priceId,
      variantId: product.variantId,
      storeId: null,
      currency: 'MXN',
      amountMinor: product.priceMinor,
    },
  });
  const available = options.stock?.[name] ?? '100';
  server.publish({
    entity: 'stock_level',
    key: `${warehouseId}:${product.variantId}`,
    deleted: false,
    data: {
      warehouseId,
      variantId: product.variantId,
      qtyOnHand: available,
      qtyReserved: '0',
      qtyAvailable: available,
    },
  });
  const buffer = options.safetyBuffers?.[name];
  if (buffer !== undefined) {
    server.publish({
      entity: 'safety_buffer',
      key: product.variantId,
      deleted: false,
      data: { storeId, variantId: product.variantId, quantity: buffer },
    });
  }
}

/** A clock tests move by hand. */
export function manualClock(start = new Date('2026-11-23T15:00:00.000Z')) {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

export interface TestTerminal {
  readonly engine: TerminalEngine;
  readonly store: TerminalStore;
  readonly vault: ReturnType<typeof memoryDeviceKeyVault>;
}

/** Opens an engine on a memory store (unless given one), activates it against the server and signs the cashier in. */
export async function activatedTerminal(
  server: FakeServer,
  overrides: Partial<TerminalEngineOptions> & { login?: 'cashier' | 'manager' | 'none' } = {},
): Promise<TestTerminal> {
  const store = overrides.store ?? createMemoryStore();
  const vault =
    (overrides.keyVault as ReturnType<typeof memoryDeviceKeyVault> | undefined) ?? memoryDeviceKeyVault();
  const engine = await openTerminalEngine({ ...overrides, store, keyVault: vault });
  const activation = await engine.activate({
    serverUrl: server.baseUrl,
    tenant: fixture.tenantSlug,
    email: fixture.managerEmail,
    password: fixture.managerPassword,
    storeId: fixture.storeId,
    name: 'Caja 1',
  });
  if (!activation.ok) throw new Error(`activation failed: ${activation.code}`);
  const login = overrides.login ?? 'cashier';
  if (login !== 'none') {
    const pin = login === 'cashier' ? fixture.cashierPin : fixture.managerPin;
    const result = await engine.login({ pin });
    if (!result.ok) throw new Error(`login failed: ${result.code}`);
  }
  return { engine, store, vault };
}

/** Rings up `quantity` of one product and pays it in cash (a round amount above the total). */
export async function sellProduct(
  engine: TerminalEngine,
  name: ProductName,
  quantity = 1,
): Promise<Awaited<ReturnType<TerminalEngine['completeSale']>>> {
  const started = await engine.newCart();
  if (!started.ok) throw new Error(`no cart: ${started.code}`);
  const added = await engine.addToCart(started.cart, {
    code: fixture.products[name].sku,
    quantity: quantityFromUnits(quantity),
  });
  if (!added.ok || !('cart' in added))
    throw new Error(`could not add ${name}: ${added.ok ? 'no cart' : added.code}`);
  const dueMinor = fixture.products[name].priceMinor * quantity;
  return engine.completeSale({
    cart: added.cart,
    tenders: [{ kind: 'cash', amount: money(Math.ceil(dueMinor / 10_000) * 10_000 + 10_000, 'MXN') }],
  });
}
