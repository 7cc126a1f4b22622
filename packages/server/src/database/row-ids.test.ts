import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { uuidV7s } from './row-ids';

/** The 48-bit millisecond prefix of a UUIDv7. */
const millisecondOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('uuidV7s', () => {
  it('makes as many distinct UUIDv7s as asked, increasing in the order made, in the current millisecond', () => {
    const before = Date.now();
    const ids = uuidV7s(5_000);
    const after = Date.now();
    expect(ids).toHaveLength(5_000);
    expect(new Set(ids).size).toBe(5_000);
    for (const id of ids) {
      expect(validate(id) && version(id)).toBe(7);
      expect(millisecondOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisecondOf(id)).toBeLessThanOrEqual(after);
    }
    // Lower-case hex of the same length: text order is the order PostgreSQL's uuid type sorts in.
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]! > ids[index - 1]!).toBe(true);
  });

  it('draws fresh randomness each time', () => {
    const [first] = uuidV7s(1);
    const [second] = uuidV7s(1);
    expect(first).not.toBe(second);
    expect(first!.slice(-12)).not.toBe(second!.slice(-12));
  });

  it('makes none for zero and refuses a count that is not a whole number of ids', () => {
    expect(uuidV7s(0)).toEqual([]);
    expect(() => uuidV7s(-1)).toThrow();
    expect(() => uuidV7s(1.5)).toThrow();
  });
});
