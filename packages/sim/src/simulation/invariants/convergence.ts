import type { SimulatedWorld } from '../world/world';
import { type InvariantReport, milli } from './invariant-report';
import type { ServerRecords } from './server-records';

const LOCAL_SALES_CHECKED_MAX = 500;

/**
 * §5.8: once healed, every till has nothing pending, knows the server's stock and prices for its
 * store, shows each sale's final folio as the server assigned it, has learnt a PIN change and a
 * revocation that happened while it was offline.
 */
export async function checkConvergence(
  report: InvariantReport,
  world: SimulatedWorld,
  records: ServerRecords,
): Promise<void> {
  const finalFolioBySale = new Map(records.sales.map((sale) => [sale.id, sale.final_folio]));
  const terminalRows = new Map(records.terminals.map((terminal) => [terminal.id, terminal]));
  for (const terminal of world.terminals) {
    const engine = await terminal.running();
    const identity = await engine.identity();
    const status = await engine.status();
    report.check(
      'convergence',
      status.pendingCount === 0,
      () => `${terminal.label} still has ${status.pendingCount} facts pending`,
    );
    if (identity === undefined) {
      report.fail('convergence', `${terminal.label} is not activated after healing`);
      continue;
    }
    const serverRow = terminalRows.get(identity.terminalId);
    report.check(
      'convergence',
      serverRow !== undefined && (serverRow.status === 'revoked') === (identity.status === 'revoked'),
      () => `${terminal.label}: server says ${serverRow?.status}, till says ${identity.status}`,
    );
    const store = world.storeOf(terminal);
    for (const item of world.tenant.items) {
      const level = records.stockLevels.find(
        (row) => row.warehouse_id === store.warehouseId && row.variant_id === item.variantId,
      );
      const availability = await engine.stockAvailability(item.sku);
      if (!availability.ok || !('availability' in availability)) {
        report.fail(
          'convergence',
          `${terminal.label}: ${item.sku} unknown locally (${availability.ok ? 'no stock' : availability.code})`,
        );
        continue;
      }
      report.check(
        'convergence',
        level !== undefined &&
          milli(availability.availability.lastKnownAvailable) === milli(level.qty_available),
        () =>
          `${terminal.label}: ${item.sku} available ${availability.availability.lastKnownAvailable} locally, ${level?.qty_available} on the server`,
      );
      report.check(
        'convergence',
        milli(availability.availability.localUnsynced) === 0,
        () =>
          `${terminal.label}: ${item.sku} still counts ${availability.availability.localUnsynced} unsynced`,
      );
      const price = records.prices.find(
        (row) =>
          row.variant_id === item.variantId &&
          row.currency === store.currency &&
          (row.store_id === store.id || row.store_id === null),
      );
      const looked = await engine.lookupItem(item.sku);
      report.check(
        'convergence',
        looked.ok && price !== undefined && looked.item.unitPrice.amountMinor === price.amount_minor,
        () =>
          `${terminal.label}: ${item.sku} costs ${looked.ok ? looked.item.unitPrice.amountMinor : looked.code} locally, ${price?.amount_minor} on the server`,
      );
    }
    for (const sale of await engine.listSales({ limit: LOCAL_SALES_CHECKED_MAX })) {
      if (sale.terminalId !== identity.terminalId) continue;
      report.check(
        'convergence',
        sale.finalFolio !== null && sale.finalFolio === finalFolioBySale.get(sale.saleId),
        () =>
          `${terminal.label}: sale ${sale.provisionalFolio} shows final folio ${sale.finalFolio}, the server ${finalFolioBySale.get(sale.saleId)}`,
      );
    }
    const pinChange = world.history.pinChanges.get(terminal.storeIndex);
    if (pinChange !== undefined && identity.status === 'active') {
      const old = await engine.login({ pin: pinChange.oldPin });
      const fresh = await engine.login({ pin: pinChange.newPin });
      report.check(
        'convergence',
        !old.ok && fresh.ok,
        () =>
          `${terminal.label}: after the PIN change the old PIN ${old.ok ? 'still works' : 'is refused'}, the new one ${fresh.ok ? 'works' : 'is refused'}`,
      );
    }
  }
}
