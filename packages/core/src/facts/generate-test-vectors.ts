/**
 * Regenerates packages/core/test-vectors/fact-chain.v1.json from the example chain:
 *
 *   npx tsx packages/core/src/facts/generate-test-vectors.ts
 *
 * The output is deterministic (fixed seeds, ids and times; Ed25519 signatures are deterministic),
 * so running it on an unchanged encoding gives the same vectors. If it changes them, the fact
 * format changed: that is a protocol version bump and a new vectors file, never an edit of v1.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalEncode, canonicalText } from './canonical-encoding';
import type { FactEnvelope, UnsignedFactEnvelope } from './envelope';
import {
  EXAMPLE_IDS,
  exampleUnsignedChain,
  TEST_ONLY_DEVICE_SEED,
  TEST_ONLY_FORGER_SEED,
} from './example-facts';
import {
  buildSignedFact,
  type ChainBreakReason,
  type ChainVerification,
  type ChainVerificationOptions,
  computeFactHash,
  GENESIS_PREV_HASH,
  verifyChain,
} from './hash-chain';
import { FACT_PROTOCOL_VERSION } from './protocol-version';
import { createEd25519Signer, type FactSigner } from './signature';

export const TEST_VECTORS_FILE_URL = new URL('../../test-vectors/fact-chain.v1.json', import.meta.url);

/*
 * Encoding cases for an encoder checked on its own. The input is JSON text, because JSON values
 * cannot hold -0, and keys are given out of order and with whitespace on purpose.
 */
const CANONICAL_ENCODING_INPUTS: readonly { name: string; jsonText: string }[] = [
  { name: 'scalars', jsonText: '[ null, true, false, 0, -0, 42, -42, 9007199254740991, -9007199254740991 ]' },
  {
    name: 'rfc-8785-key-order',
    jsonText:
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
      '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
  },
  {
    name: 'key-order-ascii',
    jsonText: '{"b":1,"a":2,"aa":3,"B":4,"_":5,"10":6,"9":7,"":8}',
  },
  {
    name: 'string-escapes',
    jsonText:
      '["\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "\\b\\f\\n\\r\\t", "\\u0000\\u001f\\u007f", ' +
      '"\\u2028\\u2029", "<script>&amp;</script>", "ñandú 💧 日本"]',
  },
  {
    name: 'nested',
    jsonText: '{ "z": [ { "b": [], "a": {} } ], "a": { "y": null, "x": [ 1, [ 2, [ 3 ] ] ] } }',
  },
];

/** JSON texts that parse but that the canonical encoder must refuse. */
const CANONICAL_ENCODING_REFUSALS: readonly { name: string; jsonText: string }[] = [
  { name: 'fraction', jsonText: '{"amountMinor":1.5}' },
  { name: 'unsafe-integer', jsonText: '[9007199254740992]' },
  { name: 'negative-unsafe-integer', jsonText: '[-9007199254740992]' },
  { name: 'exponent-overflow-to-infinity', jsonText: '[1e400]' },
  { name: 'large-exponent', jsonText: '[1e21]' },
  { name: 'lone-high-surrogate', jsonText: '["\\ud800"]' },
  { name: 'lone-low-surrogate-in-key', jsonText: '{"\\udc00":1}' },
];

/**
 * One entry of a negative case's list: a fact of the valid chain by its index, or an envelope
 * given in full (the tampered, re-signed or malformed one).
 */
export type EnvelopeReference = { readonly chainIndex: number } | { readonly envelope: unknown };

interface NegativeCase {
  readonly name: string;
  readonly description: string;
  readonly publicKeyHex: string;
  readonly options: ChainVerificationOptions;
  readonly envelopes: readonly EnvelopeReference[];
  readonly expectedResult: ChainVerification;
}

/** The valid chain by reference, with some positions replaced by full envelopes. */
function chainWith(
  length: number,
  replacements: ReadonlyMap<number, unknown> = new Map(),
): EnvelopeReference[] {
  return Array.from({ length }, (_, chainIndex) =>
    replacements.has(chainIndex) ? { envelope: replacements.get(chainIndex) } : { chainIndex },
  );
}

