import { checkJsonValue } from './json-value';
import { assertStoreKey } from './scan-range';
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
/** Encryptions one write keeps in flight before it waits for them: bounds memory in a large import. */
const PENDING_SEALS_MAX = 256;
const ADDITIONAL_DATA_LABEL = 'mostrador-terminal-store-value/v1\u0000';
/** Only ever read: every value's additional data starts with these bytes. */
const ADDITIONAL_DATA_LABEL_BYTES = new TextEncoder().encode(ADDITIONAL_DATA_LABEL);

/** A new AES-GCM 256 key that WebCrypto will use but never export. */
export async function createStorageKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

/** Wraps a store so that every value is encrypted before it reaches `inner` and checked when read back. */
export function encryptValues(inner: TerminalStore, key: CryptoKey): TerminalStore {
  const sealer = new ValueSealer(key);
  return {
    read: (work) => inner.read((transaction) => work(new DecryptingReadTransaction(transaction, sealer))),
    write: (work) =>
      inner.write(async (transaction) => {
        const encrypting = new EncryptingWriteTransaction(transaction, sealer);
        try {
          const result = await work(encrypting);
          await encrypting.flush();
          return result;
        } finally {
          encrypting.finish();
        }
      }),
    usage: () => inner.usage(),
    close: () => inner.close(),
  };
}

/** Bytes of plaintext the sealer remembers (as UTF-16 code units) before it drops the oldest. */
const OPENED_TEXT_CHARS_MAX = 4 * 1024 * 1024;
/** Values with more plaintext than this are decrypted every time they are read. */
const OPENED_TEXT_CHARS_PER_VALUE_MAX = 256 * 1024;

type OpenedValue = { readonly iv: string; readonly ct: string; readonly text: string };

/**
 * Seals and opens values under one key, remembering the plaintext of sealed values it has
 * already authenticated (or sealed itself). AES-GCM is deterministic: the same key, record key, iv
 * and ciphertext always open to the same text, or always fail, so a sealed value read again byte
 * for byte needs no second WebCrypto round trip; any other bytes, a changed or moved value
 * included, are decrypted and authenticated as before.
 */
class ValueSealer {
  private readonly opened = new Map<string, OpenedValue>();
  private openedChars = 0;
  private readonly plaintextBytes = new Utf8Scratch();

  constructor(private readonly key: CryptoKey) {}

  async seal(recordKey: string, plaintext: string): Promise<JsonValue> {
    const sealed = await sealValue(this.key, recordKey, this.plaintextBytes.encode(plaintext));
    this.remember(recordKey, { iv: sealed.iv, ct: sealed.ct, text: plaintext });
    return sealed;
  }

  /** The value's JSON text, once it authenticates under this key and record key. */
  async open(recordKey: string, sealed: JsonValue): Promise<string> {
    const known = this.opened.get(recordKey);
    if (known !== undefined && isSealedAs(sealed, known)) return known.text;
    const text = await openValue(this.key, recordKey, sealed);
    const { iv, ct } = sealed as { iv: string; ct: string };
    this.remember(recordKey, { iv, ct, text });
    return text;
  }

  private remember(recordKey: string, value: OpenedValue): void {
    const previous = this.opened.get(recordKey);
    if (previous !== undefined) {
      this.opened.delete(recordKey);
      this.openedChars -= charsOf(recordKey, previous);
    }
    if (value.text.length > OPENED_TEXT_CHARS_PER_VALUE_MAX) return;
    this.opened.set(recordKey, value);
    this.openedChars += charsOf(recordKey, value);
    for (const [oldestKey, oldest] of this.opened) {
      if (this.openedChars <= OPENED_TEXT_CHARS_MAX) break;
      this.opened.delete(oldestKey);
      this.openedChars -= charsOf(oldestKey, oldest);
    }
  }
}

function isSealedAs(sealed: JsonValue, known: OpenedValue): boolean {
  return (
    typeof sealed === 'object' &&
    sealed !== null &&
    !Array.isArray(sealed) &&
    sealed.v === ENCRYPTED_VALUE_VERSION &&
    sealed.iv === known.iv &&
    sealed.ct === known.ct
  );
}

function charsOf(recordKey: string, value: OpenedValue): number {
  return recordKey.length + value.iv.length + value.ct.length + value.text.length;
}

class DecryptingReadTransaction implements ReadTransaction {
  constructor(
    private readonly inner: ReadTransaction,
    private readonly sealer: ValueSealer,
  ) {}

