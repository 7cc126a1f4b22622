import type { Kysely } from 'kysely';
import { executeStatements } from './row-level-security';

/**
 * A push inserts its per-store sales and refunds before it takes the store's folio series, and
 * gives them their final folios once it holds it, in the same transaction (pending-writes.ts). A
 * page filled by the INSERT has no room for the updated versions, so each UPDATE wrote a new
 * version on another page and a new entry in every index of the table (21,000 sales numbered in a
 * 50 × 400 run: 357 of those updates were HOT). More than half of each page is left free at
 * insert, so the version with the final folio fits beside the first on the same page: a HOT update,
 * with no index entries, less WAL and less time under the series lock. Half is not enough: the
 * version with its folio is the longer one (at 50, 186 of 200 sales were HOT). The price is a heap
 * about twice the size for these two tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    ALTER TABLE sales SET (fillfactor = ${FOLIO_UPDATE_FILLFACTOR});
    ALTER TABLE refunds SET (fillfactor = ${FOLIO_UPDATE_FILLFACTOR})
    `,
  );
}

/** Percent of a page the INSERT may fill: the rest holds each row's version with its final folio. */
export const FOLIO_UPDATE_FILLFACTOR = 45;
