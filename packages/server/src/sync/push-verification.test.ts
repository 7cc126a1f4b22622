import { readFileSync } from 'node:fs';
import {
  canonicalEncode,
  type FactEnvelope,
  GENESIS_PREV_HASH,
  portableSha256Hex,
  verifyChain,
  verifyFactSignature,
} from '@mostrador/core';
import { describe, expect, it } from 'vitest';
import { classifyBatch } from './chain-classification';
import { devicePublicKey, nativeSha256Hex, verifyBatch } from './push-verification';
import { checkSignatures } from './signature-threads';

interface Vectors {
  keys: { device: { publicKeyHex: string }; forger: { publicKeyHex: string } };
  chain: { unsignedEnvelope: Record<string, unknown>; hash: string; signature: string }[];
  negativeCases: {
    name: string;
    publicKeyHex: string;
    options: {
      expectedFirstSequence: number;
      expectedPrevHash: string;
      expectedTenantId?: string;
      expectedTerminalId?: string;
    };
    /** Each entry names a fact of the chain or gives an altered one. */
    envelopes: ({ chainIndex: number } | { envelope: FactEnvelope })[];
    expectedResult: { ok: boolean; index?: number; reason?: string };
  }[];
}

function hexToBytesForTest(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../core/test-vectors/fact-chain.v1.json', import.meta.url), 'utf8'),
) as Vectors;
const chain = vectors.chain.map(
  (entry) => ({ ...entry.unsignedEnvelope, hash: entry.hash, signature: entry.signature }) as FactEnvelope,
);
const deviceKeyHex = vectors.keys.device.publicKeyHex;
const first = chain[0]!;
const device = {
  tenantId: first.tenantId,
  terminalId: first.terminalId,
  storeId: first.storeId,
  status: 'active' as const,
  publicKeyHex: deviceKeyHex,
};

// The order of the Ed25519 group, little-endian: adding it to S keeps the signature valid in a
// lax verifier, so a strict one must refuse S + L.
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

function withSignature(envelope: FactEnvelope, signature: Uint8Array): FactEnvelope {
  return { ...envelope, signature: Buffer.from(signature).toString('hex') };
}

function sPlusOrder(signature: string): Uint8Array {
  const bytes = hexToBytesForTest(signature);
  const s = BigInt(`0x${Buffer.from(bytes.slice(32)).reverse().toString('hex')}`) + GROUP_ORDER;
  const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  const result = Uint8Array.from(bytes);
  result.set(sBytes, 32);
  return result;
}

