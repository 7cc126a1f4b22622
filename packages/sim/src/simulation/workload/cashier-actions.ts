import {
  type Cart,
  type CurrencyCode,
  cartTotals,
  type Money,
  money,
  quantityFromUnits,
  type Tender,
} from '@mostrador/core';
import type { LocalSale } from '@mostrador/terminal';
import type { SeededRandom } from '../random/seeded-random';
import type { SimulatedTerminal } from '../terminal/simulated-terminal';
import { MANAGER_PIN } from '../world/tenant-setup';
import type { SimulatedWorld } from '../world/world';
import { activateTill, openShift, signInCashier } from './till-lifecycle';

export const CASHIER_ACTION_WEIGHTS = {
  sale: 50,
  sync: 25,
  refund: 6,
  void: 4,
  cashMovement: 5,
  shiftRollover: 3,
  signInAgain: 2,
} as const;

export type CashierAction = keyof typeof CASHIER_ACTION_WEIGHTS;

const SALE_LINES_MAX = 3;
const RECENT_SALES = 12;
const DENOMINATION_MINOR = [100_000, 50_000, 10_000, 5_000, 1_000] as const;

/** One thing a cashier does at one till, drawn from the seed. */
export async function cashierStep(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const random = world.decisions;
  const engine = await terminal.running();
  const identity = await engine.identity();
  if (identity === undefined || identity.status === 'reactivation_required') {
    // A forked till waits for the manager to re-activate it; the manager does so now and then.
    if (random.chancePerMille(300)) await activateTill(world, terminal);
    return;
  }
  const action = random.weighted(CASHIER_ACTION_WEIGHTS);
  switch (action) {
    case 'sale':
      return sell(world, terminal, random);
    case 'sync':
      return syncTill(world, terminal);
    case 'refund':
      return refund(world, terminal, random);
    case 'void':
      return voidSale(world, terminal, random);
    case 'cashMovement':
      return moveCash(world, terminal, random);
    case 'shiftRollover':
      return rollShift(world, terminal, random);
    case 'signInAgain':
      await signInCashier(world, terminal);
      return;
  }
}

export async function syncTill(world: SimulatedWorld, terminal: SimulatedTerminal): Promise<void> {
  const call = await terminal.call(
    (engine) => engine.sync(),
    () => true,
  );
  if (call.crashed) {
    world.trace.record(terminal.label, 'sync', 'crashed');
    return;
  }
  const result = call.value;
  if ('ok' in result) {
    world.trace.record(terminal.label, 'sync', result.code);
    return;
  }
  world.trace.record(
    terminal.label,
    'sync',
    result.outcome === 'ok' ? `ok pending=${result.pendingCount}` : `${result.outcome} ${result.code}`,
  );
}

async function sell(world: SimulatedWorld, terminal: SimulatedTerminal, random: SeededRandom): Promise<void> {
  const engine = await terminal.running();
  const started = await engine.newCart();
  if (!started.ok) {
    world.trace.record(terminal.label, 'sale', `no cart ${started.code}`);
    return;
  }
  let cart: Cart = started.cart;
  const lineCount = random.integer(1, SALE_LINES_MAX);
  const hot = world.tenant.items.filter((item) => item.hot);
  const skus: string[] = [];
  for (let line = 0; line < lineCount; line += 1) {
    const item =
      hot.length > 0 && random.chancePerMille(300) ? random.pick(hot) : random.pick(world.tenant.items);
    const quantity = item.hot ? 1 : random.integer(1, 2);
    const added = await engine.addToCart(cart, { code: item.sku, quantity: quantityFromUnits(quantity) });
    if (!added.ok || !('cart' in added)) {
      world.trace.record(
        terminal.label,
        'sale.add',
        `${item.sku} refused ${added.ok ? 'no cart' : added.code}`,
      );
      continue;
    }
    cart = added.cart;
    skus.push(`${item.sku}×${quantity}`);
  }
  if (cart.lines.length === 0) return;
  const total = cartTotals(cart, { pricesIncludeTax: true }).total;
  const tenders = drawTenders(total, random);
  const call = await terminal.call(
    (running) => running.completeSale({ cart, tenders }),
    (outcome) => outcome.ok,
  );
  if (call.crashed) {
    world.trace.record(terminal.label, 'sale', `crashed ${skus.join(',')}`);
    return;
  }
  const outcome = call.value;
  world.trace.record(
    terminal.label,
    'sale',
    outcome.ok
      ? `ok #${folioNumber(outcome.sale.provisionalFolio)} ${skus.join(',')} total=${outcome.sale.totalMinor} ${tenders.map((tender) => tender.kind).join('+')}`
      : `refused ${outcome.code}`,
  );
}

