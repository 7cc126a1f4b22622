import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ConnectivitySample, offlinePeriods } from './offline-periods';

const CHART_HEIGHT_PX = 220;

/**
 * One terminal's last days: the backlog (facts waiting to be synced) as a line, and the offline
 * periods as shaded bands behind it. uPlot draws on a canvas, so the figures are also in the
 * table beside the chart for screen readers.
 */
export function SyncHealthChart({
  samples,
  untilMs,
  labels,
}: {
  readonly samples: readonly ConnectivitySample[];
  readonly untilMs: number;
  readonly labels: {
    readonly backlog: string;
    readonly offline: string;
    readonly description: string;
    /** The x axis and the legend's time, in the store's language and time zone (uPlot's own is English). */
    readonly time: string;
    readonly formatInstant: (epochSeconds: number) => string;
  };
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const sorted = [...samples].sort((left, right) => Date.parse(left.at) - Date.parse(right.at));
    const times = sorted.map((sample) => Date.parse(sample.at) / 1000);
    const backlog = sorted.map((sample) => sample.pendingCount);
    const periods = offlinePeriods(samples, untilMs);
    const offlineFill = 'rgba(200, 60, 40, 0.18)';
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: CHART_HEIGHT_PX,
        series: [
          {
            label: labels.time,
            value: (_plot, value) => (value === null ? '—' : labels.formatInstant(value)),
          },
          { label: labels.backlog, stroke: '#0b5d4b', width: 2, fill: 'rgba(11, 93, 75, 0.12)' },
        ],
        axes: [
          // Date and time per tick: keep them far enough apart to stay legible.
          { space: 140, values: (_plot, splits) => splits.map((split) => labels.formatInstant(split)) },
          { label: labels.backlog },
        ],
        scales: { x: { time: true } },
        legend: { show: true },
        hooks: {
          drawClear: [
            (plot) => {
              const { ctx, bbox } = plot;
              ctx.save();
              ctx.fillStyle = offlineFill;
              for (const period of periods) {
                const left = plot.valToPos(period.fromMs / 1000, 'x', true);
                const right = plot.valToPos(period.toMs / 1000, 'x', true);
                ctx.fillRect(left, bbox.top, Math.max(right - left, 2), bbox.height);
              }
              ctx.restore();
            },
          ],
        },
      },
      [times, backlog],
      element,
    );
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(element.clientWidth, 320), height: CHART_HEIGHT_PX }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [samples, untilMs, labels]);
  return (
    <figure className="health-chart">
      <div ref={container} role="img" aria-label={labels.description} />
      <figcaption>
        <span className="legend-swatch legend-offline" aria-hidden="true" /> {labels.offline}
      </figcaption>
    </figure>
  );
}
