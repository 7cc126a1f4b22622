import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { TEST_ONLY_DEVICE_SEED, TEST_ONLY_FORGER_SEED } from './example-facts';
import { createEd25519Signer, verifyFactSignature } from './signature';

const devicePublicKey = ed25519.getPublicKey(TEST_ONLY_DEVICE_SEED);
const hash = 'a0d60cf901f73ec208ac5658da5008ef1551d31bb787ef4de5f1c3ad514a6487';
const hashBytes = Uint8Array.from(Buffer.from(hash, 'hex'));

async function signedByDevice() {
  const signatureBytes = await createEd25519Signer(TEST_ONLY_DEVICE_SEED)(hashBytes);
  return { hash, signature: bytesToHex(signatureBytes) };
}

describe('createEd25519Signer', () => {
  it('signs deterministically, 64 bytes over the raw hash bytes', async () => {
    const sign = createEd25519Signer(TEST_ONLY_DEVICE_SEED);
    const first = await sign(hashBytes);
    expect(first).toHaveLength(64);
    expect(await sign(hashBytes)).toEqual(first);
    expect(ed25519.verify(first, hashBytes, devicePublicKey)).toBe(true);
  });

  it('keeps its own copy of the key', async () => {
    const seed = Uint8Array.from(TEST_ONLY_DEVICE_SEED);
    const sign = createEd25519Signer(seed);
    seed.fill(0);
    expect(ed25519.verify(await sign(hashBytes), hashBytes, devicePublicKey)).toBe(true);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createEd25519Signer(new Uint8Array(31))).toThrow();
    expect(() => createEd25519Signer(new Uint8Array(64))).toThrow();
  });
});

describe('verifyFactSignature', () => {
  it('accepts the device signature with the device key', async () => {
    expect(verifyFactSignature(await signedByDevice(), devicePublicKey)).toBe(true);
  });

  it('refuses it with another key', async () => {
    expect(verifyFactSignature(await signedByDevice(), ed25519.getPublicKey(TEST_ONLY_FORGER_SEED))).toBe(
      false,
    );
  });

  it('refuses a signature over another hash', async () => {
    const signed = await signedByDevice();
    expect(verifyFactSignature({ ...signed, hash: `${hash.slice(0, 63)}8` }, devicePublicKey)).toBe(false);
  });

  it('refuses every single flipped bit of the signature', async () => {
    const signed = await signedByDevice();
    const bytes = Buffer.from(signed.signature, 'hex');
    for (let bit = 0; bit < bytes.length * 8; bit += 1) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(
        verifyFactSignature({ hash, signature: flipped.toString('hex') }, devicePublicKey),
        `bit ${bit}`,
      ).toBe(false);
    }
  });

  it('refuses the malleable twin of a signature, with S + L in place of S', async () => {
    const signed = await signedByDevice();
    const curveOrder = 2n ** 252n + 27742317777372353535851937790883648493n;
    const sBytes = Buffer.from(signed.signature.slice(64), 'hex').reverse();
    const s = BigInt(`0x${sBytes.toString('hex')}`) + curveOrder;
    const sPlusOrder = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
    expect(
      verifyFactSignature({ hash, signature: signed.signature.slice(0, 64) + sPlusOrder }, devicePublicKey),
    ).toBe(false);
  });

  it('returns false, never throws, on malformed input', async () => {
    const signed = await signedByDevice();
    const malformed: unknown[][] = [
      [{ ...signed, signature: signed.signature.toUpperCase() }, devicePublicKey],
      [{ ...signed, signature: signed.signature.slice(2) }, devicePublicKey],
      [{ ...signed, signature: 'zz'.repeat(64) }, devicePublicKey],
      [{ ...signed, hash: 'not hex' }, devicePublicKey],
      [{ ...signed, hash: 42 }, devicePublicKey],
      [{ hash }, devicePublicKey],
      [null, devicePublicKey],
      ['envelope', devicePublicKey],
      [signed, devicePublicKey.slice(1)],
      [signed, new Uint8Array(32).fill(0xff)],
      [signed, 'd361604805c7c110697a0208fb9d8ea726f07986ae3f13d03a1306b3c7df35ee'],
      [signed, null],
    ];
    for (const [envelope, publicKey] of malformed) {
      expect(
        verifyFactSignature(envelope as Parameters<typeof verifyFactSignature>[0], publicKey as Uint8Array),
      ).toBe(false);
    }
  });
});
