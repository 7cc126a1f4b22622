import { v7 as uuidv7 } from 'uuid';
import type { TenantTransaction } from '../database/tenant-transaction';

export interface AuditEntry {
  readonly actorUserId: string | null;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly details?: Record<string, unknown>;
}

/** Appends one audit entry in the caller's transaction: it commits or rolls back with the change. */
export async function appendAudit(
  transaction: TenantTransaction,
  tenantId: string,
  entry: AuditEntry,
): Promise<void> {
  await transaction
    .insertInto('audit_log')
    .values({
      tenant_id: tenantId,
      id: uuidv7(),
      actor_user_id: entry.actorUserId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
