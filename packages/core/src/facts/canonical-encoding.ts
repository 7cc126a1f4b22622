/**
 * The canonical encoding of facts: RFC 8785 (JSON Canonicalization Scheme) restricted to the
 * values facts contain. Objects have their keys sorted by UTF-16 code units, there is no
 * whitespace, strings are escaped exactly as JSON.stringify escapes them, and numbers are safe
 * integers only (money is integer minor units and quantities are decimal strings, so a float in
 * a fact is a bug). The output is UTF-8.
 *
 * Anything outside that subset throws CanonicalEncodingError: it can only come from a bug,
 * because every fact passes its schema before it is encoded. -0 is written as 0, as RFC 8785
 * does, since JSON has no negative zero and a fact must survive a JSON round trip unchanged.
 */

/** Deeper than any fact; it also stops a cyclic object from recursing forever. */
export const CANONICAL_DEPTH_MAX = 32;

// With the `u` flag a surrogate pair reads as one code point, so only unpaired halves match.
const LONE_SURROGATE_PATTERN = /\p{Surrogate}/u;

/**
 * Whether a string holds no unpaired surrogate. ES2024's String.prototype.isWellFormed answers
 * five times faster than the pattern (a fact has about sixty strings and the server encodes every
 * pushed fact); older engines fall back to the pattern.
 */
const isWellFormed: (value: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (value) => (value as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (value) => !LONE_SURROGATE_PATTERN.test(value);

export class CanonicalEncodingError extends Error {
  override readonly name = 'CanonicalEncodingError';

  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`cannot canonically encode ${path}: ${problem}`);
  }
}

/** The canonical text; canonicalEncode gives its UTF-8 bytes, which are what gets hashed. */
export function canonicalText(value: unknown): string {
  const sorted = sortedCopy(value, 0);
  return sorted === NOT_COPIED ? canonicalTextReference(value) : JSON.stringify(sorted);
}

/**
 * The canonical text written member by member: the definition canonicalText's fast path is
 * tested against, and what it falls back to. Not exported from the package: callers want
 * canonicalText.
 */
export function canonicalTextReference(value: unknown): string {
  return encodeValue(value, [], 0);
}

/** What sortedCopy answers for a value it leaves to the reference encoder. */
const NOT_COPIED: unique symbol = Symbol('not copied');

/**
 * The fast path of canonicalText: a copy of the value with every object's members inserted in
 * canonical order, which JSON.stringify then writes in one native call (a five-line sale in about
 * 14 µs against 20 member by member; the server encodes every pushed fact). A parsed fact's keys
 * come in schema order, never sorted, so a check for sorted keys alone would not help.
 * JSON.stringify writes a plain object's members in insertion order except integer-like keys,
 * which JavaScript enumerates first, so a key that starts with a digit is left to the reference
 * encoder, as is `__proto__` (assigning it would set the copy's prototype) and anything the
 * encoder refuses, so that it throws with its own message. canonical-encoding.test.ts holds the
 * two to the same text.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      // JSON.stringify writes a safe integer as String does, and -0 as 0.
      return Number.isSafeInteger(value) ? value : NOT_COPIED;
    case 'string':
      return isWellFormed(value) ? value : NOT_COPIED;
    case 'object':
      if (depth >= CANONICAL_DEPTH_MAX) return NOT_COPIED;
      return Array.isArray(value) ? sortedArrayCopy(value, depth) : sortedObjectCopy(value, depth);
    default:
      return NOT_COPIED;
  }
}

function sortedArrayCopy(items: readonly unknown[], depth: number): unknown {
  const copy = new Array<unknown>(items.length);
  // A hole reads as undefined, which sortedItemCopy leaves to the encoder to refuse.
  for (let index = 0; index < items.length; index += 1) {
    const item = sortedItemCopy(items[index], depth);
    if (item === NOT_COPIED) return NOT_COPIED;
    copy[index] = item;
  }
  return copy;
}

function sortedObjectCopy(value: object, depth: number): unknown {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return NOT_COPIED;
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_COPIED;
  const record = value as Record<string, unknown>;
  // The default sort compares strings by their UTF-16 code units, as compareUtf16CodeUnits does.
  const keys = Object.keys(record).sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    if (startsWithDigit(key) || key === '__proto__' || !isWellFormed(key)) return NOT_COPIED;
    const member = sortedItemCopy(record[key], depth);
    if (member === NOT_COPIED) return NOT_COPIED;
    copy[key] = member;
  }
  return copy;
}

function sortedItemCopy(item: unknown, depth: number): unknown {
  return item === undefined ? NOT_COPIED : sortedCopy(item, depth + 1);
}

function startsWithDigit(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 0x30 && first <= 0x39;
}

export function canonicalEncode(value: unknown): Uint8Array {
  return canonicalTextBytes(canonicalText(value));
}

/** The bytes of a canonical text (UTF-8): for a caller that keeps the text as well. */
export function canonicalTextBytes(text: string): Uint8Array {
  return TEXT_ENCODER.encode(text);
}

