import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes, isBytes } from '@noble/hashes/utils.js';
import { ed25519SignatureHexSchema, type FactEnvelope, sha256HexSchema } from './envelope';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/**
 * Signs the 32 raw bytes of a fact's hash with the device key. It is a function so that the
 * terminal can pass a WebCrypto non-extractable key (crypto.subtle.sign('Ed25519', key, bytes))
 * and core never sees key material.
 */
export type FactSigner = (hashBytes: Uint8Array) => Promise<Uint8Array>;

/**
 * A signer over a raw 32-byte Ed25519 secret key (the RFC 8032 seed), for Node terminals, the
 * simulator and test vectors. Browsers should keep their key non-extractable in WebCrypto instead.
 */
export function createEd25519Signer(secretKey: Uint8Array): FactSigner {
  if (!isBytes(secretKey) || secretKey.length !== ED25519_SECRET_KEY_BYTES) {
    throw new Error(`an Ed25519 secret key is ${ED25519_SECRET_KEY_BYTES} bytes`);
  }
  const ownKey = Uint8Array.from(secretKey);
  return async (hashBytes) => ed25519.sign(hashBytes, ownKey);
}

/**
 * Checks that `signature` is the device's Ed25519 signature over the raw bytes of `hash`. It does
 * not recompute the hash from the content; verifyChain does both. Malformed input of any kind
 * (wrong lengths, non-hex, a public key that is not a curve point) is a `false`, never a throw,
 * because it comes straight from the network.
 *
 * Verification is strict RFC 8032 (zip215: false): non-canonical encodings of R, S or the key
 * are refused, so a signature has exactly one valid spelling and a replayed fact is
 * byte-identical or it is not the same fact.
 */
export function verifyFactSignature(
  envelope: Pick<FactEnvelope, 'hash' | 'signature'>,
  publicKey: Uint8Array,
): boolean {
  try {
    if (!isBytes(publicKey) || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
    if (typeof envelope !== 'object' || envelope === null) return false;
    const hash = sha256HexSchema.safeParse(envelope.hash);
    const signature = ed25519SignatureHexSchema.safeParse(envelope.signature);
    if (!hash.success || !signature.success) return false;
    return ed25519.verify(hexToBytes(signature.data), hexToBytes(hash.data), publicKey, { zip215: false });
  } catch {
    return false;
  }
}
