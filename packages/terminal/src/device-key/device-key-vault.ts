import type { FactSigner } from '@mostrador/core';

/**
 * Where a terminal keeps its Ed25519 signing key. CryptoKey objects cannot travel through the
 * JSON store, so each platform keeps them its own way:
 * - browser (browser-device-key-vault.ts): the non-extractable CryptoKeyPair itself in an
 *   IndexedDB object store; structured clone keeps it non-extractable, so no script on the page
 *   can ever read the private key, only ask for signatures.
 * - Node (node-device-key-vault.ts): a PKCS#8 file with mode 0600, re-imported non-extractable.
 * - tests and the simulator (memory-device-key-vault.ts): held by the vault object.
 *
 * `create` makes and stores a new pair (replacing any old one) and returns it ready to sign.
 */
export interface DeviceKeyVault {
  load(): Promise<CryptoKeyPair | undefined>;
  create(): Promise<CryptoKeyPair>;
}

/** A loaded device key: its public half as the server knows it, and a signer over fact hashes. */
export interface DeviceKey {
  readonly publicKeyHex: string;
  readonly sign: FactSigner;
}

const ED25519 = { name: 'Ed25519' } as const;

export async function generateEd25519KeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  // Only the private key honours `extractable`; WebCrypto always lets the public key be exported.
  return (await crypto.subtle.generateKey(ED25519, extractable, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function publicKeyHex(keyPair: CryptoKeyPair): Promise<string> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return Array.from(raw, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function deviceKeyFrom(keyPair: CryptoKeyPair): Promise<DeviceKey> {
  const privateKey = keyPair.privateKey;
  return {
    publicKeyHex: await publicKeyHex(keyPair),
    sign: async (hashBytes) =>
      new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, hashBytes as Uint8Array<ArrayBuffer>)),
  };
}