describe('push verification', () => {
  const key = devicePublicKey(deviceKeyHex)!;
  const coreKey = hexToBytesForTest(deviceKeyHex);

  it("hashes with OpenSSL exactly as core's portable SHA-256 does", () => {
    const inputs = [
      new Uint8Array(),
      new TextEncoder().encode('abc'),
      ...vectors.chain.map((entry) => canonicalEncode(entry.unsignedEnvelope)),
      Uint8Array.from({ length: 100_000 }, (_, index) => (index * 31) % 256),
    ];
    for (const bytes of inputs) expect(nativeSha256Hex(bytes)).toBe(portableSha256Hex(bytes));
    // The vectors' hashes are the canonical encoding's SHA-256: the native one reproduces them.
    for (const entry of vectors.chain) {
      expect(nativeSha256Hex(canonicalEncode(entry.unsignedEnvelope))).toBe(entry.hash);
    }
  });

  it("accepts exactly the signatures core's strict verifier accepts, on the signature threads", async () => {
    const candidates: FactEnvelope[] = [];
    for (const envelope of chain) {
      const signature = hexToBytesForTest(envelope.signature);
      const flippedR = Uint8Array.from(signature);
      flippedR[3] = (flippedR[3] ?? 0) ^ 0x01;
      const flippedS = Uint8Array.from(signature);
      flippedS[40] = (flippedS[40] ?? 0) ^ 0x80;
      candidates.push(
        envelope,
        withSignature(envelope, flippedR),
        withSignature(envelope, flippedS),
        withSignature(envelope, sPlusOrder(envelope.signature)),
        withSignature(envelope, new Uint8Array(64)),
        { ...envelope, hash: chain[(chain.indexOf(envelope) + 1) % chain.length]!.hash },
      );
    }
    const expected = candidates.map((candidate) => verifyFactSignature(candidate, coreKey));
    expect(await checkSignatures(key, candidates)).toEqual(expected);
    expect(expected.filter(Boolean)).toHaveLength(chain.length);
    // One at a time as well as split across the threads: each answer stays with its own fact.
    for (const [index, candidate] of candidates.entries()) {
      expect(await checkSignatures(key, [candidate])).toEqual([expected[index]]);
    }
    const forger = devicePublicKey(vectors.keys.forger.publicKeyHex)!;
    expect(await checkSignatures(forger, chain)).toEqual(chain.map(() => false));
  });

  it('refuses an unusable stored key instead of throwing', async () => {
    expect(devicePublicKey('00')).toBeNull();
    expect(devicePublicKey('zz'.repeat(32))).toBeNull();
    expect(await verifyBatch(chain, { ...device, publicKeyHex: 'ab' })).toMatchObject({
      facts: [],
      rejection: { index: 0, reason: 'SIGNATURE_INVALID' },
    });
  });

  it('verifies the whole vector chain, and gives each fact the JSON the journal stores', async () => {
    const verified = await verifyBatch(chain, device);
    expect(verified).toMatchObject({ facts: chain, rejection: null });
    expect(verified.facts).toEqual(chain);
    for (const fact of verified.facts) expect(JSON.parse(verified.envelopeJson.get(fact)!)).toEqual(fact);
  });

  it("agrees with core's verifyChain on every negative vector, with the stored head in place of the options", async () => {
    for (const vectorCase of vectors.negativeCases) {
      const testCase = {
        ...vectorCase,
        envelopes: vectorCase.envelopes.map((entry) =>
          'chainIndex' in entry ? chain[entry.chainIndex]! : entry.envelope,
        ),
      };
      const caseDevice = {
        ...device,
        tenantId: testCase.options.expectedTenantId ?? testCase.envelopes[0]!.tenantId,
        terminalId: testCase.options.expectedTerminalId ?? testCase.envelopes[0]!.terminalId,
        publicKeyHex: testCase.publicKeyHex,
      };
      const verified = await verifyBatch(testCase.envelopes, caseDevice);
      const head = {
        sequence: testCase.options.expectedFirstSequence - 1,
        hash: testCase.options.expectedPrevHash,
      };
      const classified = classifyBatch(verified.facts, {
        head,
        hashBySequence: new Map(),
        storedEventIds: new Map(),
      });
      const core = verifyChain(
        testCase.envelopes,
        hexToBytesForTest(testCase.publicKeyHex),
        testCase.options,
      );
      expect(core.ok, testCase.name).toBe(testCase.expectedResult.ok);
      if (core.ok) {
        expect(verified.rejection, testCase.name).toBeNull();
        expect(classified.stop, testCase.name).toBeNull();
        expect(classified.fresh.at(-1)?.hash, testCase.name).toBe(core.head.hash);
        continue;
      }
      // The first link to the stored chain is judged by the classification, the rest in memory.
      const stop = classified.stop;
      const ours =
        stop !== null && stop.index < (verified.rejection?.index ?? Number.POSITIVE_INFINITY)
          ? {
              index: stop.index,
              reason: stop.kind === 'refused' ? stop.reason : stop.kind === 'gap' ? 'SEQUENCE_GAP' : 'FORK',
            }
          : verified.rejection;
      expect(ours, testCase.name).toMatchObject({ index: core.index, reason: core.reason });
    }
  });

  it('reports the earliest broken fact, whichever check broke first', async () => {
    const forged = { ...chain[1]!, signature: chain[2]!.signature };
    const tampered = { ...chain[2]!, hash: chain[3]!.hash };
    const earlier = await verifyBatch([chain[0], forged, tampered], device);
    expect(earlier.facts).toEqual([chain[0]]);
    expect(earlier.rejection).toEqual({ index: 1, sequence: 2, reason: 'SIGNATURE_INVALID' });
    const later = await verifyBatch([chain[0], chain[1], tampered], device);
    expect(later.facts).toEqual([chain[0], chain[1]]);
    expect(later.rejection).toEqual({ index: 2, sequence: 3, reason: 'HASH_MISMATCH' });
  });

  it('refuses a batch that repeats an event id, and finds a gap when the first fact is missing', async () => {
    const repeated = { ...chain[1]!, eventId: chain[0]!.eventId };
    expect((await verifyBatch([chain[0], repeated], device)).rejection).toMatchObject({
      index: 1,
      reason: 'EVENT_ID_REUSED',
    });
    const classified = classifyBatch(chain.slice(1), {
      head: { sequence: 0, hash: GENESIS_PREV_HASH },
      hashBySequence: new Map(),
      storedEventIds: new Map(),
    });
    expect(classified.stop).toEqual({ kind: 'gap', index: 0 });
  });
});
