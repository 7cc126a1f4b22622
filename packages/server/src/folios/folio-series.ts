import { v7 as uuidv7 } from 'uuid';
import type { TenantTransaction } from '../database/tenant-transaction';

/**
 * Creates the folio series a store or terminal needs. A per-store series is shared by every till of
 * the store (the server assigns final numbers); a per-terminal series belongs to one till, which
 * assigns final numbers itself, offline (e.g. Costa Rica: branch + terminal + type + sequence).
 */
const DOCUMENT_TYPES = ['sale', 'refund'] as const;
const DOCUMENT_TYPE_CODES = { sale: '01', refund: '03' } as const;

export async function createStoreFolioSeries(
  transaction: TenantTransaction,
  tenantId: string,
  store: { id: string; code: string },
  version: number,
): Promise<void> {
  await transaction
    .insertInto('folio_series')
    .values(
      DOCUMENT_TYPES.map((documentType) => ({
        tenant_id: tenantId,
        id: uuidv7(),
        store_id: store.id,
        terminal_id: null,
        document_type: documentType,
        scope: 'per_store' as const,
        prefix: `${store.code}-${DOCUMENT_TYPE_CODES[documentType]}-`,
        version,
        deleted_at: null,
      })),
    )
    .execute();
}

export async function createTerminalFolioSeries(
  transaction: TenantTransaction,
  tenantId: string,
  terminal: { id: string; storeId: string; storeCode: string; number: number },
  version: number,
): Promise<void> {
  const terminalCode = String(terminal.number).padStart(5, '0');
  await transaction
    .insertInto('folio_series')
    .values(
      DOCUMENT_TYPES.map((documentType) => ({
        tenant_id: tenantId,
        id: uuidv7(),
        store_id: terminal.storeId,
        terminal_id: terminal.id,
        document_type: documentType,
        scope: 'per_terminal' as const,
        prefix: `${terminal.storeCode}-${terminalCode}-${DOCUMENT_TYPE_CODES[documentType]}-`,
        version,
        deleted_at: null,
      })),
    )
    .execute();
}
