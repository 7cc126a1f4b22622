import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CanonicalEncodingError, canonicalEncode, canonicalText } from './canonical-encoding';
import { unsignedEnvelopeSchema } from './envelope';
import { buildFactChainTestVectors, resolveEnvelopes, TEST_VECTORS_FILE_URL } from './generate-test-vectors';
import { CHAIN_BREAK_REASONS, computeFactHash, GENESIS_PREV_HASH, verifyChain } from './hash-chain';
import { FACT_PROTOCOL_MIN_SUPPORTED } from './protocol-version';
import { createEd25519Signer, verifyFactSignature } from './signature';

/*
 * Checks this implementation against the committed vectors file, entry by entry. The file is the
 * contract with every other implementation: if the encoding, the hash or the signature changes,
 * these tests fail; regenerating the file is then a protocol version bump, not a fix.
 */

const hexSchema = z.string().regex(/^([0-9a-f]{2})*$/);
const keySchema = z.object({ seedText: z.string(), seedHex: hexSchema, publicKeyHex: hexSchema });
const optionsSchema = z.object({
  expectedFirstSequence: z.number(),
  expectedPrevHash: z.string(),
  expectedTenantId: z.string().optional(),
  expectedTerminalId: z.string().optional(),
});
const resultSchema = z.union([
  z.object({ ok: z.literal(true), head: z.object({ sequence: z.number(), hash: z.string() }) }),
  z.object({ ok: z.literal(false), brokenAt: z.number(), index: z.number(), reason: z.string() }),
]);
const vectorsFileSchema = z.object({
  format: z.literal('mostrador-fact-chain-test-vectors'),
  formatVersion: z.literal(1),
  protocolVersion: z.literal(1),
  description: z.string(),
  genesisPrevHash: z.string(),
  keys: z.object({ warning: z.string(), device: keySchema, forger: keySchema }),
  canonicalEncoding: z.array(
    z.object({ name: z.string(), jsonText: z.string(), canonicalUtf8: z.string(), canonicalHex: hexSchema }),
  ),
  canonicalEncodingRefusals: z.array(z.object({ name: z.string(), jsonText: z.string() })),
  chain: z.array(
    z.object({
      sequence: z.number(),
      type: z.string(),
      unsignedEnvelope: z.unknown(),
      canonicalUtf8: z.string(),
      canonicalHex: hexSchema,
      hash: z.string(),
      signature: z.string(),
    }),
  ),
  chainOptions: optionsSchema,
  expectedChainResult: resultSchema,
  negativeCases: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      publicKeyHex: hexSchema,
      options: optionsSchema,
      envelopes: z.array(
        z.union([z.object({ chainIndex: z.number() }), z.object({ envelope: z.unknown() })]),
      ),
      expectedResult: resultSchema,
    }),
  ),
});

const fileText = readFileSync(TEST_VECTORS_FILE_URL, 'utf8');
const vectors = vectorsFileSchema.parse(JSON.parse(fileText));
const devicePublicKey = hexToBytes(vectors.keys.device.publicKeyHex);
const signedChain = vectors.chain.map((entry) => ({
  ...(entry.unsignedEnvelope as object),
  hash: entry.hash,
  signature: entry.signature,
}));

