import { describe, expect, it } from 'vitest';
import { checkJsonValue, copyJsonValue, JSON_DEPTH_MAX } from './json-value';

describe('JSON value copies', () => {
  it('copies deeply: the copy shares nothing with the original', () => {
    const original = { lines: [{ sku: 'A' }], total: { amountMinor: 100 } };
    const { value } = copyJsonValue(original);
    expect(value).toEqual(original);
    original.lines[0]!.sku = 'changed';
    expect(value).toEqual({ lines: [{ sku: 'A' }], total: { amountMinor: 100 } });
  });

  it('keeps a "__proto__" key as data, as JSON.parse does, without changing the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;
    const { value } = copyJsonValue(parsed);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('accepts objects without a prototype and refuses class instances', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(copyJsonValue(bare).value).toEqual({ a: 1 });
    expect(() => copyJsonValue(new (class Sale {})())).toThrow(/VALUE_INVALID.*Sale/);
    expect(() => copyJsonValue(new Uint8Array(2))).toThrow(/VALUE_INVALID/);
  });

  it('refuses nesting deeper than the limit, which also stops cycles', () => {
    let deep: unknown = 'leaf';
    for (let depth = 0; depth < JSON_DEPTH_MAX; depth += 1) {
      deep = [deep];
    }
    expect(copyJsonValue(deep).value).toEqual(deep);
    expect(() => copyJsonValue([deep])).toThrow(/VALUE_INVALID.*deeper/);
  });

  it('estimates size from the text the value would take', () => {
    expect(copyJsonValue('x'.repeat(1000)).approximateBytes).toBeGreaterThanOrEqual(1000);
    expect(copyJsonValue({ key: 'x'.repeat(1000) }).approximateBytes).toBeGreaterThan(1000);
  });

  it('checks without copying: the same refusals, the same size, and the text of the copy', () => {
    const values: unknown[] = [
      { lines: [{ sku: 'Ñandú', qty: -0 }], nested: [[1, 2.5, null, true]], text: 'a\u2028"b"' },
      JSON.parse('{"__proto__":{"polluted":true},"a":1}'),
      'plain',
      [],
    ];
    for (const value of values) {
      const copy = copyJsonValue(value);
      expect(checkJsonValue(value)).toBe(copy.approximateBytes);
      expect(JSON.stringify(value)).toBe(JSON.stringify(copy.value));
    }
    for (const invalid of [{ a: Number.NaN }, { when: new Date(0) }, [undefined], { f: () => 1 }]) {
      expect(() => copyJsonValue(invalid)).toThrow(/VALUE_INVALID/);
      expect(() => checkJsonValue(invalid)).toThrow(/VALUE_INVALID/);
    }
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => checkJsonValue(cycle)).toThrow(/VALUE_INVALID.*deeper/);
  });
});