  async get(recordKey: string): Promise<JsonValue | undefined> {
    const sealed = await this.inner.get(recordKey);
    return sealed === undefined ? undefined : JSON.parse(await this.sealer.open(recordKey, sealed));
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
          JSON.parse(await this.sealer.open(recordKey, sealed)),
        ],
      ),
    );
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }
}

/** A put whose encryption is under way, or a delete, not yet handed to the inner transaction. */
type PendingChange = { readonly recordKey: string; readonly sealing: Promise<JsonValue> | 'deleted' };

/**
 * A write transaction that encrypts in the background. Each WebCrypto call is an asynchronous
 * round trip, so `put` starts the encryption and returns; the sealed values reach the inner
 * transaction in the order they were put when a scan or count needs the merged view, and at the
 * latest when the work is done (`flush`). Reads of the transaction's own writes are answered
 * from their JSON text, and values read from the committed state are kept for the rest of the
 * transaction: a write has the store to itself until it resolves (writes are serialised and
 * exclusive across tabs too), so the committed state cannot change under it.
 */
class EncryptingWriteTransaction implements WriteTransaction {
  /** This transaction's own writes as JSON text, or deleted. */
  private readonly written = new Map<string, string | 'deleted'>();
  /** Committed values already read, as JSON text, so a second read costs no round trip. */
  private readonly committed = new Map<string, Promise<string | undefined>>();
  private pending: PendingChange[] = [];
  private flushed: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly inner: WriteTransaction,
    private readonly sealer: ValueSealer,
  ) {}

  async get(recordKey: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    assertStoreKey(recordKey);
    const text = this.written.get(recordKey) ?? (await this.readCommitted(recordKey));
    this.assertOpen();
    return text === undefined || text === 'deleted' ? undefined : JSON.parse(text);
  }

  async has(recordKey: string): Promise<boolean> {
    this.assertOpen();
    assertStoreKey(recordKey);
    const written = this.written.get(recordKey);
    if (written !== undefined) return written !== 'deleted';
    const reading = this.committed.get(recordKey);
    return reading === undefined ? this.inner.has(recordKey) : (await reading) !== undefined;
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    await this.flush();
    const entries = await this.inner.scan(options);
    return Promise.all(
      entries.map(async ([recordKey, sealed]): Promise<[string, JsonValue]> => {
        const written = this.written.get(recordKey);
        const text =
          written === undefined || written === 'deleted'
            ? await this.sealer.open(recordKey, sealed)
            : written;
        return [recordKey, JSON.parse(text)];
      }),
    );
  }

  async count(prefix: string): Promise<number> {
    await this.flush();
    return this.inner.count(prefix);
  }

  async put(recordKey: string, value: JsonValue): Promise<void> {
    this.assertOpen();
    assertStoreKey(recordKey);
    // Checked before encrypting: JSON.stringify would otherwise turn NaN into null and drop undefined.
    checkJsonValue(value);
    const plaintext = JSON.stringify(value);
    const sealing = this.sealer.seal(recordKey, plaintext);
    // Rejections are reported by flush; until then the promise must not count as unhandled.
    sealing.catch(() => undefined);
    this.written.set(recordKey, plaintext);
    this.pending.push({ recordKey, sealing });
    if (this.pending.length >= PENDING_SEALS_MAX) await this.flush();
  }

  async delete(recordKey: string): Promise<void> {
    this.assertOpen();
    assertStoreKey(recordKey);
    this.written.set(recordKey, 'deleted');
    this.pending.push({ recordKey, sealing: 'deleted' });
  }

  /** Hands every change so far to the inner transaction, in order, once its encryption is done. */
  flush(): Promise<void> {
    this.assertOpen();
    const changes = this.pending;
    this.pending = [];
    // Chained, so a scan that flushes while an earlier flush still waits sees both applied.
    this.flushed = this.flushed.then(() => this.apply(changes));
    return this.flushed;
  }

  /** Ends the transaction: any later use throws, as the inner transaction's would. */
  finish(): void {
    this.finished = true;
    this.pending = [];
  }

  private async apply(changes: readonly PendingChange[]): Promise<void> {
    const sealed = await Promise.all(changes.map((change) => change.sealing));
    for (const [index, change] of changes.entries()) {
      const value = sealed[index]!;
      if (value === 'deleted') await this.inner.delete(change.recordKey);
      else await this.inner.put(change.recordKey, value);
    }
  }

  private readCommitted(recordKey: string): Promise<string | undefined> {
    let reading = this.committed.get(recordKey);
    if (reading === undefined) {
      reading = this.inner
        .get(recordKey)
        .then((sealed) => (sealed === undefined ? undefined : this.sealer.open(recordKey, sealed)));
      this.committed.set(recordKey, reading);
    }
    return reading;
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new TerminalStoreError(
        'TRANSACTION_FINISHED',
        'this write transaction was used after its work finished',
      );
    }
  }
}

