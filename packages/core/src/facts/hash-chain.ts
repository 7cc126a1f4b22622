import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, isBytes } from '@noble/hashes/utils.js';
import { canonicalText, canonicalTextBytes } from './canonical-encoding';
import {
  type FactEnvelope,
  factEnvelopeSchema,
  sha256HexSchema,
  terminalSequenceSchema,
  type UnsignedFactEnvelope,
  unsignedEnvelopeSchema,
} from './envelope';
import { ED25519_SIGNATURE_BYTES, type FactSigner, verifyFactSignature } from './signature';

/**
 * The prevHash of a terminal's first fact (sequence 1): 64 zeros. No SHA-256 output is known to
 * be all zeros, so the genesis link cannot be confused with a real fact's hash.
 */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** SHA-256 of the given bytes as lower-case hex. */
export type Sha256Hex = (bytes: Uint8Array) => string;

/** The portable SHA-256 (JavaScript, for browsers and Node alike). */
export const portableSha256Hex: Sha256Hex = (bytes) => bytesToHex(sha256(bytes));

/**
 * SHA-256 (lower-case hex) of the canonical encoding of the envelope without hash and signature.
 * A platform with a native SHA-256 (the server's node:crypto) may pass it: same bytes, same hash.
 */
export function computeFactHash(
  unsigned: UnsignedFactEnvelope,
  sha256Hex: Sha256Hex = portableSha256Hex,
): string {
  return hashFact(unsigned, sha256Hex).hash;
}

/**
 * computeFactHash, and the canonical text it hashed, for a caller that goes on to store the fact:
 * `signedEnvelopeJson` turns that text into the signed envelope's JSON without encoding it again.
 */
export function hashFact(
  unsigned: UnsignedFactEnvelope,
  sha256Hex: Sha256Hex = portableSha256Hex,
): { readonly hash: string; readonly canonicalText: string } {
  // Hashing a signed envelope by mistake would give a hash no verifier can reproduce.
  if ('hash' in unsigned || 'signature' in unsigned) {
    throw new Error('computeFactHash takes the envelope without hash and signature');
  }
  const text = canonicalText(unsigned);
  return { hash: sha256Hex(canonicalTextBytes(text)), canonicalText: text };
}

/**
 * The signed envelope as JSON, from the canonical text of the unsigned one: the same members
 * plus hash and signature, appended after the others (not in canonical order: this text is for
 * storing and parsing, never for hashing).
 */
export function signedEnvelopeJson(unsignedCanonicalText: string, hash: string, signature: string): string {
  if (!unsignedCanonicalText.startsWith('{"') || !unsignedCanonicalText.endsWith('}')) {
    throw new Error('signedEnvelopeJson takes the canonical text of a non-empty envelope object');
  }
  return `${unsignedCanonicalText.slice(0, -1)},"hash":${JSON.stringify(hash)},"signature":${JSON.stringify(signature)}}`;
}

/** Seals an unsigned envelope: checks it, hashes it and has the device key sign the hash. */
export async function buildSignedFact(
  unsigned: UnsignedFactEnvelope,
  sign: FactSigner,
): Promise<FactEnvelope> {
  // A terminal must never sign a fact that its own server would refuse as malformed.
  const checked = unsignedEnvelopeSchema.parse(unsigned);
  const hash = computeFactHash(checked);
  const signatureBytes = await sign(hexToBytes(hash));
  if (!isBytes(signatureBytes) || signatureBytes.length !== ED25519_SIGNATURE_BYTES) {
    throw new Error(`the signer must return a ${ED25519_SIGNATURE_BYTES}-byte Ed25519 signature`);
  }
  return { ...checked, hash, signature: bytesToHex(signatureBytes) };
}

