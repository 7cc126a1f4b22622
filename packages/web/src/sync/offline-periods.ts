// Turns a terminal's connectivity samples into the periods it was offline, for the chart and
// the totals beside it. Samples are points in time; a period runs from the first offline sample
// to the next online one (or to `until` when it has not ended).

export type ConnectivitySample = {
  readonly at: string;
  readonly online: boolean;
  readonly pendingCount: number;
};
export type OfflinePeriod = { readonly fromMs: number; readonly toMs: number; readonly ongoing: boolean };

export function offlinePeriods(samples: readonly ConnectivitySample[], untilMs: number): OfflinePeriod[] {
  const sorted = [...samples]
    .map((sample) => ({ atMs: Date.parse(sample.at), online: sample.online }))
    .filter((sample) => Number.isFinite(sample.atMs))
    .sort((left, right) => left.atMs - right.atMs);
  const periods: OfflinePeriod[] = [];
  let startedMs: number | null = null;
  for (const sample of sorted) {
    if (!sample.online && startedMs === null) startedMs = sample.atMs;
    if (sample.online && startedMs !== null) {
      periods.push({ fromMs: startedMs, toMs: sample.atMs, ongoing: false });
      startedMs = null;
    }
  }
  if (startedMs !== null)
    periods.push({ fromMs: startedMs, toMs: Math.max(startedMs, untilMs), ongoing: true });
  return periods;
}

export function offlineSecondsIn(periods: readonly OfflinePeriod[]): number {
  return Math.round(periods.reduce((total, period) => total + (period.toMs - period.fromMs), 0) / 1000);
}