function unsignedPart(envelope: FactEnvelope): UnsignedFactEnvelope {
  const { hash: _hash, signature: _signature, ...unsigned } = envelope;
  return unsigned;
}

/** A JSON deep copy: the cases below mutate copies, never the valid chain. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

async function buildNegativeCases(
  chain: readonly FactEnvelope[],
  deviceSigner: FactSigner,
  forgerSigner: FactSigner,
  devicePublicKeyHex: string,
  forgerPublicKeyHex: string,
): Promise<NegativeCase[]> {
  const fromGenesis = { expectedFirstSequence: 1, expectedPrevHash: GENESIS_PREV_HASH };
  const at = (index: number): FactEnvelope => {
    const envelope = chain[index];
    if (envelope === undefined) throw new Error(`the example chain has no fact at index ${index}`);
    return envelope;
  };
  const broken = (index: number, reason: ChainBreakReason) =>
    ({ ok: false, brokenAt: index + 1, index, reason }) as const;

  const tamperedSale = jsonCopy(at(1));
  if (tamperedSale.payload.type !== 'SaleCompleted') throw new Error('fact 2 is the offline sale');
  const firstLine = tamperedSale.payload.lines[0];
  if (firstLine === undefined) throw new Error('the offline sale has lines');
  firstLine.quantity = '3';
  const rehashedSale = { ...tamperedSale, hash: computeFactHash(unsignedPart(tamperedSale)) };

  const forgedRefund = await buildSignedFact(unsignedPart(at(3)), forgerSigner);
  const relinkedVoid = await buildSignedFact({ ...unsignedPart(at(4)), prevHash: at(2).hash }, deviceSigner);
  const nonGenesisFirst = await buildSignedFact(
    { ...unsignedPart(at(0)), prevHash: 'f'.repeat(64) },
    deviceSigner,
  );
  const otherTenantMovement = await buildSignedFact(
    { ...unsignedPart(at(5)), tenantId: EXAMPLE_IDS.otherTenantId },
    deviceSigner,
  );
  const otherTerminalSale = await buildSignedFact(
    { ...unsignedPart(at(2)), terminalId: EXAMPLE_IDS.otherTerminalId },
    deviceSigner,
  );
  const withUnknownField = jsonCopy(at(1)) as unknown as { payload: Record<string, unknown> };
  withUnknownField.payload.note = 'unknown fields are refused';
  const withFloatMoney = jsonCopy(at(0)) as unknown as { payload: Record<string, unknown> };
  withFloatMoney.payload.openingFloatMinor = 500.5;

  return [
    {
      name: 'tampered-payload',
      description: 'Fact 2 has a line quantity changed from "2" to "3"; its stored hash no longer matches.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[1, tamperedSale]])),
      expectedResult: broken(1, 'HASH_MISMATCH'),
    },
    {
      name: 'tampered-payload-rehashed',
      description: 'The same tampering with the hash recomputed: the device signature no longer matches.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[1, rehashedSale]])),
      expectedResult: broken(1, 'SIGNATURE_INVALID'),
    },
    {
      name: 'forged-signature',
      description: 'Fact 4 is intact but signed by another key (the forger seed).',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[3, forgedRefund]])),
      expectedResult: broken(3, 'SIGNATURE_INVALID'),
    },
    {
      name: 'wrong-public-key',
      description: 'The valid chain checked against the forger public key.',
      publicKeyHex: forgerPublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length),
      expectedResult: broken(0, 'SIGNATURE_INVALID'),
    },
    {
      name: 'sequence-gap',
      description: 'Fact 3 is missing: the list goes 1, 2, 4, ...',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length).filter((_, index) => index !== 2),
      expectedResult: broken(2, 'SEQUENCE_GAP'),
    },
    {
      name: 'replayed-fact',
      description:
        'Fact 3 is delivered twice in one list, so sequence 3 comes where 4 is expected. (The server ' +
        'acknowledges byte-identical replays of stored facts before it checks the chain.)',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: [...chainWith(3), { chainIndex: 2 }, ...chainWith(chain.length).slice(3)],
      expectedResult: broken(3, 'SEQUENCE_GAP'),
    },
    {
      name: 'wrong-prev-hash',
      description:
        'Fact 5 is validly hashed and signed by the device but links to fact 3 instead of fact 4 (a fork).',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[4, relinkedVoid]])),
      expectedResult: broken(4, 'PREV_HASH_MISMATCH'),
    },
    {
      name: 'wrong-genesis',
      description: 'Fact 1 is validly signed but its prevHash is not the genesis value of 64 zeros.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[0, nonGenesisFirst]])),
      expectedResult: broken(0, 'PREV_HASH_MISMATCH'),
    },
    {
      name: 'tenant-mismatch',
      description: 'Fact 6 is validly signed but names another tenant than the facts before it.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[5, otherTenantMovement]])),
      expectedResult: broken(5, 'TENANT_MISMATCH'),
    },
    {
      name: 'expected-tenant-mismatch',
      description: 'The valid chain checked for a device registered to another tenant.',
      publicKeyHex: devicePublicKeyHex,
      options: { ...fromGenesis, expectedTenantId: EXAMPLE_IDS.otherTenantId },
      envelopes: chainWith(chain.length),
      expectedResult: broken(0, 'TENANT_MISMATCH'),
    },
    {
      name: 'terminal-mismatch',
      description: 'Fact 3 is validly signed but names another terminal than the facts before it.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[2, otherTerminalSale]])),
      expectedResult: broken(2, 'TERMINAL_MISMATCH'),
    },
    {
      name: 'expected-terminal-mismatch',
      description: 'The valid chain checked for another authenticated terminal.',
      publicKeyHex: devicePublicKeyHex,
      options: { ...fromGenesis, expectedTerminalId: EXAMPLE_IDS.otherTerminalId },
      envelopes: chainWith(chain.length),
      expectedResult: broken(0, 'TERMINAL_MISMATCH'),
    },
    {
      name: 'unknown-field',
      description: 'Fact 2 carries a payload field the schema does not know.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[1, withUnknownField]])),
      expectedResult: broken(1, 'SCHEMA'),
    },
    {
      name: 'float-money',
      description: 'Fact 1 has a fractional amount of minor units.',
      publicKeyHex: devicePublicKeyHex,
      options: fromGenesis,
      envelopes: chainWith(chain.length, new Map([[0, withFloatMoney]])),
      expectedResult: broken(0, 'SCHEMA'),
    },
    {
      name: 'valid-suffix',
      description: 'Not broken: facts 4 to 7 continue from the stored head (sequence 3 and its hash).',
      publicKeyHex: devicePublicKeyHex,
      options: { expectedFirstSequence: 4, expectedPrevHash: at(2).hash },
      envelopes: chainWith(chain.length).slice(3),
      expectedResult: { ok: true, head: { sequence: 7, hash: at(6).hash } },
    },
  ];
}

/** Resolves a case's references against the valid chain. */
export function resolveEnvelopes(
  references: readonly EnvelopeReference[],
  chain: readonly unknown[],
): unknown[] {
  return references.map((reference) => {
    if ('envelope' in reference) return reference.envelope;
    if (!(reference.chainIndex in chain)) throw new Error(`no fact at chain index ${reference.chainIndex}`);
    return chain[reference.chainIndex];
  });
}

