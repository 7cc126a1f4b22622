import { describe, expect, it } from 'vitest';
import { roundTo } from './report';

describe('roundTo', () => {
  it('rounds to the given digits', () => {
    expect(roundTo(1.2345, 2)).toBe(1.23);
    expect(roundTo(-1.25, 1)).toBe(-1.2);
  });

  it('never gives -0, which a JSON report would not read back as written', () => {
    const rounded = roundTo(-0.00004, 1);
    expect(Object.is(rounded, 0)).toBe(true);
    expect(JSON.parse(JSON.stringify({ rounded }))).toEqual({ rounded });
  });
});
