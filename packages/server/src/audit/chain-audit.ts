import { type ChainVerification, GENESIS_PREV_HASH, verifyChain } from '@mostrador/core';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../database/database-schema';

/** Facts are read and verified in pages so a terminal with a million facts needs bounded memory. */
const AUDIT_PAGE_FACTS = 2_000;

export type ChainAuditReport =
  | {
      readonly ok: true;
      readonly terminalId: string;
      readonly factCount: number;
      readonly head: { sequence: number; hash: string };
    }
  | {
      readonly ok: false;
      readonly terminalId: string;
      readonly factCount: number;
      /** The first broken link: its sequence and why. */
      readonly brokenAt: number;
      readonly reason: string;
    };

/**
 * Re-verifies a terminal's whole chain from what the server stored: every envelope's schema, hash,
 * signature (against the public key registered at activation) and link to the one before. It
 * reads as the owner, outside any request, so it also catches rows changed behind the API's back.
 */
export async function auditTerminalChain(
  system: Kysely<DatabaseSchema>,
  tenantId: string,
  terminalId: string,
): Promise<ChainAuditReport> {
  const terminal = await system
    .selectFrom('terminals')
    .select(['public_key'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', terminalId)
    .executeTakeFirst();
  if (terminal === undefined || terminal.public_key === null) {
    return { ok: false, terminalId, factCount: 0, brokenAt: 0, reason: 'TERMINAL_UNKNOWN' };
  }
  const publicKey = hexToBytes(terminal.public_key);
  let head = { sequence: 0, hash: GENESIS_PREV_HASH };
  let factCount = 0;
  for (;;) {
    const rows = await system
      .selectFrom('facts')
      .select(['sequence', 'envelope'])
      .where('tenant_id', '=', tenantId)
      .where('terminal_id', '=', terminalId)
      .where('sequence', '>', head.sequence)
      .orderBy('sequence')
      .limit(AUDIT_PAGE_FACTS)
      .execute();
    if (rows.length === 0) break;
    const verification: ChainVerification = verifyChain(
      rows.map((row) => row.envelope),
      publicKey,
      {
        expectedFirstSequence: head.sequence + 1,
        expectedPrevHash: head.hash,
        expectedTenantId: tenantId,
        expectedTerminalId: terminalId,
      },
    );
    if (!verification.ok) {
      return {
        ok: false,
        terminalId,
        factCount: factCount + verification.index,
        brokenAt: verification.brokenAt,
        reason: verification.reason,
      };
    }
    factCount += rows.length;
    head = verification.head;
  }
  return { ok: true, terminalId, factCount, head };
}
