import { describe, expect, it } from 'vitest';
import { offlinePeriods, offlineSecondsIn } from './offline-periods';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute)).toISOString();

describe('offline periods', () => {
  it('runs from the first offline sample to the next online one', () => {
    const periods = offlinePeriods(
      [
        { at: at(0), online: true, pendingCount: 0 },
        { at: at(5), online: false, pendingCount: 2 },
        { at: at(7), online: false, pendingCount: 4 },
        { at: at(10), online: true, pendingCount: 0 },
        { at: at(20), online: false, pendingCount: 1 },
      ],
      Date.parse(at(30)),
    );
    expect(periods).toEqual([
      { fromMs: Date.parse(at(5)), toMs: Date.parse(at(10)), ongoing: false },
      { fromMs: Date.parse(at(20)), toMs: Date.parse(at(30)), ongoing: true },
    ]);
    expect(offlineSecondsIn(periods)).toBe(15 * 60);
  });

  it('orders samples by time and ignores unreadable ones', () => {
    const periods = offlinePeriods(
      [
        { at: at(10), online: true, pendingCount: 0 },
        { at: 'not a time', online: false, pendingCount: 0 },
        { at: at(5), online: false, pendingCount: 1 },
      ],
      Date.parse(at(30)),
    );
    expect(periods).toEqual([{ fromMs: Date.parse(at(5)), toMs: Date.parse(at(10)), ongoing: false }]);
  });

  it('has no period when it never went offline', () => {
    expect(offlinePeriods([{ at: at(1), online: true, pendingCount: 0 }], Date.parse(at(2)))).toEqual([]);
  });
});
