import type { InvariantReport } from './invariant-report';
import type { ServerRecords } from './server-records';

/**
 * §5.6: final folios are unique and, per store series, gapless from 1. A per-terminal series is
 * numbered by the till itself; it is gapless unless a restored device re-used its numbers.
 * Every sale in the journal carries the final folio its assignment says.
 */
export function checkFinalFolios(
  report: InvariantReport,
  records: ServerRecords,
  options: { readonly restoresHappened: boolean },
): void {
  const seriesById = new Map(records.folioSeries.map((series) => [series.id, series]));
  const numbersBySeries = new Map<string, number[]>();
  const finals = new Set<string>();
  for (const assignment of records.folioAssignments) {
    const numbers = numbersBySeries.get(assignment.series_id) ?? [];
    numbers.push(assignment.number);
    numbersBySeries.set(assignment.series_id, numbers);
    report.check(
      'folios',
      !finals.has(assignment.final_folio),
      () => `final folio ${assignment.final_folio} assigned twice`,
    );
    finals.add(assignment.final_folio);
  }
  for (const [seriesId, numbers] of numbersBySeries) {
    const series = seriesById.get(seriesId);
    if (series?.scope === 'per_terminal' && options.restoresHappened) continue;
    const sorted = [...numbers].sort((left, right) => left - right);
    const gapless = sorted.every((number, index) => number === index + 1);
    report.check(
      'folios',
      gapless,
      () =>
        `series ${series?.prefix ?? seriesId} (${series?.scope}) is not gapless from 1: ${sorted.slice(0, 20).join(',')}`,
    );
  }
  const assignedByEvent = new Map(
    records.folioAssignments.map((assignment) => [assignment.event_id, assignment.final_folio]),
  );
  for (const sale of records.sales) {
    report.check(
      'folios',
      sale.final_folio !== null && assignedByEvent.get(sale.event_id) === sale.final_folio,
      () =>
        `sale ${sale.provisional_folio} has final folio ${sale.final_folio}, assignment says ${assignedByEvent.get(sale.event_id)}`,
    );
  }
}