/** Why a link of a chain was refused. Stable codes: terminals, servers and docs rely on them. */
export const CHAIN_BREAK_REASONS = [
  'SCHEMA',
  'TENANT_MISMATCH',
  'TERMINAL_MISMATCH',
  'SEQUENCE_GAP',
  'PREV_HASH_MISMATCH',
  'HASH_MISMATCH',
  'SIGNATURE_INVALID',
] as const;

export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

/** The last link known good: where the next fact of this terminal must attach. */
export interface ChainHead {
  readonly sequence: number;
  readonly hash: string;
}

export type ChainVerification =
  | { readonly ok: true; readonly head: ChainHead }
  | {
      readonly ok: false;
      /** The sequence number the broken link should have had: the one the verifier expects next. */
      readonly brokenAt: number;
      /** Its position in the list given to verifyChain. */
      readonly index: number;
      readonly reason: ChainBreakReason;
    };

export interface ChainVerificationOptions {
  /** The sequence of the first envelope: 1 for a whole chain, or the stored head's sequence + 1. */
  readonly expectedFirstSequence: number;
  /** GENESIS_PREV_HASH for a whole chain, or the stored head's hash. */
  readonly expectedPrevHash: string;
  /** The tenant the device is registered to; when absent, the first envelope's tenant. */
  readonly expectedTenantId?: string;
  /** The authenticated terminal; when absent, the first envelope's terminal. */
  readonly expectedTerminalId?: string;
}

/**
 * Verifies that `envelopes`, in order, continue one terminal's chain from the given head: each is
 * well-formed, belongs to the same tenant and terminal, has the next sequence number, links to the
 * previous hash, has the hash of its own content, and is signed by `publicKey`. Reports the first
 * broken link only, because nothing after a broken link can be trusted to be in place.
 *
 * For an empty list the head is the one given: { expectedFirstSequence - 1, expectedPrevHash }.
 */
export function verifyChain(
  envelopes: readonly unknown[],
  publicKey: Uint8Array,
  options: ChainVerificationOptions,
): ChainVerification {
  const firstSequence = terminalSequenceSchema.parse(options.expectedFirstSequence);
  let head: ChainHead = {
    sequence: firstSequence - 1,
    hash: sha256HexSchema.parse(options.expectedPrevHash),
  };
  let tenantId = options.expectedTenantId;
  let terminalId = options.expectedTerminalId;
  for (const [index, candidate] of envelopes.entries()) {
    const brokenLink = { ok: false, brokenAt: head.sequence + 1, index } as const;
    const parsed = factEnvelopeSchema.safeParse(candidate);
    if (!parsed.success) return { ...brokenLink, reason: 'SCHEMA' };
    const envelope = parsed.data;
    tenantId ??= envelope.tenantId;
    terminalId ??= envelope.terminalId;
    const reason = findLinkBreak(envelope, { tenantId, terminalId, head }, publicKey);
    if (reason !== null) return { ...brokenLink, reason };
    head = { sequence: envelope.sequence, hash: envelope.hash };
  }
  return { ok: true, head };
}

interface ExpectedLink {
  readonly tenantId: string;
  readonly terminalId: string;
  readonly head: ChainHead;
}

/** The checks run from the cheapest to the costliest; the signature is checked last. */
function findLinkBreak(
  envelope: FactEnvelope,
  expected: ExpectedLink,
  publicKey: Uint8Array,
): ChainBreakReason | null {
  if (envelope.tenantId !== expected.tenantId) return 'TENANT_MISMATCH';
  if (envelope.terminalId !== expected.terminalId) return 'TERMINAL_MISMATCH';
  if (envelope.sequence !== expected.head.sequence + 1) return 'SEQUENCE_GAP';
  if (envelope.prevHash !== expected.head.hash) return 'PREV_HASH_MISMATCH';
  const { hash, signature: _signature, ...unsigned } = envelope;
  if (computeFactHash(unsigned) !== hash) return 'HASH_MISMATCH';
  if (!verifyFactSignature(envelope, publicKey)) return 'SIGNATURE_INVALID';
  return null;
}
