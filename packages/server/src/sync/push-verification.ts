import { createHash } from 'node:crypto';
import {
  type ChainBreakReason,
  ED25519_PUBLIC_KEY_BYTES,
  type FactEnvelope,
  factEnvelopeSchema,
  hashFact,
  type Sha256Hex,
  signedEnvelopeJson,
} from '@mostrador/core';
import type { DevicePrincipal } from '../terminals/device-authentication';
import { checkSignatures } from './signature-threads';

/**
 * Why the server refuses a pushed fact. The chain reasons come from core; the server adds the
 * checks only it can make: the fact names another store than the device's, or reuses an event
 * id that already belongs to a different fact.
 */
export type PushRejectionReason = ChainBreakReason | 'STORE_MISMATCH' | 'EVENT_ID_REUSED';

export interface PushRejection {
  /** Position in the pushed list. */
  readonly index: number;
  /** The sequence the refused fact carries or should have carried; null when unknowable. */
  readonly sequence: number | null;
  readonly reason: PushRejectionReason;
}

export interface VerifiedBatch {
  /** The longest prefix of the batch whose every fact passed every check, in order. */
  readonly facts: readonly FactEnvelope[];
  /** The first fact that failed, if any; nothing after it is looked at. */
  readonly rejection: PushRejection | null;
  /**
   * Each checked fact's JSON for the journal, built from the canonical text its hash was checked
   * against, so the fact is not encoded a second time to be stored.
   */
  readonly envelopeJson: ReadonlyMap<FactEnvelope, string>;
}

/** The device's raw 32-byte public key, or null when the stored key is unusable. */
export function devicePublicKey(publicKeyHex: string): Uint8Array | null {
  const raw = Buffer.from(publicKeyHex, 'hex');
  const exact = raw.length === ED25519_PUBLIC_KEY_BYTES && raw.toString('hex') === publicKeyHex.toLowerCase();
  return exact ? raw : null;
}

/**
 * Checks a pushed batch without touching the database: each fact is well-formed, belongs to the
 * authenticated device (tenant, terminal and store), links to the fact before it in the batch
 * (consecutive sequence, prevHash, no repeated event id), carries the hash of its own content and
 * the device's signature over that hash. How the first fact joins the server's stored chain is
 * decided later, inside the transaction, against the stored head. The first fact that fails any
 * check ends the verified prefix.
 */
export async function verifyBatch(
  rawFacts: readonly unknown[],
  device: DevicePrincipal,
): Promise<VerifiedBatch> {
  const checked = checkContent(rawFacts, device);
  const publicKey = devicePublicKey(device.publicKeyHex);
  const signed =
    publicKey === null ? checked.facts.map(() => false) : await checkSignatures(publicKey, checked.facts);
  const unsigned = signed.indexOf(false);
  if (unsigned === -1) return checked;
  return {
    facts: checked.facts.slice(0, unsigned),
    rejection: { index: unsigned, sequence: checked.facts[unsigned]!.sequence, reason: 'SIGNATURE_INVALID' },
    envelopeJson: checked.envelopeJson,
  };
}

/** OpenSSL's SHA-256: the same hash as core's portable one (push-verification.test.ts), faster. */
export const nativeSha256Hex: Sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Every check but the signature, fact by fact, up to the first failure. */
function checkContent(rawFacts: readonly unknown[], device: DevicePrincipal): VerifiedBatch {
  const facts: FactEnvelope[] = [];
  const envelopeJson = new Map<FactEnvelope, string>();
  const eventIds = new Set<string>();
  for (const [index, candidate] of rawFacts.entries()) {
    const previous = facts[facts.length - 1];
    const expectedSequence = previous === undefined ? claimedSequence(candidate) : previous.sequence + 1;
    const refuse = (reason: PushRejectionReason): VerifiedBatch => ({
      facts,
      rejection: { index, sequence: expectedSequence, reason },
      envelopeJson,
    });
    const parsed = factEnvelopeSchema.safeParse(candidate);
    if (!parsed.success) return refuse('SCHEMA');
    const envelope = parsed.data;
    if (envelope.tenantId !== device.tenantId) return refuse('TENANT_MISMATCH');
    if (envelope.terminalId !== device.terminalId) return refuse('TERMINAL_MISMATCH');
    if (envelope.storeId !== device.storeId) return refuse('STORE_MISMATCH');
    if (previous !== undefined) {
      if (envelope.sequence !== previous.sequence + 1) return refuse('SEQUENCE_GAP');
      if (envelope.prevHash !== previous.hash) return refuse('PREV_HASH_MISMATCH');
    }
    if (eventIds.has(envelope.eventId)) return refuse('EVENT_ID_REUSED');
    const { hash, signature, ...unsigned } = envelope;
    const computed = hashFact(unsigned, nativeSha256Hex);
    if (computed.hash !== hash) return refuse('HASH_MISMATCH');
    eventIds.add(envelope.eventId);
    facts.push(envelope);
    envelopeJson.set(envelope, signedEnvelopeJson(computed.canonicalText, hash, signature));
  }
  return { facts, rejection: null, envelopeJson };
}

function claimedSequence(candidate: unknown): number | null {
  if (typeof candidate !== 'object' || candidate === null) return null;
  const sequence = (candidate as { sequence?: unknown }).sequence;
  return typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence > 0 ? sequence : null;
}