/** The expected results are written by hand above; this keeps a wrong one out of the file. */
function assertExpectedResult(negativeCase: NegativeCase, chain: readonly FactEnvelope[]): void {
  const actual = verifyChain(
    resolveEnvelopes(negativeCase.envelopes, chain),
    hexToBytes(negativeCase.publicKeyHex),
    negativeCase.options,
  );
  if (canonicalText(actual) !== canonicalText(negativeCase.expectedResult)) {
    throw new Error(
      `case ${negativeCase.name}: expected ${canonicalText(negativeCase.expectedResult)}, got ${canonicalText(actual)}`,
    );
  }
}

/** Builds the whole vectors document from constants; writing it is left to main(). */
export async function buildFactChainTestVectors() {
  const deviceSigner = createEd25519Signer(TEST_ONLY_DEVICE_SEED);
  const forgerSigner = createEd25519Signer(TEST_ONLY_FORGER_SEED);
  const devicePublicKeyHex = bytesToHex(ed25519.getPublicKey(TEST_ONLY_DEVICE_SEED));
  const forgerPublicKeyHex = bytesToHex(ed25519.getPublicKey(TEST_ONLY_FORGER_SEED));
  const unsignedChain = exampleUnsignedChain();
  const chain: FactEnvelope[] = [];
  for (const unsigned of unsignedChain) chain.push(await buildSignedFact(unsigned, deviceSigner));

  const fromGenesis = { expectedFirstSequence: 1, expectedPrevHash: GENESIS_PREV_HASH };
  const expectedChainResult = verifyChain(chain, ed25519.getPublicKey(TEST_ONLY_DEVICE_SEED), fromGenesis);
  if (!expectedChainResult.ok) throw new Error('the example chain must verify');
  const negativeCases = await buildNegativeCases(
    chain,
    deviceSigner,
    forgerSigner,
    devicePublicKeyHex,
    forgerPublicKeyHex,
  );
  for (const negativeCase of negativeCases) assertExpectedResult(negativeCase, chain);

  return {
    format: 'mostrador-fact-chain-test-vectors',
    formatVersion: 1,
    protocolVersion: FACT_PROTOCOL_VERSION,
    description:
      'Test vectors for Mostrador facts: canonical encoding (RFC 8785 subset), SHA-256 hash chain and ' +
      'Ed25519 signatures. See README.md beside this file. Regenerate with ' +
      '`npx tsx packages/core/src/facts/generate-test-vectors.ts`.',
    genesisPrevHash: GENESIS_PREV_HASH,
    keys: {
      warning: 'TEST ONLY. These keys are public; never use them on a real device.',
      device: {
        seedText: new TextDecoder().decode(TEST_ONLY_DEVICE_SEED),
        seedHex: bytesToHex(TEST_ONLY_DEVICE_SEED),
        publicKeyHex: devicePublicKeyHex,
      },
      forger: {
        seedText: new TextDecoder().decode(TEST_ONLY_FORGER_SEED),
        seedHex: bytesToHex(TEST_ONLY_FORGER_SEED),
        publicKeyHex: forgerPublicKeyHex,
      },
    },
    canonicalEncoding: CANONICAL_ENCODING_INPUTS.map(({ name, jsonText }) => {
      const value: unknown = JSON.parse(jsonText);
      return {
        name,
        jsonText,
        canonicalUtf8: canonicalText(value),
        canonicalHex: bytesToHex(canonicalEncode(value)),
      };
    }),
    canonicalEncodingRefusals: CANONICAL_ENCODING_REFUSALS,
    chain: chain.map((envelope, index) => {
      const unsigned = unsignedChain[index];
      if (unsigned === undefined) throw new Error(`no unsigned fact at index ${index}`);
      return {
        sequence: envelope.sequence,
        type: envelope.payload.type,
        unsignedEnvelope: unsigned,
        canonicalUtf8: canonicalText(unsigned),
        canonicalHex: bytesToHex(canonicalEncode(unsigned)),
        hash: envelope.hash,
        signature: envelope.signature,
      };
    }),
    chainOptions: fromGenesis,
    expectedChainResult,
    negativeCases,
  };
}

async function main(): Promise<void> {
  const vectors = await buildFactChainTestVectors();
  writeFileSync(TEST_VECTORS_FILE_URL, `${JSON.stringify(vectors, null, 2)}\n`);
  process.stdout.write(`wrote ${fileURLToPath(TEST_VECTORS_FILE_URL)}\n`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  await main();
}
