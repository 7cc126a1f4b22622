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
  return encodeValue(value, '$', 0);
}

export function canonicalEncode(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalText(value));
}

function encodeValue(value: unknown, path: string, depth: number): string {
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
        throw new CanonicalEncodingError(path, `nested deeper than ${CANONICAL_DEPTH_MAX} levels`);
      }
      return Array.isArray(value) ? encodeArray(value, path, depth) : encodeObject(value, path, depth);
    default:
      throw new CanonicalEncodingError(path, `${typeof value} is not a JSON value`);
  }
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isSafeInteger(value)) {
    throw new CanonicalEncodingError(path, `${value} is not a safe integer`);
  }
  // Object.is(-0, 0) is false, but String(-0) is already "0": negative zero is normalised here.
  return String(value);
}

function encodeString(value: string, path: string): string {
  if (LONE_SURROGATE_PATTERN.test(value)) {
    throw new CanonicalEncodingError(path, 'string contains an unpaired UTF-16 surrogate');
  }
  return JSON.stringify(value);
}

function encodeArray(items: readonly unknown[], path: string, depth: number): string {
  const parts: string[] = [];
  // An index loop, not map(): map() skips the holes of a sparse array, which must be refused.
  for (let index = 0; index < items.length; index += 1) {
    const itemPath = `${path}[${index}]`;
    if (!(index in items)) throw new CanonicalEncodingError(itemPath, 'sparse array hole');
    parts.push(encodeItem(items[index], itemPath, depth));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(value: object, path: string, depth: number): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalEncodingError(path, 'not a plain object');
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CanonicalEncodingError(path, 'object has symbol keys');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareUtf16CodeUnits);
  const members = keys.map((key) => {
    const memberPath = `${path}.${key}`;
    return `${encodeString(key, memberPath)}:${encodeItem(record[key], memberPath, depth)}`;
  });
  return `{${members.join(',')}}`;
}

function encodeItem(item: unknown, path: string, depth: number): string {
  // JSON.stringify silently drops undefined members; a fact with a missing value is a bug.
  if (item === undefined) throw new CanonicalEncodingError(path, 'undefined is not a JSON value');
  return encodeValue(item, path, depth + 1);
}

/** RFC 8785 §3.2.3 orders keys by their UTF-16 code units, which is what < does on strings. */
function compareUtf16CodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}
