import type { PushResponse } from '@mostrador/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../database/database';
import { withTenant } from '../database/tenant-transaction';
import { FolioSeriesMoved } from '../folios/folio-assignment';
import type { DevicePrincipal } from '../terminals/device-authentication';
import { type AppendResult, appendBatch, RetryWithPrefix } from './fact-appender';
import { type VerifiedBatch, verifyBatch } from './push-verification';

/**
 * Bounds the transaction attempts of one push: a lost race with another server instance (the
 * database refused a duplicate), a transaction the database chose to abort (deadlock or
 * serialization failure: the lock order makes them unexpected, not impossible), a per-terminal
 * folio series that moved under the batch, and each retry of a shorter prefix after a projection
 * failure. Eight halvings take a batch of 200 down to one fact.
 */
export const PUSH_ATTEMPTS_MAX = 8;

/** PostgreSQL's codes for a transaction worth running again from the start. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  '23505', // unique_violation: another instance stored the same facts first
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export interface PushDependencies {
  readonly database: Database;
  readonly logger?: FastifyBaseLogger | undefined;
}

/**
 * Ingests one pushed batch for an authenticated device: verifies it in memory (schema, hash,
 * signature, links within the batch), then appends and applies in one transaction what continues
 * the stored chain. The answer always carries the highest sequence durably applied.
 */
export async function pushFacts(
  dependencies: PushDependencies,
  device: DevicePrincipal,
  rawFacts: readonly unknown[],
  now: Date,
): Promise<PushResponse> {
  const verified = await verifyBatch(rawFacts, device);
  const scope = { tenantId: device.tenantId, userId: null };
  let freshLimit = verified.facts.length;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await withTenant(dependencies.database.app, scope, (work) =>
        appendBatch(work, {
          terminalId: device.terminalId,
          facts: verified.facts,
          now,
          freshLimit,
          envelopeJson: verified.envelopeJson,
        }),
      );
      dependencies.database.statistics.noteFactsStored(result.stored);
      return pushResponse(result, verified, now);
    } catch (error) {
      if (attempt >= PUSH_ATTEMPTS_MAX) throw error;
      if (error instanceof RetryWithPrefix) {
        // A projection failed: a bug to fix, but the facts before it are good and are kept now.
        dependencies.logger?.error(
          { err: error.cause, terminalId: device.terminalId },
          'fact projection failed',
        );
        freshLimit = error.freshLimit;
        continue;
      }
      if (isRetryable(error)) continue;
      throw error;
    }
  }
}

function pushResponse(result: AppendResult, verified: VerifiedBatch, now: Date): PushResponse {
  const base = {
    acknowledgedSequence: result.head.sequence,
    serverHead: { sequence: result.head.sequence, hash: result.head.hash },
    expectedSequence: result.head.sequence + 1,
    folios: result.folios,
    serverTime: now.toISOString(),
  };
  const { stop } = result;
  if (result.frozen) {
    return { ...base, outcome: 'fork', rejectedAt: null, reason: 'REACTIVATION_REQUIRED' };
  }
  if (stop?.kind === 'gap') return { ...base, outcome: 'gap', rejectedAt: null, reason: 'SEQUENCE_GAP' };
  if (stop?.kind === 'refused') {
    const sequence = verified.facts[stop.index]?.sequence ?? null;
    return { ...base, outcome: 'rejected', rejectedAt: sequence, reason: stop.reason };
  }
  if (result.heldBack === 0 && verified.rejection !== null) {
    return {
      ...base,
      outcome: 'rejected',
      rejectedAt: verified.rejection.sequence,
      reason: verified.rejection.reason,
    };
  }
  return { ...base, outcome: 'applied', rejectedAt: null, reason: null };
}

function isRetryable(error: unknown): boolean {
  if (error instanceof FolioSeriesMoved) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}
