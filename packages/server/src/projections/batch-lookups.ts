import type { FactEnvelope, SaleCompleted } from '@mostrador/core';
import { sql } from 'kysely';
import type { TenantWork } from '../database/tenant-transaction';
import { uuidArray } from '../database/uuid-array';
import { type FolioBook, loadFolioBook } from '../folios/folio-assignment';
import { loadPricesInForce } from './price-in-force';

/**
 * Everything the projections of a batch read, loaded up front in a few set-based queries so that
 * applying a fact costs writes, not lookups. Facts applied earlier in the same batch update these
 * maps, so a refund of a sale pushed in the same batch finds it.
 */
export interface TerminalState {
  readonly id: string;
  readonly storeId: string;
  readonly status: 'active' | 'revoked' | 'reactivation_required';
  readonly revokedAt: Date | null;
}

export interface KnownSaleLine {
  readonly variantId: string;
  readonly warehouseId: string;
  readonly quantity: string;
}

export interface KnownSale {
  readonly id: string;
  readonly eventId: string;
  readonly shiftId: string | null;
  status: 'completed' | 'voided';
  /** Cash that stayed in the drawer: cash tendered minus change. */
  readonly cashNetMinor: number;
  /** Loaded only for sales that a fact of the batch voids. */
  lines: readonly KnownSaleLine[] | null;
}

export interface ShiftState {
  readonly id: string;
  readonly storeId: string;
  readonly terminalId: string;
  readonly openedEventId: string;
  readonly openingFloatMinor: number;
  cashTenderedMinor: number;
  changeGivenMinor: number;
  cashRefundedMinor: number;
  cashVoidedMinor: number;
  cashInMinor: number;
  cashOutMinor: number;
  cashAfterCloseMinor: number;
  closedEventId: string | null;
  /** True for a shift opened by a fact of this batch: it is inserted, not updated. */
  readonly isNew: boolean;
  dirty: boolean;
}

export interface BatchLookups {
  readonly users: ReadonlyMap<string, { active: boolean }>;
  readonly variantIds: ReadonlySet<string>;
  readonly warehouseIds: ReadonlySet<string>;
  /** Server price in force per sale line (`${saleId}:${lineId}`); null when none is known. */
  readonly serverPrices: ReadonlyMap<string, number | null>;
  readonly sales: Map<string, KnownSale>;
  /** Event id that already produced each refund, void (by sale id) and cash movement. */
  readonly refundEvents: Map<string, string>;
  readonly voidEvents: Map<string, string>;
  readonly cashMovementEvents: Map<string, string>;
  readonly shifts: Map<string, ShiftState>;
  /** The terminal's open shift as the batch goes, for refunds and voids (their facts name none). */
  openShiftId: string | null;
  readonly folios: FolioBook;
}

interface BatchReferences {
  userIds: Set<string>;
  variantIds: Set<string>;
  warehouseIds: Set<string>;
  saleIds: Set<string>;
  voidedSaleIds: Set<string>;
  refundIds: Set<string>;
  movementIds: Set<string>;
  shiftIds: Set<string>;
  seriesIds: Set<string>;
  sales: { fact: FactEnvelope; sale: SaleCompleted }[];
}

function collectReferences(facts: readonly FactEnvelope[]): BatchReferences {
  const references: BatchReferences = {
    userIds: new Set(),
    variantIds: new Set(),
    warehouseIds: new Set(),
    saleIds: new Set(),
    voidedSaleIds: new Set(),
    refundIds: new Set(),
    movementIds: new Set(),
    shiftIds: new Set(),
    seriesIds: new Set(),
    sales: [],
  };
  for (const fact of facts) {
    references.userIds.add(fact.actor.userId);
    if (fact.actor.approvedByUserId !== null) references.userIds.add(fact.actor.approvedByUserId);
    const payload = fact.payload;
    switch (payload.type) {
      case 'SaleCompleted':
        references.sales.push({ fact, sale: payload });
        references.saleIds.add(payload.saleId);
        if (payload.shiftId !== null) references.shiftIds.add(payload.shiftId);
        if (payload.folioSeriesId !== null) references.seriesIds.add(payload.folioSeriesId);
        for (const line of payload.lines) {
          references.variantIds.add(line.variantId);
          references.warehouseIds.add(line.warehouseId);
        }
        break;
      case 'RefundIssued':
        references.refundIds.add(payload.refundId);
        references.saleIds.add(payload.saleId);
        for (const line of payload.lines) {
          references.variantIds.add(line.variantId);
          references.warehouseIds.add(line.warehouseId);
        }
        break;
      case 'SaleVoided':
        references.saleIds.add(payload.saleId);
        references.voidedSaleIds.add(payload.saleId);
        break;
      case 'CashMovementRecorded':
        references.movementIds.add(payload.movementId);
        references.shiftIds.add(payload.shiftId);
        break;
      case 'ShiftOpened':
      case 'ShiftClosed':
        references.shiftIds.add(payload.shiftId);
        break;
    }
  }
  return references;
}

