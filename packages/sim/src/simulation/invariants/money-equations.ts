import type { FactPayload } from '@mostrador/core';
import type { InvariantReport } from './invariant-report';
import type { ServerRecords } from './server-records';

interface DerivedShift {
  openingFloatMinor: number;
  cashTenderedMinor: number;
  changeGivenMinor: number;
  cashRefundedMinor: number;
  cashVoidedMinor: number;
  cashInMinor: number;
  cashOutMinor: number;
  closed: { countedCashMinor: number; expectedCashMinor: number; overShortMinor: number } | null;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * §5.4: every sale's tenders minus change equal its total plus cash rounding (on the server's
 * rows and in the fact); every shift's drawer, derived here by walking each till's journal in
 * order, equals the server's columns; a closed shift's expected cash is float + cash tendered −
 * change − cash refunded − cash returned on voids + pay-ins − pay-outs − drops, equals what the
 * till itself computed, and over/short = counted − expected, as counted.
 */
export function checkMoneyEquations(report: InvariantReport, records: ServerRecords): void {
  const tendersBySale = new Map<string, number>();
  for (const tender of records.saleTenders) {
    tendersBySale.set(tender.sale_id, (tendersBySale.get(tender.sale_id) ?? 0) + tender.amount_minor);
  }
  for (const sale of records.sales) {
    const tendered = tendersBySale.get(sale.id) ?? 0;
    report.check(
      'money',
      tendered - sale.change_minor === sale.total_minor + sale.cash_rounding_minor,
      () =>
        `sale ${sale.provisional_folio}: tenders ${tendered} − change ${sale.change_minor} ≠ total ${sale.total_minor} + rounding ${sale.cash_rounding_minor}`,
    );
  }

  const shifts = new Map<string, DerivedShift>();
  const salesById = new Map<string, { shiftId: string | null; cashNetMinor: number }>();
  const openShiftOfTerminal = new Map<string, string>();
  const facts = [...records.facts].sort((left, right) =>
    left.terminal_id === right.terminal_id
      ? left.sequence - right.sequence
      : left.terminal_id.localeCompare(right.terminal_id),
  );
  const duplicateDocuments = new Set(
    records.conflicts
      .filter((conflict) => conflict.kind === 'duplicate_document')
      .flatMap((conflict) => conflict.event_ids),
  );
  for (const row of facts) {
    if (duplicateDocuments.has(row.event_id)) continue;
    const payload = (row.envelope as { payload: FactPayload }).payload;
    const current = openShiftOfTerminal.get(row.terminal_id);
    switch (payload.type) {
      case 'ShiftOpened':
        shifts.set(payload.shiftId, {
          openingFloatMinor: payload.openingFloatMinor,
          cashTenderedMinor: 0,
          changeGivenMinor: 0,
          cashRefundedMinor: 0,
          cashVoidedMinor: 0,
          cashInMinor: 0,
          cashOutMinor: 0,
          closed: null,
        });
        openShiftOfTerminal.set(row.terminal_id, payload.shiftId);
        break;
      case 'SaleCompleted': {
        const cash = sum(
          payload.tenders.filter((tender) => tender.kind === 'cash').map((tender) => tender.amountMinor),
        );
        salesById.set(payload.saleId, { shiftId: payload.shiftId, cashNetMinor: cash - payload.changeMinor });
        const shift = payload.shiftId === null ? undefined : shifts.get(payload.shiftId);
        if (shift !== undefined && shift.closed === null) {
          shift.cashTenderedMinor += cash;
          shift.changeGivenMinor += payload.changeMinor;
        }
        break;
      }
      case 'RefundIssued': {
        const shift = current === undefined ? undefined : shifts.get(current);
        const cash = sum(
          payload.tenders.filter((tender) => tender.kind === 'cash').map((tender) => tender.amountMinor),
        );
        if (shift !== undefined && shift.closed === null) shift.cashRefundedMinor += cash;
        break;
      }
      case 'SaleVoided': {
        const sale = salesById.get(payload.saleId);
        const shiftId = current ?? sale?.shiftId ?? undefined;
        const shift = shiftId === undefined || shiftId === null ? undefined : shifts.get(shiftId);
        if (sale !== undefined && shift !== undefined && shift.closed === null)
          shift.cashVoidedMinor += sale.cashNetMinor;
        break;
      }
      case 'CashMovementRecorded': {
        const shift = shifts.get(payload.shiftId);
        if (shift !== undefined && shift.closed === null) {
          if (payload.kind === 'pay_in') shift.cashInMinor += payload.amountMinor;
          else shift.cashOutMinor += payload.amountMinor;
        }
        break;
      }
      case 'ShiftClosed': {
        const shift = shifts.get(payload.shiftId);
        if (shift !== undefined) {
          shift.closed = {
            countedCashMinor: payload.countedCashMinor,
            expectedCashMinor: payload.expectedCashMinor,
            overShortMinor: payload.overShortMinor,
          };
        }
        if (current === payload.shiftId) openShiftOfTerminal.delete(row.terminal_id);
        break;
      }
    }
  }

  for (const row of records.shifts) {
    const derived = shifts.get(row.id);
    if (derived === undefined) {
      report.fail('money', `shift ${row.id} on the server has no ShiftOpened in the journal`);
      continue;
    }
    const pairs: [string, number, number][] = [
      ['float', row.opening_float_minor, derived.openingFloatMinor],
      ['cash tendered', row.cash_tendered_minor, derived.cashTenderedMinor],
      ['change', row.change_given_minor, derived.changeGivenMinor],
      ['cash refunded', row.cash_refunded_minor, derived.cashRefundedMinor],
      ['cash voided', row.cash_voided_minor, derived.cashVoidedMinor],
      ['pay-ins', row.cash_in_minor, derived.cashInMinor],
      ['pay-outs and drops', row.cash_out_minor, derived.cashOutMinor],
    ];
    for (const [name, server, fromFacts] of pairs) {
      report.check(
        'money',
        server === fromFacts,
        () => `shift ${row.id}: ${name} is ${server} on the server, ${fromFacts} from the facts`,
      );
    }
    if (derived.closed === null) {
      report.check(
        'money',
        row.closed_at === null,
        () => `shift ${row.id} closed on the server without a ShiftClosed fact`,
      );
      continue;
    }
    const expected =
      derived.openingFloatMinor +
      derived.cashTenderedMinor -
      derived.changeGivenMinor -
      derived.cashRefundedMinor -
      derived.cashVoidedMinor +
      derived.cashInMinor -
      derived.cashOutMinor;
    report.check(
      'money',
      row.expected_cash_minor === expected,
      () => `shift ${row.id}: server expected ${row.expected_cash_minor}, facts say ${expected}`,
    );
    report.check(
      'money',
      derived.closed.expectedCashMinor === expected,
      () =>
        `shift ${row.id}: the till computed expected ${derived.closed?.expectedCashMinor}, the facts say ${expected}`,
    );
    report.check(
      'money',
      row.counted_cash_minor === derived.closed.countedCashMinor &&
        row.over_short_minor === derived.closed.countedCashMinor - expected,
      () =>
        `shift ${row.id}: counted ${row.counted_cash_minor} / over-short ${row.over_short_minor} not as counted`,
    );
  }
}
