import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalEncode } from './canonical-encoding';
import type { FactEnvelope, UnsignedFactEnvelope } from './envelope';
import {
  EXAMPLE_IDS,
  exampleUnsignedChain,
  TEST_ONLY_DEVICE_SEED,
  TEST_ONLY_FORGER_SEED,
} from './example-facts';
import {
  buildSignedFact,
  type ChainVerificationOptions,
  computeFactHash,
  GENESIS_PREV_HASH,
  hashFact,
  signedEnvelopeJson,
  verifyChain,
} from './hash-chain';
import { createEd25519Signer } from './signature';

const deviceSigner = createEd25519Signer(TEST_ONLY_DEVICE_SEED);
const devicePublicKey = ed25519.getPublicKey(TEST_ONLY_DEVICE_SEED);
const fromGenesis: ChainVerificationOptions = {
  expectedFirstSequence: 1,
  expectedPrevHash: GENESIS_PREV_HASH,
};

function unsignedPart(envelope: FactEnvelope): UnsignedFactEnvelope {
  const { hash: _hash, signature: _signature, ...unsigned } = envelope;
  return unsigned;
}

async function signChain(unsignedChain: readonly UnsignedFactEnvelope[]): Promise<FactEnvelope[]> {
  const chain: FactEnvelope[] = [];
  for (const unsigned of unsignedChain) chain.push(await buildSignedFact(unsigned, deviceSigner));
  return chain;
}

let chain: FactEnvelope[] = [];
beforeAll(async () => {
  chain = await signChain(exampleUnsignedChain());
});

/** A fresh deep copy of the valid chain, so that each test tampers with its own. */
const copyOfChain = (): FactEnvelope[] => structuredClone(chain);
const fact = (index: number): FactEnvelope => copyOfChain()[index]!;

describe('GENESIS_PREV_HASH', () => {
  it('is 64 zeros and starts the example chain', () => {
    expect(GENESIS_PREV_HASH).toBe('0'.repeat(64));
    expect(chain[0]!.prevHash).toBe(GENESIS_PREV_HASH);
  });
});