export async function loadBatchLookups(
  work: TenantWork,
  terminal: TerminalState,
  facts: readonly FactEnvelope[],
  now: Date,
): Promise<BatchLookups> {
  const references = collectReferences(facts);
  const { transaction } = work;
  // A void names only its sale; the goods it brings back are the stored sale's lines, whose
  // variants and warehouses must be known too when the sale came in an earlier batch.
  const sales = await loadSales(work, references);
  for (const sale of sales.values()) {
    for (const line of sale.lines ?? []) {
      references.variantIds.add(line.variantId);
      references.warehouseIds.add(line.warehouseId);
    }
  }
  const [users, variants, warehouses, serverPrices, documents, shifts, folios] = await Promise.all([
    references.userIds.size === 0
      ? []
      : transaction
          .selectFrom('users')
          .select(['id', 'active'])
          .where('id', 'in', [...references.userIds])
          .execute(),
    references.variantIds.size === 0
      ? []
      : transaction
          .selectFrom('variants')
          .select('id')
          .where('id', '=', sql<string>`ANY(${uuidArray(references.variantIds)})`)
          .execute(),
    references.warehouseIds.size === 0
      ? []
      : transaction
          .selectFrom('warehouses')
          .select('id')
          .where('id', 'in', [...references.warehouseIds])
          .execute(),
    loadPricesInForce(work, terminal.storeId, references.sales, now),
    loadDocumentEvents(work, references),
    loadShifts(work, terminal.id, references.shiftIds),
    loadFolioBook(work, {
      storeId: terminal.storeId,
      terminalId: terminal.id,
      seriesIds: [...references.seriesIds],
    }),
  ]);
  // Shifts come ordered by opening time, so the last open one is the terminal's current shift.
  const openShift = [...shifts.values()]
    .filter((shift) => shift.terminalId === terminal.id && shift.closedEventId === null)
    .at(-1);
  return {
    users: new Map(users.map((user) => [user.id, { active: user.active }])),
    variantIds: new Set(variants.map((variant) => variant.id)),
    warehouseIds: new Set(warehouses.map((warehouse) => warehouse.id)),
    serverPrices,
    sales,
    ...documents,
    shifts,
    openShiftId: openShift?.id ?? null,
    folios,
  };
}

async function loadSales(work: TenantWork, references: BatchReferences): Promise<Map<string, KnownSale>> {
  if (references.saleIds.size === 0) return new Map();
  const rows = await work.transaction
    .selectFrom('sales')
    .select(['id', 'event_id', 'shift_id', 'status', 'cash_tendered_minor', 'change_minor'])
    .where('id', '=', sql<string>`ANY(${uuidArray(references.saleIds)})`)
    .execute();
  const voided = rows.filter((row) => references.voidedSaleIds.has(row.id)).map((row) => row.id);
  const lines =
    voided.length === 0
      ? []
      : await work.transaction
          .selectFrom('sale_lines')
          .select(['sale_id', 'variant_id', 'warehouse_id', 'quantity'])
          .where('sale_id', 'in', voided)
          .orderBy('sale_id')
          .orderBy('position')
          .execute();
  const sales = new Map<string, KnownSale>();
  for (const row of rows) {
    sales.set(row.id, {
      id: row.id,
      eventId: row.event_id,
      shiftId: row.shift_id,
      status: row.status,
      cashNetMinor: row.cash_tendered_minor - row.change_minor,
      lines: references.voidedSaleIds.has(row.id) ? [] : null,
    });
  }
  for (const line of lines) {
    const sale = sales.get(line.sale_id);
    if (sale === undefined || sale.lines === null) continue;
    sale.lines = [
      ...sale.lines,
      { variantId: line.variant_id, warehouseId: line.warehouse_id, quantity: line.quantity },
    ];
  }
  return sales;
}

async function loadDocumentEvents(work: TenantWork, references: BatchReferences) {
  const { transaction } = work;
  const [refunds, voids, movements] = await Promise.all([
    references.refundIds.size === 0
      ? []
      : transaction
          .selectFrom('refunds')
          .select(['id', 'event_id'])
          .where('id', 'in', [...references.refundIds])
          .execute(),
    references.voidedSaleIds.size === 0
      ? []
      : transaction
          .selectFrom('voids')
          .select(['sale_id as id', 'event_id'])
          .where('sale_id', 'in', [...references.voidedSaleIds])
          .execute(),
    references.movementIds.size === 0
      ? []
      : transaction
          .selectFrom('cash_movements')
          .select(['id', 'event_id'])
          .where('id', 'in', [...references.movementIds])
          .execute(),
  ]);
  const byId = (rows: readonly { id: string; event_id: string }[]) =>
    new Map(rows.map((row) => [row.id, row.event_id]));
  return { refundEvents: byId(refunds), voidEvents: byId(voids), cashMovementEvents: byId(movements) };
}

async function loadShifts(
  work: TenantWork,
  terminalId: string,
  shiftIds: ReadonlySet<string>,
): Promise<Map<string, ShiftState>> {
  const rows = await work.transaction
    .selectFrom('shifts')
    .selectAll()
    .where((eb) =>
      shiftIds.size === 0
        ? eb.and([eb('terminal_id', '=', terminalId), eb('closed_at', 'is', null)])
        : eb.or([
            eb('id', 'in', [...shiftIds]),
            eb.and([eb('terminal_id', '=', terminalId), eb('closed_at', 'is', null)]),
          ]),
    )
    .orderBy('opened_at')
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        storeId: row.store_id,
        terminalId: row.terminal_id,
        openedEventId: row.opened_event_id,
        openingFloatMinor: row.opening_float_minor,
        cashTenderedMinor: row.cash_tendered_minor,
        changeGivenMinor: row.change_given_minor,
        cashRefundedMinor: row.cash_refunded_minor,
        cashVoidedMinor: row.cash_voided_minor,
        cashInMinor: row.cash_in_minor,
        cashOutMinor: row.cash_out_minor,
        cashAfterCloseMinor: row.cash_after_close_minor,
        closedEventId: row.closed_event_id,
        isNew: false,
        dirty: false,
      },
    ]),
  );
}
