import { describe, expect, it } from 'vitest';
import { CACHE_BYTES_MAX, CACHE_COMMIT_KEYS_MAX, CommittedValueCache } from './committed-value-cache';
import { toScanRange } from './scan-range';
import type { JsonValue } from './terminal-store';

const NOTHING_CHANGED = { puts: [], deletes: [] } as const;

function cacheAt(token: string): CommittedValueCache {
  const cache = new CommittedValueCache();
  cache.validate(token);
  return cache;
}

describe('CommittedValueCache', () => {
  it('answers only for the commit token it knows, and forgets everything when another one is stored', () => {
    const cache = cacheAt('tab-a/1');
    cache.remember('sale/1', { totalMinor: 100 });
    cache.remember('sale/2', undefined);
    expect(cache.validate('tab-a/1')).toBe(true);
    expect(cache.get('sale/1')).toEqual({ value: { totalMinor: 100 } });
    expect(cache.get('sale/2')).toEqual({ value: undefined });

    // Another tab committed: nothing read before may be trusted.
    expect(cache.validate('tab-b/7')).toBe(true);
    expect(cache.get('sale/1')).toBeUndefined();
    expect(cache.get('sale/2')).toBeUndefined();
    expect(cache.holds('tab-b/7')).toBe(true);
    expect(cache.holds('tab-a/1')).toBe(false);
  });

  it('is not used while no commit token has been stored', () => {
    const cache = new CommittedValueCache();
    expect(cache.validate(null)).toBe(false);
    expect(cache.holds(null)).toBe(false);
  });

  it('hands out copies, never the value it keeps', () => {
    const cache = cacheAt('t/1');
    const original = { lines: ['a'] };
    cache.remember('sale/1', original);
    original.lines.push('changed by the caller after reading');
    const first = cache.get('sale/1')?.value as { lines: string[] };
    first.lines.push('changed by a reader');
    expect(cache.get('sale/1')).toEqual({ value: { lines: ['a'] } });
  });

  it('applies its own commit: puts and deletes are known, scans over a changed key are dropped', () => {
    const cache = cacheAt('t/1');
    const saleRange = toScanRange({ prefix: 'sale/' });
    const stateRange = toScanRange({ prefix: 'state/' });
    cache.rememberScan(saleRange, [['sale/1', 1]]);
    cache.rememberScan(stateRange, [['state/store/1', { name: 'Centro' }]]);
    cache.remember('sale/1', 1);
    cache.applyCommit({ puts: [['sale/2', 2]], deletes: ['sale/1'] }, 't/2');
    expect(cache.holds('t/2')).toBe(true);
    expect(cache.get('sale/1')).toEqual({ value: undefined });
    expect(cache.get('sale/2')).toEqual({ value: 2 });
    expect(cache.scan(saleRange)).toBeUndefined();
    expect(cache.scan(stateRange)).toEqual([['state/store/1', { name: 'Centro' }]]);
  });

  it('drops a paged scan only when the changed key falls after its start', () => {
    const cache = cacheAt('t/1');
    const laterPage = toScanRange({ prefix: 'fact/', startAfter: 'fact/0005' });
    const wholePrefix = toScanRange({ prefix: 'fact/', limit: 10 });
    cache.rememberScan(laterPage, [['fact/0006', 6]]);
    cache.rememberScan(wholePrefix, [['fact/0001', 1]]);
    cache.applyCommit({ puts: [['fact/0002', 2]], deletes: [] }, 't/2');
    expect(cache.scan(laterPage)).toEqual([['fact/0006', 6]]);
    expect(cache.scan(wholePrefix)).toBeUndefined();
    cache.applyCommit({ puts: [['fact/0007', 7]], deletes: [] }, 't/3');
    expect(cache.scan(laterPage)).toBeUndefined();
  });

  it('drops a count once its own commit puts or deletes a key under the prefix', () => {
    const cache = cacheAt('t/1');
    cache.rememberCount('state/safety_buffer/', 0);
    cache.rememberCount('guard/total/', 3);
    cache.applyCommit({ puts: [['state/safety_buffer/v1', { quantity: '2' }]], deletes: [] }, 't/2');
    expect(cache.count('state/safety_buffer/')).toBeUndefined();
    expect(cache.count('guard/total/')).toBe(3);
    cache.applyCommit({ puts: [], deletes: ['guard/total/v9'] }, 't/3');
    expect(cache.count('guard/total/')).toBeUndefined();
  });

  it('keeps nothing of a commit too large to copy, yet stays exact', () => {
    const cache = cacheAt('t/1');
    cache.remember('state/variant/1', { name: 'old' });
    const puts: [string, JsonValue][] = Array.from({ length: CACHE_COMMIT_KEYS_MAX + 1 }, (_, index) => [
      `state/variant/${index}`,
      { name: 'new' },
    ]);
    cache.applyCommit({ puts, deletes: [] }, 't/2');
    expect(cache.holds('t/2')).toBe(true);
    expect(cache.get('state/variant/1')).toBeUndefined();
  });

  it('drops the least recently used values to stay within its byte bound', () => {
    const cache = cacheAt('t/1');
    const value = 'x'.repeat(200 * 1024);
    const count = Math.ceil(CACHE_BYTES_MAX / value.length) + 10;
    for (let index = 0; index < count; index += 1) {
      cache.remember(`blob/${index}`, value);
      // Read the first one again every time, so it stays the most recently used.
      expect(cache.get('blob/0')).toBeDefined();
    }
    expect(cache.get('blob/0')).toBeDefined();
    expect(cache.get('blob/1')).toBeUndefined();
    expect(cache.get(`blob/${count - 1}`)).toBeDefined();
  });

  it('forgets everything after a commit whose outcome is unknown', () => {
    const cache = cacheAt('t/1');
    cache.remember('sale/1', 1);
    cache.forget();
    expect(cache.holds('t/1')).toBe(false);
    expect(cache.get('sale/1')).toBeUndefined();
    cache.applyCommit(NOTHING_CHANGED, 't/2');
    expect(cache.holds('t/2')).toBe(true);
  });
});
