import { copyJsonValue } from './json-value';
import type {
  JsonValue,
  ReadTransaction,
  ScanOptions,
  TerminalStore,
  WriteTransaction,
} from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * Encryption of every value at rest with AES-GCM under a non-extractable key.
 *
 * What it protects against:
 * - Reading values from a copy of the store made without the key: a store directory or database
 *   copied or backed up on its own, a disk taken from a Node terminal whose key lives elsewhere.
 * - Taking the key away by script: in the browser the CryptoKey is kept in IndexedDB as a
 *   non-extractable key object, so page code (the engine, or an injected script) can use it while
 *   the page runs but can never read its bytes to decrypt a copy somewhere else.
 * - Changing a stored value, or moving one to another key (a voided sale pasted over a completed
 *   one): AES-GCM authenticates the value and the record's key name, bound as additional data.
 *
 * What it does not protect against:
 * - Code running in the page or the process: it can call the store, and the key, as the engine does.
 * - A copy of the whole browser profile or disk: browsers keep the key's material inside the
 *   profile, not in an OS keychain, so the profile carries its own key. Full-disk encryption on
 *   the till covers that; this layer does not replace it.
 * - Key names, which stay in clear so scans work (keep names, phone numbers and other personal data
 *   out of keys), value sizes, and access patterns.
 * - Restoring an older copy of a value under the same key (or of the whole store): the fact hash
 *   chain and the server's sequence checks catch that, not this layer.
 *
 * Stored value format, version 1: { "v": 1, "iv": base64 of 12 random bytes, "ct": base64 of the
 * AES-GCM ciphertext and 16-byte tag of the value's JSON text in UTF-8 }.
 */
export const ENCRYPTED_VALUE_VERSION = 1;

const IV_BYTES = 12;
const ADDITIONAL_DATA_LABEL = 'mostrador-terminal-store-value/v1\u0000';

/** A new AES-GCM 256 key that WebCrypto will use but never export. */
export async function createStorageKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

/** Wraps a store so that every value is encrypted before it reaches `inner` and checked when read back. */
export function encryptValues(inner: TerminalStore, key: CryptoKey): TerminalStore {
  return {
    read: (work) => inner.read((transaction) => work(new DecryptingReadTransaction(transaction, key))),
    write: (work) => inner.write((transaction) => work(new EncryptingWriteTransaction(transaction, key))),
    usage: () => inner.usage(),
    close: () => inner.close(),
  };
}

class DecryptingReadTransaction implements ReadTransaction {
  constructor(
    private readonly inner: ReadTransaction,
    protected readonly key: CryptoKey,
  ) {}

  async get(recordKey: string): Promise<JsonValue | undefined> {
    const sealed = await this.inner.get(recordKey);
    return sealed === undefined ? undefined : openValue(this.key, recordKey, sealed);
  }

  has(recordKey: string): Promise<boolean> {
    return this.inner.has(recordKey);
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    const entries = await this.inner.scan(options);
    return Promise.all(
      entries.map(
        async ([recordKey, sealed]): Promise<[string, JsonValue]> => [
          recordKey,
          await openValue(this.key, recordKey, sealed),
        ],
      ),
    );
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }
}

class EncryptingWriteTransaction extends DecryptingReadTransaction implements WriteTransaction {
  constructor(
    private readonly innerWrite: WriteTransaction,
    key: CryptoKey,
  ) {
    super(innerWrite, key);
  }

  async put(recordKey: string, value: JsonValue): Promise<void> {
    // Checked before encrypting: JSON.stringify would otherwise turn NaN into null and drop undefined.
    const plaintext = JSON.stringify(copyJsonValue(value).value);
    await this.innerWrite.put(recordKey, await sealValue(this.key, recordKey, plaintext));
  }

  delete(recordKey: string): Promise<void> {
    return this.innerWrite.delete(recordKey);
  }
}

async function sealValue(key: CryptoKey, recordKey: string, plaintext: string): Promise<JsonValue> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(recordKey) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return { v: ENCRYPTED_VALUE_VERSION, iv: toBase64(iv), ct: toBase64(new Uint8Array(ciphertext)) };
}

async function openValue(key: CryptoKey, recordKey: string, sealed: JsonValue): Promise<JsonValue> {
  const { iv, ciphertext } = parseSealed(recordKey, sealed);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(recordKey) },
      key,
      ciphertext,
    );
  } catch (error) {
    throw new TerminalStoreError(
      'DECRYPTION_FAILED',
      `the value of ${JSON.stringify(recordKey)} does not authenticate: changed, moved from another key, or sealed with another key`,
      { cause: error },
    );
  }
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)) as JsonValue;
}

function parseSealed(
  recordKey: string,
  sealed: JsonValue,
): { iv: Uint8Array<ArrayBuffer>; ciphertext: Uint8Array<ArrayBuffer> } {
  if (typeof sealed !== 'object' || sealed === null || Array.isArray(sealed)) {
    throw new TerminalStoreError(
      'DECRYPTION_FAILED',
      `the value of ${JSON.stringify(recordKey)} is not an encrypted value`,
    );
  }
  if (sealed.v !== ENCRYPTED_VALUE_VERSION) {
    throw new TerminalStoreError(
      typeof sealed.v === 'number' && sealed.v > ENCRYPTED_VALUE_VERSION
        ? 'FORMAT_UNSUPPORTED'
        : 'DECRYPTION_FAILED',
      `the value of ${JSON.stringify(recordKey)} has encryption version ${JSON.stringify(sealed.v)}`,
    );
  }
  const iv = typeof sealed.iv === 'string' ? fromBase64(sealed.iv) : null;
  const ciphertext = typeof sealed.ct === 'string' ? fromBase64(sealed.ct) : null;
  if (iv === null || iv.length !== IV_BYTES || ciphertext === null) {
    throw new TerminalStoreError(
      'DECRYPTION_FAILED',
      `the value of ${JSON.stringify(recordKey)} has a malformed iv or ciphertext`,
    );
  }
  return { iv, ciphertext };
}

/**
 * The record key as UTF-16 code units, so that every distinct key (lone surrogates included, which
 * UTF-8 would fold into U+FFFD) gives distinct additional data.
 */
function additionalData(recordKey: string): Uint8Array<ArrayBuffer> {
  const label = new TextEncoder().encode(ADDITIONAL_DATA_LABEL);
  const bytes = new Uint8Array(label.length + recordKey.length * 2);
  bytes.set(label);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < recordKey.length; index += 1) {
    view.setUint16(label.length + index * 2, recordKey.charCodeAt(index), true);
  }
  return bytes;
}

const BASE64_CHUNK_BYTES = 0x8000;

/** Base64 with btoa, which browsers and Node both have, in chunks that keep argument lists short. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += BASE64_CHUNK_BYTES) {
    binary += String.fromCharCode(...bytes.subarray(start, start + BASE64_CHUNK_BYTES));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) {
    bytes[index] = binary.charCodeAt(index);
  }
  return bytes;
}