describe('fact-chain.v1.json', () => {
  it('is for a protocol version this code still supports', () => {
    expect(vectors.protocolVersion).toBeGreaterThanOrEqual(FACT_PROTOCOL_MIN_SUPPORTED);
    expect(vectors.genesisPrevHash).toBe(GENESIS_PREV_HASH);
  });

  it('has test-only keys whose public keys derive from their seeds', () => {
    for (const key of [vectors.keys.device, vectors.keys.forger]) {
      expect(bytesToHex(new TextEncoder().encode(key.seedText))).toBe(key.seedHex);
      expect(bytesToHex(ed25519.getPublicKey(hexToBytes(key.seedHex)))).toBe(key.publicKeyHex);
    }
  });

  it('has a chain of at least 6 facts with every kind', () => {
    expect(vectors.chain.length).toBeGreaterThanOrEqual(6);
    expect(new Set(vectors.chain.map((entry) => entry.type))).toEqual(
      new Set([
        'SaleCompleted',
        'SaleVoided',
        'RefundIssued',
        'CashMovementRecorded',
        'ShiftOpened',
        'ShiftClosed',
      ]),
    );
  });

  describe.each(vectors.canonicalEncoding)('canonical encoding case $name', (entry) => {
    it('encodes to the expected text and bytes', () => {
      const value: unknown = JSON.parse(entry.jsonText);
      expect(canonicalText(value)).toBe(entry.canonicalUtf8);
      expect(bytesToHex(canonicalEncode(value))).toBe(entry.canonicalHex);
    });
  });

  describe.each(vectors.canonicalEncodingRefusals)('canonical encoding refusal $name', (entry) => {
    it('is refused', () => {
      expect(() => canonicalEncode(JSON.parse(entry.jsonText))).toThrow(CanonicalEncodingError);
    });
  });

  describe.each(vectors.chain)('fact $sequence ($type)', (entry) => {
    const unsigned = unsignedEnvelopeSchema.parse(entry.unsignedEnvelope);

    it('is a valid unsigned envelope with the sequence it is listed under', () => {
      expect(unsigned).toEqual(entry.unsignedEnvelope);
      expect(unsigned.sequence).toBe(entry.sequence);
      expect(unsigned.payload.type).toBe(entry.type);
    });

    it('has the expected canonical encoding, as text and as UTF-8 bytes', () => {
      expect(canonicalText(unsigned)).toBe(entry.canonicalUtf8);
      expect(bytesToHex(canonicalEncode(unsigned))).toBe(entry.canonicalHex);
      expect(bytesToHex(new TextEncoder().encode(entry.canonicalUtf8))).toBe(entry.canonicalHex);
    });

    it('has the expected hash, SHA-256 of those bytes', () => {
      expect(computeFactHash(unsigned)).toBe(entry.hash);
      expect(bytesToHex(sha256(hexToBytes(entry.canonicalHex)))).toBe(entry.hash);
    });

    it('links to the hash of the fact before it', () => {
      const previous = vectors.chain[entry.sequence - 2];
      expect(unsigned.prevHash).toBe(previous === undefined ? vectors.genesisPrevHash : previous.hash);
    });

    it('has the expected deterministic signature, which verifies', async () => {
      const signatureBytes = await createEd25519Signer(hexToBytes(vectors.keys.device.seedHex))(
        hexToBytes(entry.hash),
      );
      expect(bytesToHex(signatureBytes)).toBe(entry.signature);
      expect(verifyFactSignature(entry, devicePublicKey)).toBe(true);
    });
  });

  it('verifies the whole chain to the expected result', () => {
    expect(verifyChain(signedChain, devicePublicKey, vectors.chainOptions)).toEqual(
      vectors.expectedChainResult,
    );
  });

  describe.each(vectors.negativeCases)('negative case $name', (negativeCase) => {
    it('gives the expected result', () => {
      const envelopes = resolveEnvelopes(negativeCase.envelopes, signedChain);
      const result = verifyChain(envelopes, hexToBytes(negativeCase.publicKeyHex), negativeCase.options);
      expect(result).toEqual(negativeCase.expectedResult);
    });
  });

  it('has a negative case for every reason a chain can break, each documented in the README', () => {
    const readme = readFileSync(new URL('README.md', TEST_VECTORS_FILE_URL), 'utf8');
    const reasons = new Set(
      vectors.negativeCases
        .map((negativeCase) => negativeCase.expectedResult)
        .flatMap((result) => (result.ok ? [] : [result.reason])),
    );
    for (const reason of CHAIN_BREAK_REASONS) {
      expect(reasons, reason).toContain(reason);
      expect(readme, reason).toContain(`\`${reason}\``);
    }
  });

  it('is what the generator produces from the example chain today', async () => {
    expect(JSON.parse(fileText)).toEqual(JSON.parse(JSON.stringify(await buildFactChainTestVectors())));
  });
});