/** Cash with change, card, transfer, or a split of card and cash. */
export function drawTenders(total: Money, random: SeededRandom): Tender[] {
  const currency = total.currency as CurrencyCode;
  const roundUp = (amountMinor: number) => Math.ceil(amountMinor / 1_000) * 1_000;
  const reference = `auth-${random.integer(100_000, 999_999)}`;
  switch (random.weighted({ cash: 5, card: 2, transfer: 1, split: 2 })) {
    case 'cash':
      return [
        { kind: 'cash', amount: money(roundUp(total.amountMinor) + random.integer(0, 2) * 1_000, currency) },
      ];
    case 'card':
      return [{ kind: 'card', amount: total, reference }];
    case 'transfer':
      return [{ kind: 'transfer', amount: total, reference }];
    case 'split': {
      const cardMinor = Math.floor((total.amountMinor * random.integer(10, 90)) / 100);
      return [
        { kind: 'card', amount: money(cardMinor, currency), reference },
        { kind: 'cash', amount: money(roundUp(total.amountMinor - cardMinor), currency) },
      ];
    }
  }
  throw new Error('unreachable tender choice');
}

async function recentSale(terminal: SimulatedTerminal, random: SeededRandom): Promise<LocalSale | undefined> {
  const engine = await terminal.running();
  const sales = (await engine.listSales({ limit: RECENT_SALES })).filter((sale) => sale.voided === null);
  return sales.length === 0 ? undefined : random.pick(sales);
}

async function refund(
  world: SimulatedWorld,
  terminal: SimulatedTerminal,
  random: SeededRandom,
): Promise<void> {
  const sale = await recentSale(terminal, random);
  const line = sale?.lines.find((candidate) => candidate.refundedQuantityMilli === 0);
  if (sale === undefined || line === undefined) return;
  const call = await terminal.call(
    (engine) =>
      engine.refundSale({
        saleId: sale.saleId,
        lines: [
          {
            lineId: line.lineId,
            quantity: quantityFromUnits(1),
            stockDestination: random.chancePerMille(700) ? 'restock' : 'shrinkage',
          },
        ],
        reason: 'el cliente lo devolvió',
        approval: { pin: MANAGER_PIN },
      }),
    (outcome) => outcome.ok,
  );
  world.trace.record(
    terminal.label,
    'refund',
    `#${folioNumber(sale.provisionalFolio)} ${line.sku} ${call.crashed ? 'crashed' : call.value.ok ? 'ok' : call.value.code}`,
  );
}

async function voidSale(
  world: SimulatedWorld,
  terminal: SimulatedTerminal,
  random: SeededRandom,
): Promise<void> {
  const sale = await recentSale(terminal, random);
  if (sale === undefined) return;
  const call = await terminal.call(
    (engine) =>
      engine.voidSale({
        saleId: sale.saleId,
        reason: 'venta capturada por error',
        stockDestination: random.chancePerMille(800) ? 'restock' : 'shrinkage',
        approval: { pin: MANAGER_PIN },
      }),
    (outcome) => outcome.ok,
  );
  world.trace.record(
    terminal.label,
    'void',
    `#${folioNumber(sale.provisionalFolio)} ${call.crashed ? 'crashed' : call.value.ok ? 'ok' : call.value.code}`,
  );
}

async function moveCash(
  world: SimulatedWorld,
  terminal: SimulatedTerminal,
  random: SeededRandom,
): Promise<void> {
  const currency = world.storeOf(terminal).currency as CurrencyCode;
  const kind = random.pick(['pay_in', 'pay_out', 'drop'] as const);
  const amountMinor = random.integer(1, 20) * 1_000;
  const call = await terminal.call(
    (engine) =>
      engine.recordCashMovement({
        kind,
        amount: money(amountMinor, currency),
        reason: 'movimiento de caja',
      }),
    (outcome) => outcome.ok,
  );
  world.trace.record(
    terminal.label,
    'cash',
    `${kind} ${amountMinor} ${call.crashed ? 'crashed' : call.value.ok ? 'ok' : call.value.code}`,
  );
}

/** Blind count: the cashier counts notes without seeing the expected figure, then a new shift opens. */
async function rollShift(
  world: SimulatedWorld,
  terminal: SimulatedTerminal,
  random: SeededRandom,
): Promise<void> {
  const denominations = DENOMINATION_MINOR.map((valueMinor) => ({ valueMinor, count: random.integer(0, 6) }));
  const call = await terminal.call(
    (engine) => engine.closeShift({ denominations, approval: { pin: MANAGER_PIN } }),
    (outcome) => outcome.ok,
  );
  world.trace.record(
    terminal.label,
    'shift.close',
    call.crashed
      ? 'crashed'
      : call.value.ok
        ? `counted=${call.value.countedCashMinor} expected=${call.value.expectedCashMinor} overShort=${call.value.overShortMinor}`
        : call.value.code,
  );
  if (!call.crashed && (call.value.ok || call.value.code === 'SHIFT_NOT_OPEN'))
    await openShift(world, terminal);
}

/**
 * The trace names a receipt by its number only: a provisional folio's prefix comes from the
 * terminal id the server assigned, which differs from one run to the next.
 */
function folioNumber(folio: string): string {
  return folio.split('-').at(-1) ?? folio;
}