/** A UTF-16 code unit encodes to at most three UTF-8 bytes, so three bytes a unit always fit. */
const UTF8_BYTES_PER_CHAR_MAX = 3;
/** Scratch kept between seals; a larger one (a rare large value) is made for that seal alone. */
const UTF8_SCRATCH_BYTES_MAX = 1024 * 1024;

/**
 * Encodes plaintext into one reused buffer. A first activation seals thousands of pages of
 * 30–60 KB, and a fresh array for each (TextEncoder.encode) was 5 % of the page's busy time plus
 * the garbage collection of its backing stores. Reuse is safe because WebCrypto copies its input
 * before encrypt returns, so the bytes are only read while they are this seal's.
 */
class Utf8Scratch {
  private readonly encoder = new TextEncoder();
  private buffer = new Uint8Array(0);

  /** The text's UTF-8 bytes, valid until the next call. */
  encode(text: string): Uint8Array<ArrayBuffer> {
    const bytesMax = text.length * UTF8_BYTES_PER_CHAR_MAX;
    if (bytesMax > UTF8_SCRATCH_BYTES_MAX) return this.encoder.encode(text);
    if (this.buffer.length < bytesMax)
      this.buffer = new Uint8Array(Math.min(UTF8_SCRATCH_BYTES_MAX, bytesMax * 2));
    const { read, written } = this.encoder.encodeInto(text, this.buffer);
    if (read !== text.length) throw new Error('the UTF-8 scratch buffer was too small for a seal');
    return this.buffer.subarray(0, written);
  }
}

async function sealValue(
  key: CryptoKey,
  recordKey: string,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<{ v: number; iv: string; ct: string }> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  // WebCrypto copies `plaintext` before this call returns; the caller may reuse its buffer then.
  const ciphertext = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(recordKey) },
    key,
    plaintext,
  );
  return { v: ENCRYPTED_VALUE_VERSION, iv: toBase64(iv), ct: toBase64(new Uint8Array(ciphertext)) };
}

/** The value's JSON text, once it authenticates under this key and record key. */
async function openValue(key: CryptoKey, recordKey: string, sealed: JsonValue): Promise<string> {
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
  return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
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
  const label = ADDITIONAL_DATA_LABEL_BYTES;
  const bytes = new Uint8Array(label.length + recordKey.length * 2);
  bytes.set(label);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < recordKey.length; index += 1) {
    view.setUint16(label.length + index * 2, recordKey.charCodeAt(index), true);
  }
  return bytes;
}

const BASE64_CHUNK_BYTES = 0x8000;

/**
 * The engine's own base64 (Uint8Array.prototype.toBase64 and Uint8Array.fromBase64, in current
 * Chromium), where it has them: every sealed value is encoded once when written and decoded when
 * read, and a first activation writes hundreds of thousands of them, where the string-building
 * fallback was 6 % of the page's busy time. Engines without them (Node 20) use btoa and atob.
 */
const nativeBase64 = (() => {
  const toBase64 = (Uint8Array.prototype as { toBase64?: unknown }).toBase64;
  const fromBase64 = (Uint8Array as { fromBase64?: unknown }).fromBase64;
  if (typeof toBase64 !== 'function' || typeof fromBase64 !== 'function') return null;
  return {
    encode: (bytes: Uint8Array): string => (toBase64 as (this: Uint8Array) => string).call(bytes),
    decode: (text: string): Uint8Array<ArrayBuffer> =>
      (fromBase64 as (text: string) => Uint8Array<ArrayBuffer>).call(Uint8Array, text),
  };
})();

/** Base64 of the bytes, in the standard alphabet with padding. */
function toBase64(bytes: Uint8Array): string {
  if (nativeBase64 !== null) return nativeBase64.encode(bytes);
  let binary = '';
  for (let start = 0; start < bytes.length; start += BASE64_CHUNK_BYTES) {
    binary += String.fromCharCode(...bytes.subarray(start, start + BASE64_CHUNK_BYTES));
  }
  return btoa(binary);
}

/** The bytes of base64 text, or null when it is not base64. */
function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (nativeBase64 !== null) {
    try {
      return nativeBase64.decode(text);
    } catch {
      return null;
    }
  }
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