const TEXT_ENCODER = new TextEncoder();

/**
 * Where the encoder is, as the keys and indexes from the root. Every fact is encoded on every
 * push, so the path is kept as a stack and only written out as text when a value is refused.
 */
type PathStack = (string | number)[];

function refuse(path: PathStack, problem: string): CanonicalEncodingError {
  const text = path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  return new CanonicalEncodingError(`$${text}`, problem);
}

function encodeValue(value: unknown, path: PathStack, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value, path);
    case 'string':
      return encodeString(value, path);
    case 'object':
      if (depth >= CANONICAL_DEPTH_MAX) {
        throw refuse(path, `nested deeper than ${CANONICAL_DEPTH_MAX} levels`);
      }
      return Array.isArray(value) ? encodeArray(value, path, depth) : encodeObject(value, path, depth);
    default:
      throw refuse(path, `${typeof value} is not a JSON value`);
  }
}

function encodeNumber(value: number, path: PathStack): string {
  if (!Number.isSafeInteger(value)) throw refuse(path, `${value} is not a safe integer`);
  // Object.is(-0, 0) is false, but String(-0) is already "0": negative zero is normalised here.
  return String(value);
}

function encodeString(value: string, path: PathStack): string {
  if (!isWellFormed(value)) throw refuse(path, 'string contains an unpaired UTF-16 surrogate');
  return JSON.stringify(value);
}

function encodeArray(items: readonly unknown[], path: PathStack, depth: number): string {
  let text = '[';
  // An index loop, not map(): map() skips the holes of a sparse array, which must be refused.
  for (let index = 0; index < items.length; index += 1) {
    path.push(index);
    if (!(index in items)) throw refuse(path, 'sparse array hole');
    text += index === 0 ? encodeItem(items[index], path, depth) : `,${encodeItem(items[index], path, depth)}`;
    path.pop();
  }
  return `${text}]`;
}

function encodeObject(value: object, path: PathStack, depth: number): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw refuse(path, 'not a plain object');
  if (Object.getOwnPropertySymbols(value).length > 0) throw refuse(path, 'object has symbol keys');
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareUtf16CodeUnits);
  let text = '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    path.push(key);
    const member = `${encodeString(key, path)}:${encodeItem(record[key], path, depth)}`;
    text += index === 0 ? member : `,${member}`;
    path.pop();
  }
  return `${text}}`;
}

function encodeItem(item: unknown, path: PathStack, depth: number): string {
  // JSON.stringify silently drops undefined members; a fact with a missing value is a bug.
  if (item === undefined) throw refuse(path, 'undefined is not a JSON value');
  return encodeValue(item, path, depth + 1);
}

/** RFC 8785 §3.2.3 orders keys by their UTF-16 code units, which is what < does on strings. */
function compareUtf16CodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}
