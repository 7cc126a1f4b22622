/**
 * A line chart as a standalone SVG document: logarithmic axes, one line per series, every point
 * labelled with its value, a title, axis labels, a legend and a caption. Pure string building, so
 * a benchmark can draw its figures with no charting dependency and render them anywhere an SVG
 * renders (chart-png.ts turns it into a PNG in Chromium).
 */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  /** A CSS colour. */
  readonly color: string;
  readonly points: readonly ChartPoint[];
}

export interface LineChartSpec {
  readonly title: string;
  /** Lines under the plot: what was measured, where and when. */
  readonly caption: readonly string[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly widthPx: number;
  readonly heightPx: number;
}

const MARGIN = { top: 92, right: 40, left: 96 } as const;
/** Below the plot: tick labels and the axis label, then the caption's lines. */
const AXIS_BELOW_PX = 64;
const CAPTION_LINE_PX = 18;
/** About how wide a caption character is at 12 px, to wrap lines before the edge. */
const CAPTION_CHARACTER_PX = 6.6;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
/** Tick values per decade on a logarithmic axis. */
const LOG_TICK_STEPS = [1, 2, 5] as const;

export function lineChartSvg(spec: LineChartSpec): string {
  const points = spec.series.flatMap((series) => series.points);
  if (points.length === 0) throw new Error('a chart needs at least one point');
  for (const point of points)
    if (!(point.x > 0 && point.y > 0))
      throw new Error(`logarithmic axes need positive values: ${JSON.stringify(point)}`);
  const plotWidthPx = spec.widthPx - MARGIN.left - MARGIN.right;
  const caption = spec.caption.flatMap((entry) =>
    wrapWords(entry, Math.floor(plotWidthPx / CAPTION_CHARACTER_PX)),
  );
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: plotWidthPx,
    height: spec.heightPx - MARGIN.top - AXIS_BELOW_PX - 12 - caption.length * CAPTION_LINE_PX,
  };
  if (plot.height < 100) throw new Error('the chart is too small for its caption');
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const xRange = paddedLogRange(Math.min(...xs), Math.max(...xs), 0.08);
  const yRange = paddedLogRange(Math.min(...ys), Math.max(...ys), 0.15);
  const xAt = (value: number) => plot.left + logFraction(value, xRange) * plot.width;
  const yAt = (value: number) => plot.top + (1 - logFraction(value, yRange)) * plot.height;

  const parts: string[] = [
    `<rect width="${spec.widthPx}" height="${spec.heightPx}" fill="#ffffff"/>`,
    text(spec.widthPx / 2, 36, spec.title, { size: 20, weight: 'bold', anchor: 'middle' }),
  ];
  // Grid and ticks: x at each measured size, y at 1-2-5 steps of each decade.
  for (const value of [...new Set(xs)].sort((left, right) => left - right)) {
    const x = xAt(value);
    parts.push(line(x, plot.top, x, plot.top + plot.height, '#e5e5e5'));
    parts.push(text(x, plot.top + plot.height + 20, formatNumber(value), { size: 13, anchor: 'middle' }));
  }
  for (const value of logTicks(yRange)) {
    const y = yAt(value);
    parts.push(line(plot.left, y, plot.left + plot.width, y, '#e5e5e5'));
    parts.push(text(plot.left - 10, y + 4, formatNumber(value), { size: 13, anchor: 'end' }));
  }
  parts.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#333333"/>`,
    text(plot.left + plot.width / 2, plot.top + plot.height + 46, spec.xLabel, {
      size: 15,
      anchor: 'middle',
    }),
    `<text transform="translate(24 ${plot.top + plot.height / 2}) rotate(-90)" font-family="${FONT}" font-size="15" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const series of spec.series) {
    const sorted = [...series.points].sort((left, right) => left.x - right.x);
    const path = sorted.map((point) => `${xAt(point.x).toFixed(1)},${yAt(point.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2.5"/>`);
    for (const point of sorted) {
      const x = xAt(point.x);
      const y = yAt(point.y);
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4.5" fill="${series.color}"/>`);
      parts.push(text(x, y - 10, formatNumber(point.y), { size: 12, anchor: 'middle', color: series.color }));
    }
  }
  // Above the plot, where no line can run under it.
  parts.push(...legend(spec.series, plot.left, 66));
  caption.forEach((entry, index) => {
    parts.push(
      text(plot.left, plot.top + plot.height + AXIS_BELOW_PX + 12 + index * CAPTION_LINE_PX, entry, {
        size: 12,
        color: '#555555',
      }),
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.widthPx}" height="${spec.heightPx}" viewBox="0 0 ${spec.widthPx} ${spec.heightPx}">`,
    ...parts,
    '</svg>',
  ].join('\n');
}

type LogRange = { readonly minimum: number; readonly maximum: number };

/** The data's range widened by a fraction of its decades on each side, so no point sits on the frame. */
function paddedLogRange(minimum: number, maximum: number, fraction: number): LogRange {
  const low = Math.log10(minimum);
  const high = Math.log10(maximum);
  // A single value still needs a span to draw against: half a decade around it.
  const pad = high > low ? (high - low) * fraction : 0.25;
  return { minimum: 10 ** (low - pad), maximum: 10 ** (high + pad) };
}

function logFraction(value: number, range: LogRange): number {
  return (
    (Math.log10(value) - Math.log10(range.minimum)) / (Math.log10(range.maximum) - Math.log10(range.minimum))
  );
}

function logTicks(range: LogRange): number[] {
  const ticks: number[] = [];
  for (
    let decade = Math.floor(Math.log10(range.minimum));
    decade <= Math.ceil(Math.log10(range.maximum));
    decade += 1
  )
    for (const step of LOG_TICK_STEPS) {
      const value = step * 10 ** decade;
      if (value >= range.minimum && value <= range.maximum) ticks.push(value);
    }
  return ticks;
}

function legend(series: readonly ChartSeries[], left: number, baseline: number): string[] {
  const swatchPx = 24;
  const gapPx = 36;
  const characterPx = 7.2;
  const parts: string[] = [];
  let x = left;
  for (const entry of series) {
    parts.push(line(x, baseline - 4, x + swatchPx, baseline - 4, entry.color, 3));
    parts.push(text(x + swatchPx + 8, baseline, entry.name, { size: 13 }));
    x += swatchPx + 8 + entry.name.length * characterPx + gapPx;
  }
  return parts;
}

/** Splits a line at spaces so that no piece is longer than `maxChars` (unless one word is). */
function wrapWords(content: string, maxChars: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of content.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > maxChars) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

function line(x1: number, y1: number, x2: number, y2: number, color: string, widthPx = 1): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${color}" stroke-width="${widthPx}"/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold'; color?: string },
): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" font-size="${style.size}" text-anchor="${style.anchor ?? 'start'}"${style.weight === undefined ? '' : ` font-weight="${style.weight}"`} fill="${style.color ?? '#222222'}">${escapeXml(content)}</text>`;
}

/** Thousands separated by commas, as docs/performance.md writes them; small values keep one decimal. */
function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 10) / 10);
}

function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
