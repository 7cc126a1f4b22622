import type { SaleCompleted } from '@mostrador/core';
import { folioConflict } from '../conflicts/conflict-detection';
import { confirmTerminalFolio, defaultSeries, type FolioSeriesState } from '../folios/folio-assignment';
import type { FolioDocument } from './pending-writes';
import { openConflict, type ProjectionContext } from './projection-context';

export interface DocumentFolio {
  readonly seriesId: string | null;
  readonly finalFolio: string | null;
}

const NO_FOLIO: DocumentFolio = { seriesId: null, finalFolio: null };

/**
 * The final folio of a sale (folio-assignment.ts explains the two scopes). A series the terminal
 * names but the server cannot use (unknown, another store's, another till's, or for refunds)
 * opens a folio conflict and leaves the sale with its provisional folio only.
 */
export function assignSaleFolio(context: ProjectionContext, sale: SaleCompleted): DocumentFolio {
  const { fact, lookups } = context;
  const series =
    sale.folioSeriesId === null
      ? defaultSeries(lookups.folios, 'sale', fact.terminalId, fact.storeId)
      : lookups.folios.get(sale.folioSeriesId);
  if (series === undefined) {
    if (sale.folioSeriesId === null) return NO_FOLIO;
    openConflict(
      context,
      folioConflict(fact.eventId, {
        problem: 'unknown_series',
        folioSeriesId: sale.folioSeriesId,
        provisionalFolio: sale.provisionalFolio,
      }),
    );
    return { seriesId: sale.folioSeriesId, finalFolio: null };
  }
  if (!seriesServes(series, 'sale', fact.storeId, fact.terminalId)) {
    openConflict(
      context,
      folioConflict(fact.eventId, {
        problem: 'foreign_series',
        folioSeriesId: series.id,
        provisionalFolio: sale.provisionalFolio,
      }),
    );
    return { seriesId: series.id, finalFolio: null };
  }
  if (series.scope === 'per_store')
    return assignStoreFolio(context, series, sale.saleId, sale.provisionalFolio);
  return confirmOwnFolio(context, series, sale);
}

/** Refunds carry no provisional folio: they are numbered only in a store's shared refund series. */
export function assignRefundFolio(context: ProjectionContext, refundId: string): DocumentFolio {
  const { fact, lookups } = context;
  const series = defaultSeries(lookups.folios, 'refund', fact.terminalId, fact.storeId);
  if (series === undefined || series.scope !== 'per_store') return NO_FOLIO;
  return assignStoreFolio(context, series, refundId, refundId);
}

function seriesServes(series: FolioSeriesState, documentType: string, storeId: string, terminalId: string) {
  if (series.deleted || series.documentType !== documentType || series.storeId !== storeId) return false;
  return series.scope === 'per_store' || series.terminalId === terminalId;
}

/**
 * A per-store number is taken at flush, when the batch holds the series' lock (folio-assignment.ts);
 * until then the document's final folio is unknown and its row waits in the batch.
 */
function assignStoreFolio(
  context: ProjectionContext,
  series: FolioSeriesState,
  documentId: string,
  provisionalFolio: string,
): DocumentFolio {
  context.writes.storeFolios.push(folioDocument(context, series, documentId, provisionalFolio));
  return { seriesId: series.id, finalFolio: null };
}

function confirmOwnFolio(
  context: ProjectionContext,
  series: FolioSeriesState,
  sale: SaleCompleted,
): DocumentFolio {
  const confirmed = confirmTerminalFolio(series, sale.provisionalFolio);
  if (confirmed.problem !== null) {
    openConflict(
      context,
      folioConflict(context.fact.eventId, {
        problem: confirmed.problem,
        folioSeriesId: series.id,
        folio: sale.provisionalFolio,
        number: confirmed.number,
        expectedNumber: confirmed.expectedNumber,
      }),
    );
  }
  if (confirmed.number !== null) {
    const row = context.writes.folioAssignment(
      folioDocument(context, series, sale.saleId, sale.provisionalFolio),
      confirmed.number,
      sale.provisionalFolio,
    );
    // A repeated number keeps the first document that used it; the conflict names the second.
    if (confirmed.problem === 'repeated') context.writes.folioAssignmentsIfFree.push(row);
    else context.writes.folioAssignments.push(row);
  }
  return { seriesId: series.id, finalFolio: sale.provisionalFolio };
}

function folioDocument(
  context: ProjectionContext,
  series: FolioSeriesState,
  documentId: string,
  provisionalFolio: string,
): FolioDocument {
  return {
    seriesId: series.id,
    documentType: series.documentType,
    documentId,
    provisionalFolio,
    eventId: context.fact.eventId,
    storeId: context.fact.storeId,
    terminalId: context.fact.terminalId,
  };
}
