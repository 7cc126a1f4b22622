import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

const policy = { baseMs: 1_000, capMs: 60_000 };

describe('backoffDelayMs', () => {
  it('doubles with each failure until the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 50].map((failures) =>
      backoffDelayMs(failures, policy, () => 0.999_999),
    );
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('keeps at least half of the step and adds a random other half', () => {
    for (const failures of [1, 3, 6, 9, 1_000]) {
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
      expect(backoffDelayMs(failures, policy, () => 0)).toBe(ceiling / 2);
      const middle = backoffDelayMs(failures, policy, () => 0.5);
      expect(middle).toBe(Math.round(ceiling * 0.75));
    }
  });

  it('spreads terminals that failed together', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(10, policy, random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(30_000);
      expect(delay).toBeLessThanOrEqual(60_000);
    }
  });
});
