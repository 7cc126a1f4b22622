import type { Migration } from 'kysely';
import * as foundation from './0001-foundation';
import * as terminalsAndFeed from './0002-terminals-and-feed';
import * as factsAndProjections from './0003-facts-and-projections';
import * as terminalHealth from './0004-terminal-health';
import * as deferredMovementKey from './0005-deferred-movement-key';
import * as journalLz4 from './0006-journal-lz4';
import * as pushTableStatistics from './0007-push-table-statistics';
import * as folioUpdateRoom from './0008-folio-update-room';
import * as setBasedReferences from './0009-set-based-references';
import * as tenantReadOnce from './0010-tenant-read-once';

/** Versioned migrations, applied in key order at start on PGlite and on PostgreSQL alike. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-terminals-and-feed': terminalsAndFeed,
  '0003-facts-and-projections': factsAndProjections,
  '0004-terminal-health': terminalHealth,
  '0005-deferred-movement-key': deferredMovementKey,
  '0006-journal-lz4': journalLz4,
  '0007-push-table-statistics': pushTableStatistics,
  '0008-folio-update-room': folioUpdateRoom,
  '0009-set-based-references': setBasedReferences,
  '0010-tenant-read-once': tenantReadOnce,
};