describe('computeFactHash', () => {
  it('is SHA-256 of the canonical encoding, in lower-case hex', () => {
    const unsigned = exampleUnsignedChain()[0]!;
    expect(computeFactHash(unsigned)).toBe(bytesToHex(sha256(canonicalEncode(unsigned))));
    expect(computeFactHash(unsigned)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const unsigned = exampleUnsignedChain()[0]!;
    const reversed = Object.fromEntries(Object.entries(unsigned).reverse()) as UnsignedFactEnvelope;
    expect(computeFactHash(reversed)).toBe(computeFactHash(unsigned));
  });

  it('refuses a signed envelope, whose hash could not be reproduced', () => {
    expect(() => computeFactHash(fact(0) as UnsignedFactEnvelope)).toThrow();
  });
});

describe('hashFact and signedEnvelopeJson', () => {
  it('give the hash computeFactHash gives and the canonical text it hashed', () => {
    for (const signed of copyOfChain()) {
      const unsigned = unsignedPart(signed);
      const { hash, canonicalText } = hashFact(unsigned);
      expect(hash).toBe(computeFactHash(unsigned));
      expect(new TextEncoder().encode(canonicalText)).toEqual(canonicalEncode(unsigned));
    }
  });

  it('turn that text into JSON that reads back as the signed fact, whatever its member order', () => {
    for (const signed of copyOfChain()) {
      const { canonicalText } = hashFact(unsignedPart(signed));
      const json = signedEnvelopeJson(canonicalText, signed.hash, signed.signature);
      expect(JSON.parse(json)).toEqual(signed);
      expect(computeFactHash(unsignedPart(JSON.parse(json) as FactEnvelope))).toBe(signed.hash);
    }
  });

  it('refuse a text that is not a non-empty object', () => {
    expect(() => signedEnvelopeJson('{}', 'a'.repeat(64), 'b'.repeat(128))).toThrow();
    expect(() => signedEnvelopeJson('[1]', 'a'.repeat(64), 'b'.repeat(128))).toThrow();
  });
});

describe('buildSignedFact', () => {
  it('links, hashes and signs the example chain', () => {
    for (const [index, envelope] of chain.entries()) {
      expect(envelope.hash).toBe(computeFactHash(unsignedPart(envelope)));
      expect(envelope.prevHash).toBe(index === 0 ? GENESIS_PREV_HASH : chain[index - 1]!.hash);
      expect(
        ed25519.verify(
          Buffer.from(envelope.signature, 'hex'),
          Buffer.from(envelope.hash, 'hex'),
          devicePublicKey,
        ),
      ).toBe(true);
    }
  });

  it('hands the signer the 32 raw bytes of the hash', async () => {
    const seen: Uint8Array[] = [];
    const envelope = await buildSignedFact(exampleUnsignedChain()[0]!, async (hashBytes) => {
      seen.push(hashBytes);
      return deviceSigner(hashBytes);
    });
    expect(seen).toHaveLength(1);
    expect(bytesToHex(seen[0]!)).toBe(envelope.hash);
  });

  it('refuses to sign a malformed fact', async () => {
    const unsigned = { ...exampleUnsignedChain()[0]!, sequence: 0 };
    await expect(buildSignedFact(unsigned, deviceSigner)).rejects.toThrow();
  });

  it('refuses a signer that returns something other than 64 bytes', async () => {
    const unsigned = exampleUnsignedChain()[0]!;
    await expect(buildSignedFact(unsigned, async () => new Uint8Array(32))).rejects.toThrow(/64-byte/);
  });
});

describe('verifyChain', () => {
  it('accepts the example chain and reports its head', () => {
    expect(verifyChain(chain, devicePublicKey, fromGenesis)).toEqual({
      ok: true,
      head: { sequence: 7, hash: chain[6]!.hash },
    });
  });

  it('gives back the starting head for an empty list', () => {
    expect(verifyChain([], devicePublicKey, fromGenesis)).toEqual({
      ok: true,
      head: { sequence: 0, hash: GENESIS_PREV_HASH },
    });
  });

  it('continues from a stored head', () => {
    const options = { expectedFirstSequence: 5, expectedPrevHash: chain[3]!.hash };
    expect(verifyChain(chain.slice(4), devicePublicKey, options)).toEqual({
      ok: true,
      head: { sequence: 7, hash: chain[6]!.hash },
    });
    expect(verifyChain(chain.slice(4), devicePublicKey, fromGenesis)).toMatchObject({
      ok: false,
      brokenAt: 1,
      reason: 'SEQUENCE_GAP',
    });
  });

  it('refuses the chain under another key at its first fact', () => {
    const forgerKey = ed25519.getPublicKey(TEST_ONLY_FORGER_SEED);
    expect(verifyChain(chain, forgerKey, fromGenesis)).toEqual({
      ok: false,
      brokenAt: 1,
      index: 0,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('finds a tampered payload by its hash', () => {
    const tampered = copyOfChain();
    const sale = tampered[1]!;
    if (sale.payload.type !== 'SaleCompleted') throw new Error('fact 2 is a sale');
    sale.payload.tenders[0]!.reference = 'AUTH-999999';
    expect(verifyChain(tampered, devicePublicKey, fromGenesis)).toEqual({
      ok: false,
      brokenAt: 2,
      index: 1,
      reason: 'HASH_MISMATCH',
    });
  });

  it('finds a tampered payload with a recomputed hash by its signature', () => {
    const tampered = copyOfChain();
    const movement = tampered[5]!;
    if (movement.payload.type !== 'CashMovementRecorded') throw new Error('fact 6 is a cash movement');
    movement.payload.amountMinor = 1_205;
    movement.hash = computeFactHash(unsignedPart(movement));
    expect(verifyChain(tampered, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 6,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('finds a fact signed by another device', async () => {
    const forged = copyOfChain();
    forged[2] = await buildSignedFact(unsignedPart(forged[2]!), createEd25519Signer(TEST_ONLY_FORGER_SEED));
    expect(verifyChain(forged, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 3,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('finds a gap, a duplicate and a reordering by their sequence', () => {
    const withGap = chain.filter((_, index) => index !== 3);
    expect(verifyChain(withGap, devicePublicKey, fromGenesis)).toEqual({
      ok: false,
      brokenAt: 4,
      index: 3,
      reason: 'SEQUENCE_GAP',
    });
    const withDuplicate = [...chain.slice(0, 2), chain[1]!, ...chain.slice(2)];
    expect(verifyChain(withDuplicate, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 3,
      index: 2,
      reason: 'SEQUENCE_GAP',
    });
    const reordered = [chain[0]!, chain[2]!, chain[1]!, ...chain.slice(3)];
    expect(verifyChain(reordered, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 2,
      index: 1,
      reason: 'SEQUENCE_GAP',
    });
  });

  it('finds a validly signed fact that links elsewhere: a fork', async () => {
    const forked = copyOfChain();
    forked[3] = await buildSignedFact(
      { ...unsignedPart(forked[3]!), prevHash: forked[1]!.hash },
      deviceSigner,
    );
    expect(verifyChain(forked, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 4,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  it('finds a first fact that does not start from the expected head', () => {
    const options = { expectedFirstSequence: 1, expectedPrevHash: 'f'.repeat(64) };
    expect(verifyChain(chain, devicePublicKey, options)).toMatchObject({
      brokenAt: 1,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  it('finds facts of another tenant or terminal, signed or expected', async () => {
    const otherTenant = copyOfChain();
    otherTenant[4] = await buildSignedFact(
      { ...unsignedPart(otherTenant[4]!), tenantId: EXAMPLE_IDS.otherTenantId },
      deviceSigner,
    );
    expect(verifyChain(otherTenant, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 5,
      reason: 'TENANT_MISMATCH',
    });
    const otherTerminal = copyOfChain();
    otherTerminal[1] = await buildSignedFact(
      { ...unsignedPart(otherTerminal[1]!), terminalId: EXAMPLE_IDS.otherTerminalId },
      deviceSigner,
    );
    expect(verifyChain(otherTerminal, devicePublicKey, fromGenesis)).toMatchObject({
      brokenAt: 2,
      reason: 'TERMINAL_MISMATCH',
    });
    expect(
      verifyChain(chain, devicePublicKey, { ...fromGenesis, expectedTenantId: EXAMPLE_IDS.otherTenantId }),
    ).toMatchObject({ brokenAt: 1, reason: 'TENANT_MISMATCH' });
    expect(
      verifyChain(chain, devicePublicKey, {
        ...fromGenesis,
        expectedTerminalId: EXAMPLE_IDS.otherTerminalId,
      }),
    ).toMatchObject({ brokenAt: 1, reason: 'TERMINAL_MISMATCH' });
    expect(
      verifyChain(chain, devicePublicKey, {
        ...fromGenesis,
        expectedTenantId: EXAMPLE_IDS.tenantId,
        expectedTerminalId: EXAMPLE_IDS.terminalId,
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses malformed envelopes as SCHEMA at their position', () => {
    for (const malformed of [null, 'fact', 42, [], {}, { ...chain[2]!, extra: true }]) {
      const candidates: unknown[] = [...chain.slice(0, 2), malformed, ...chain.slice(3)];
      expect(verifyChain(candidates, devicePublicKey, fromGenesis)).toEqual({
        ok: false,
        brokenAt: 3,
        index: 2,
        reason: 'SCHEMA',
      });
    }
  });

  it('throws on options that are a caller bug', () => {
    expect(() =>
      verifyChain(chain, devicePublicKey, { expectedFirstSequence: 0, expectedPrevHash: GENESIS_PREV_HASH }),
    ).toThrow();
    expect(() =>
      verifyChain(chain, devicePublicKey, { expectedFirstSequence: 1, expectedPrevHash: 'genesis' }),
    ).toThrow();
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];

function leafPaths(value: Json, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leafPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  }
  return [path];
}

function objectPaths(value: Json, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => objectPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return [path, ...Object.entries(value).flatMap(([key, item]) => objectPaths(item, [...path, key]))];
  }
  return [];
}

function getAt(value: Json, path: JsonPath): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);
}

function setAt(value: Json, path: JsonPath, replacement: Json): void {
  const parent = getAt(value, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path.at(-1)!] = replacement;
}

// Hex digits, id and time punctuation, letters of both cases and a non-ASCII letter.
const REPLACEMENT_CHARACTERS = ['0', '7', 'a', 'f', 'A', 'z', '-', ':', '.', ' ', 'ñ'];

/** A value of the same kind that is surely different: one character, one unit or one flag changed. */
function tamperedLeaf(leaf: Json, choice: number): Json {
  if (typeof leaf === 'string') {
    if (leaf.length === 0) return 'x';
    const position = choice % leaf.length;
    const candidate = REPLACEMENT_CHARACTERS[choice % REPLACEMENT_CHARACTERS.length]!;
    const replacement =
      candidate === leaf[position]
        ? REPLACEMENT_CHARACTERS[(choice + 1) % REPLACEMENT_CHARACTERS.length]!
        : candidate;
    return leaf.slice(0, position) + replacement + leaf.slice(position + 1);
  }
  if (typeof leaf === 'number') return leaf + (choice % 2 === 0 ? 1 : -1) * (1 + (choice % 1_000));
  if (typeof leaf === 'boolean') return !leaf;
  return choice % 2 === 0 ? 'x' : 0;
}

describe('tamper detection properties', () => {
  it('finds any single changed field or character at the fact that was changed', () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(), fc.nat(), (index, leafChoice, valueChoice) => {
        const tampered = copyOfChain() as unknown as Json[];
        const envelope = tampered[index]!;
        const paths = leafPaths(envelope);
        const path = paths[leafChoice % paths.length]!;
        setAt(envelope, path, tamperedLeaf(getAt(envelope, path), valueChoice));
        const result = verifyChain(tampered, devicePublicKey, fromGenesis);
        expect(result).toMatchObject({ ok: false, index, brokenAt: index + 1 });
      }),
    );
  });

  it('finds any single character changed in a fact as sent, whenever the text still parses', () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(), fc.nat(), (index, positionChoice, characterChoice) => {
        const text = JSON.stringify(chain[index]);
        const position = positionChoice % text.length;
        const candidate = REPLACEMENT_CHARACTERS[characterChoice % REPLACEMENT_CHARACTERS.length]!;
        const replacement = candidate === text[position] ? '9' : candidate;
        let envelope: unknown;
        try {
          envelope = JSON.parse(text.slice(0, position) + replacement + text.slice(position + 1));
        } catch {
          envelope = undefined;
        }
        // A text that no longer parses is refused before it is a fact; that is not the chain's job.
        fc.pre(envelope !== undefined);
        const tampered: unknown[] = chain.map((original, position) =>
          position === index ? envelope : original,
        );
        expect(verifyChain(tampered, devicePublicKey, fromGenesis)).toMatchObject({
          ok: false,
          index,
          brokenAt: index + 1,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('finds any added or removed field as SCHEMA at the fact that was changed', () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(), fc.boolean(), (index, objectChoice, adds) => {
        const tampered = copyOfChain() as unknown as Json[];
        const envelope = tampered[index]!;
        const paths = objectPaths(envelope);
        const target = getAt(envelope, paths[objectChoice % paths.length]!) as Record<string, Json>;
        const keys = Object.keys(target);
        if (adds) target.addedByAttacker = 1;
        else delete target[keys[objectChoice % keys.length]!];
        const result = verifyChain(tampered, devicePublicKey, fromGenesis);
        expect(result).toEqual({ ok: false, index, brokenAt: index + 1, reason: 'SCHEMA' });
      }),
    );
  });

  it('finds any reordering of facts at the first position that moved', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 7 }), (order) => {
        const firstMoved = order.findIndex((original, position) => original !== position);
        fc.pre(firstMoved !== -1);
        const reordered = order.map((original) => chain[original]!);
        expect(verifyChain(reordered, devicePublicKey, fromGenesis)).toEqual({
          ok: false,
          index: firstMoved,
          brokenAt: firstMoved + 1,
          reason: 'SEQUENCE_GAP',
        });
      }),
    );
  });

  it('accepts every contiguous slice of the chain from its own starting head', () => {
    fc.assert(
      fc.property(fc.nat(7), fc.nat(7), (start, length) => {
        const end = Math.min(7, start + length);
        const options = {
          expectedFirstSequence: start + 1,
          expectedPrevHash: start === 0 ? GENESIS_PREV_HASH : chain[start - 1]!.hash,
        };
        const head =
          end === start
            ? { sequence: start, hash: options.expectedPrevHash }
            : { sequence: end, hash: chain[end - 1]!.hash };
        expect(verifyChain(chain.slice(start, end), devicePublicKey, options)).toEqual({ ok: true, head });
      }),
    );
  });
});
