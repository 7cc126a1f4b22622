import { type ChainBreakReason, type ChainHead, factEnvelopeSchema, verifyChain } from '@mostrador/core';
import { z } from 'zod';

/**
 * The export file: JSON lines. The first line is a header naming the terminal and its public
 * key; every other line is one fact envelope exactly as signed, in sequence order. Retention may
 * have removed the oldest acknowledged facts, so verification starts from the first fact present.
 *
 * Format history: 1 (2026-11) header + envelopes.
 */
export const FACT_EXPORT_FORMAT = 'mostrador-fact-export';
export const FACT_EXPORT_VERSION = 1;

export const factExportHeaderSchema = z.object({
  format: z.literal(FACT_EXPORT_FORMAT),
  version: z.literal(FACT_EXPORT_VERSION),
  terminalId: z.string(),
  tenantId: z.string(),
  publicKeyHex: z.string().regex(/^[0-9a-f]{64}$/),
  exportedAt: z.string(),
});
export type FactExportHeader = z.infer<typeof factExportHeaderSchema>;

export type ExportVerification =
  | {
      readonly ok: true;
      readonly facts: number;
      readonly firstSequence: number | null;
      readonly head: ChainHead;
    }
  | { readonly ok: false; readonly code: 'EXPORT_UNREADABLE'; readonly line: number; readonly detail: string }
  | {
      readonly ok: false;
      readonly code: 'CHAIN_BROKEN';
      readonly brokenAt: number;
      readonly line: number;
      readonly reason: ChainBreakReason;
    };

/** Checks every link of an exported chain: schema, continuity, hashes and signatures. */
export function verifyFactExport(text: string, publicKeyHexOverride?: string): ExportVerification {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [headerLine, ...factLines] = lines;
  if (headerLine === undefined)
    return { ok: false, code: 'EXPORT_UNREADABLE', line: 1, detail: 'empty file' };
  const header = factExportHeaderSchema.safeParse(parseLine(headerLine));
  if (!header.success)
    return { ok: false, code: 'EXPORT_UNREADABLE', line: 1, detail: 'missing or bad header' };
  const facts: unknown[] = [];
  for (const [index, line] of factLines.entries()) {
    const fact = parseLine(line);
    if (fact === undefined)
      return { ok: false, code: 'EXPORT_UNREADABLE', line: index + 2, detail: 'not JSON' };
    facts.push(fact);
  }
  const first = factEnvelopeSchema.safeParse(facts[0]);
  const publicKey = Buffer.from(publicKeyHexOverride ?? header.data.publicKeyHex, 'hex');
  const verification = verifyChain(facts, publicKey, {
    expectedFirstSequence: first.success ? first.data.sequence : 1,
    expectedPrevHash: first.success ? first.data.prevHash : '0'.repeat(64),
    expectedTenantId: header.data.tenantId,
    expectedTerminalId: header.data.terminalId,
  });
  if (!verification.ok) {
    return {
      ok: false,
      code: 'CHAIN_BROKEN',
      brokenAt: verification.brokenAt,
      line: verification.index + 2,
      reason: verification.reason,
    };
  }
  return {
    ok: true,
    facts: facts.length,
    firstSequence: first.success ? first.data.sequence : null,
    head: verification.head,
  };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
