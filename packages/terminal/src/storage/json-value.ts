import type { JsonValue } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/** Deeper nesting than this is a bug in the caller (or a cycle), never a receipt or a catalog item. */
export const JSON_DEPTH_MAX = 64;

export interface CopiedJsonValue {
  readonly value: JsonValue;
  /**
   * A cheap estimate of the value's size (UTF-16 code units of its JSON text, give or take
   * punctuation), used to bound values before they are encoded.
   */
  readonly approximateBytes: number;
}

/**
 * Copies a JSON value, refusing anything JSON cannot carry faithfully (undefined, NaN, Infinity,
 * functions, Dates, Maps, class instances, holes, cycles). Every adapter copies through this one
 * function so a value that round-trips through the in-memory store round-trips through the file
 * and the IndexedDB stores too: negative zero becomes zero, as JSON would make it.
 */
export function copyJsonValue(value: unknown): CopiedJsonValue {
  const size = { bytes: 0 };
  let copy: JsonValue;
  try {
    // Paths are only spelled out to explain a refusal: building one per node costs more than the copy.
    copy = copyAtDepth(value, 0, size, null);
  } catch (error) {
    // The same copy again, spelling paths: it throws the same refusal, now saying where it is.
    if (error instanceof TerminalStoreError) copyAtDepth(value, 0, { bytes: 0 }, '$');
    throw error;
  }
  return { value: copy, approximateBytes: size.bytes };
}

/**
 * Checks a value as copyJsonValue does, without copying it, for a caller that only needs its JSON
 * text: JSON.stringify of a value that passes gives the text of its copy. Returns the size estimate.
 */
export function checkJsonValue(value: unknown): number {
  const size = { bytes: 0 };
  try {
    copyAtDepth(value, 0, size, null, false);
  } catch (error) {
    if (error instanceof TerminalStoreError) copyAtDepth(value, 0, { bytes: 0 }, '$', false);
    throw error;
  }
  return size.bytes;
}

/** Where a value sits in the one being copied (`$.lines[0].sku`), or null when no one will read it. */
type ValuePath = string | null;

/** With `copying` false, the value is only checked, and what is returned is the value itself. */
function copyAtDepth(
  value: unknown,
  depth: number,
  size: { bytes: number },
  path: ValuePath,
  copying = true,
): JsonValue {
  if (depth > JSON_DEPTH_MAX) {
    throw invalid(path, `nests deeper than ${JSON_DEPTH_MAX} levels`);
  }
  switch (typeof value) {
    case 'string':
      size.bytes += value.length + 2;
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw invalid(path, `is ${value}, which JSON cannot carry`);
      }
      size.bytes += 8;
      return value === 0 ? 0 : value;
    case 'boolean':
      size.bytes += 5;
      return value;
    case 'object':
      if (value === null) {
        size.bytes += 4;
        return null;
      }
      if (Array.isArray(value)) {
        return copyArray(value, depth, size, path, copying);
      }
      return copyObject(value, depth, size, path, copying);
    default:
      throw invalid(path, `is ${typeof value}, which is not a JSON value`);
  }
}

function copyArray(
  value: readonly unknown[],
  depth: number,
  size: { bytes: number },
  path: ValuePath,
  copying: boolean,
): JsonValue {
  const copy: JsonValue[] | null = copying ? new Array(value.length) : null;
  size.bytes += 2 + value.length;
  for (let index = 0; index < value.length; index += 1) {
    const item = copyAtDepth(
      value[index],
      depth + 1,
      size,
      path === null ? null : `${path}[${index}]`,
      copying,
    );
    if (copy !== null) copy[index] = item;
  }
  return copy ?? (value as JsonValue[]);
}

function copyObject(
  value: object,
  depth: number,
  size: { bytes: number },
  path: ValuePath,
  copying: boolean,
): JsonValue {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const constructorName = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
    throw invalid(path, `is a ${constructorName}, not a plain object`);
  }
  const copy: { [key: string]: JsonValue } = {};
  size.bytes += 2;
  const entries = value as { readonly [key: string]: unknown };
  for (const key of Object.keys(value)) {
    const entryCopy = copyAtDepth(
      entries[key],
      depth + 1,
      size,
      path === null ? null : `${path}.${key}`,
      copying,
    );
    size.bytes += key.length + 4;
    if (!copying) continue;
    // A plain assignment to "__proto__" would change the copy's prototype instead of adding the
    // key that JSON.parse would have created.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: entryCopy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = entryCopy;
    }
  }
  return copying ? copy : (value as JsonValue);
}

function invalid(path: ValuePath, problem: string): TerminalStoreError {
  return new TerminalStoreError('VALUE_INVALID', `${path ?? 'the value'} ${problem}`);
}
