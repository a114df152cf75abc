import { createHash } from 'node:crypto';
import { html, type SafeHtml } from './html';

/**
 * The dashboard's charts: small, hand-written, server-side SVG (no script, no third-party
 * library, nothing fetched). Each is an `<svg role="img">` with a `<title>` and a `<desc>`, labels
 * its axes and writes its values as text, and tells series apart by pattern and label as well as
 * colour. The page puts each chart's numbers in a table beside it too. No data → a plain
 * "No data yet" message, never an empty or broken chart.
 *
 * Coordinates are in a 320-unit-wide viewBox: on a 375 px phone (less the page's margins) the text
 * renders at about its nominal size; CSS caps the width on larger screens.
 */

const WIDTH = 320;
const INK = '#1b1f24';
const MUTED = '#57606a';
const GRID = '#d0d7de';
const ACCENT = '#0b5cad';

/** Shortest faithful coordinate text. */
const n = (value: number): string => String(Math.round(value * 10) / 10);

const noData = (title: string): SafeHtml => html`<p class="empty" role="note">${title}: no data yet.</p>`;

/** An id from the title, so two charts on one page never share a pattern or title id. */
const idFor = (title: string): string => `c${createHash('sha256').update(title).digest('hex').slice(0, 10)}`;

const frame = (id: string, height: number, title: string, desc: string, body: SafeHtml): SafeHtml =>
  html`<svg
    xmlns="http://www.w3.org/2000/svg"
    role="img"
    viewBox="0 0 ${WIDTH} ${n(height)}"
    aria-labelledby="${id}-t ${id}-d"
    font-family="system-ui, sans-serif"
    font-size="12"
    fill="${INK}"
  >
    <title id="${id}-t">${title}</title>
    <desc id="${id}-d">${desc}</desc>
    ${body}
  </svg>`;

export interface Bar {
  label: string;
  value: number;
}

/**
 * Horizontal bars, one per row: the label above its bar and the value written after it. Bars are
 * scaled to the largest value; every bar is labelled, so nothing rests on colour.
 */
export function barChart(options: {
  title: string;
  desc: string;
  bars: ReadonlyArray<Bar>;
  /** What the bars measure, written under them (the axis label). */
  axisLabel: string;
  format?: (value: number) => string;
}): SafeHtml {
  const { bars, title } = options;
  const max = Math.max(0, ...bars.map((b) => b.value));
  if (bars.length === 0 || max <= 0) return noData(title);
  const format = options.format ?? String;
  const id = idFor(title);
  const row = 34;
  const valueRoom = 84;
  const span = WIDTH - valueRoom;
  const rows = bars.map((bar, i) => {
    const y = i * row;
    const width = Math.max(bar.value > 0 ? 2 : 0, (Math.max(0, bar.value) / max) * span);
    return html`<g
      ><text x="0" y="${n(y + 11)}">${bar.label}</text
      ><rect x="0" y="${n(y + 15)}" width="${n(width)}" height="14" fill="${ACCENT}" /><text
        x="${n(width + 5)}"
        y="${n(y + 26)}"
        font-weight="600"
        >${format(bar.value)}</text
      ></g
    >`;
  });
  const height = bars.length * row + 22;
  const axis = html`<line
      x1="0"
      y1="${n(bars.length * row + 2)}"
      x2="${span}"
      y2="${n(bars.length * row + 2)}"
      stroke="${GRID}"
    /><text x="0" y="${n(height - 4)}" fill="${MUTED}">${options.axisLabel} (0 to ${format(max)})</text>`;
  return frame(id, height, title, options.desc, html`${rows}${axis}`);
}

export interface Step {
  /** The x label of the step's end (e.g. "24 h"). */
  label: string;
  /** Cumulative value reached by the end of the step, 0..1. */
  value: number;
}

/**
 * A cumulative step chart over ordered buckets (the time-to-recover decay curve): flat across each
 * bucket, rising at its end to the share reached by then. Points are marked and their values written.
 */
export function stepChart(options: {
  title: string;
  desc: string;
  steps: ReadonlyArray<Step>;
  xLabel: string;
  yLabel: string;
  format: (value: number) => string;
}): SafeHtml {
  const { steps, title } = options;
  if (steps.length === 0 || steps.every((s) => s.value <= 0)) return noData(title);
  const id = idFor(title);
  const [left, right, top, bottom] = [40, 12, 30, 46];
  const height = 230;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const x = (i: number): number => left + ((i + 1) / steps.length) * plotW;
  const y = (v: number): number => top + (1 - Math.min(1, Math.max(0, v))) * plotH;
  const path = [`M${n(left)},${n(y(0))}`, ...steps.map((s, i) => `H${n(x(i))}V${n(y(s.value))}`)].join('');
  const grid = [0, 0.5, 1].map(
    (v) =>
      html`<line x1="${left}" y1="${n(y(v))}" x2="${WIDTH - right}" y2="${n(y(v))}" stroke="${GRID}" /><text
          x="${left - 4}"
          y="${n(y(v) + 4)}"
          text-anchor="end"
          fill="${MUTED}"
          >${options.format(v)}</text
        >`,
  );
  // Label every point when they fit; else every other one and always the last.
  const every = plotW / steps.length >= 34 ? 1 : 2;
  const labelled = (i: number): boolean => i % every === (steps.length - 1) % every;
  const marks = steps.map(
    (s, i) =>
      html`<circle
          cx="${n(x(i))}"
          cy="${n(y(s.value))}"
          r="3"
          fill="${INK}"
        />${labelled(i) && html`<text x="${n(x(i))}" y="${n(y(s.value) - 6)}" text-anchor="${i === steps.length - 1 ? 'end' : 'middle'}" font-size="10" font-weight="600">${options.format(s.value)}</text>`}${labelled(i) && html`<text x="${n(x(i))}" y="${n(top + plotH + 14)}" text-anchor="${i === steps.length - 1 ? 'end' : 'middle'}" font-size="10" fill="${MUTED}">${s.label}</text>`}`,
  );
  const axes = html`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="${INK}" /><line
      x1="${left}"
      y1="${top + plotH}"
      x2="${WIDTH - right}"
      y2="${top + plotH}"
      stroke="${INK}"
    /><text x="${n(left + plotW / 2)}" y="${height - 8}" text-anchor="middle" fill="${MUTED}">${options.xLabel}</text
    ><text x="0" y="10" fill="${MUTED}">${options.yLabel}</text>`;
  return frame(
    id,
    height,
    title,
    options.desc,
    html`${grid}${axes}<path d="${path}" fill="none" stroke="${ACCENT}" stroke-width="2.5" />${marks}`,
  );
}

export interface BandPoint {
  /** The x label (e.g. a date). */
  label: string;
  estimate: number;
  /** The band (e.g. the always-valid 95 % interval). */
  low: number;
  high: number;
  /** An optional second interval drawn dashed (e.g. the fixed-horizon 95 % interval). */
  fixed?: readonly [number, number];
}

/**
 * An estimate over time with its interval: a hatched area for the band, a solid line for the
 * estimate, a solid zero line, and the optional second interval as dashed lines. The latest
 * estimate and band are written at the right; a legend names each mark by its look.
 */
export function bandChart(options: {
  title: string;
  desc: string;
  points: ReadonlyArray<BandPoint>;
  xLabel: string;
  yLabel: string;
  bandLabel: string;
  fixedLabel?: string;
  format: (value: number) => string;
}): SafeHtml {
  const { points, title } = options;
  const [first, last] = [points[0], points[points.length - 1]];
  if (!first || !last) return noData(title);
  const id = idFor(title);
  const [right, top] = [12, 18];
  const plotH = 150;
  const legendTop = top + plotH + 50;
  const height = legendTop + (options.fixedLabel ? 50 : 34);
  const values = points.flatMap((p) => [p.estimate, p.low, p.high, ...(p.fixed ?? [])]).filter(Number.isFinite);
  let [min, max] = [Math.min(0, ...values), Math.max(0, ...values)];
  if (max - min < 1e-9) [min, max] = [min - 0.01, max + 0.01];
  const pad = (max - min) * 0.06;
  const tickLabels = [options.format(max), options.format(min)];
  // Room for the longest tick label (about 7 units a character at this size).
  const left = 8 + 7 * Math.max(...tickLabels.map((label) => label.length));
  const plotW = WIDTH - left - right;
  [min, max] = [min - pad, max + pad];
  const x = (i: number): number => (points.length === 1 ? left + plotW / 2 : left + (i / (points.length - 1)) * plotW);
  const y = (v: number): number => top + ((max - v) / (max - min)) * plotH;
  const line = (pick: (p: BandPoint) => number): string =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(x(i))},${n(y(pick(p)))}`).join('');
  const half = points.length === 1 ? 8 : 0;
  const band =
    points.length === 1
      ? `M${n(x(0) - half)},${n(y(first.high))}H${n(x(0) + half)}V${n(y(first.low))}H${n(x(0) - half)}Z`
      : `${line((p) => p.high)}${[...points]
          .map((p, i) => ({ p, i }))
          .reverse()
          .map(({ p, i }) => `L${n(x(i))},${n(y(p.low))}`)
          .join('')}Z`;
  const hatch = `${id}-hatch`;
  const defs = html`<defs
    ><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"
      ><rect width="6" height="6" fill="#dbe9f7" /><line
        x1="0"
        y1="0"
        x2="0"
        y2="6"
        stroke="#7aa7d6"
        stroke-width="2" /></pattern
  ></defs>`;
  const withFixed = points.some((p) => p.fixed);
  const fixedLines = withFixed
    ? html`<path
          d="${line((p) => p.fixed?.[0] ?? p.low)}"
          fill="none"
          stroke="${INK}"
          stroke-width="1.2"
          stroke-dasharray="4 3"
        /><path
          d="${line((p) => p.fixed?.[1] ?? p.high)}"
          fill="none"
          stroke="${INK}"
          stroke-width="1.2"
          stroke-dasharray="4 3"
        />`
    : null;
  const lastX = x(points.length - 1);
  const ticks = html`<text x="${left - 4}" y="${n(y(max - pad) + 4)}" text-anchor="end" fill="${MUTED}"
      >${options.format(max - pad)}</text
    ><text x="${left - 4}" y="${n(y(0) + 4)}" text-anchor="end" font-weight="600">0</text
    ><text x="${left - 4}" y="${n(y(min + pad) + 4)}" text-anchor="end" fill="${MUTED}"
      >${options.format(min + pad)}</text
    >`;
  const xTicks = html`<text x="${left}" y="${top + plotH + 14}" font-size="10" fill="${MUTED}">${first.label}</text
    >${points.length > 1 && html`<text x="${WIDTH - right}" y="${top + plotH + 14}" text-anchor="end" font-size="10" fill="${MUTED}">${last.label}</text>`}<text
      x="${n(left + plotW / 2)}"
      y="${top + plotH + 28}"
      text-anchor="middle"
      fill="${MUTED}"
      >${options.xLabel}</text
    >`;
  const axes = html`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="${INK}" /><line
      x1="${left}"
      y1="${top + plotH}"
      x2="${WIDTH - right}"
      y2="${top + plotH}"
      stroke="${GRID}"
    /><text x="0" y="10" fill="${MUTED}">${options.yLabel}</text>`;
  const zero = html`<line
    x1="${left}"
    y1="${n(y(0))}"
    x2="${WIDTH - right}"
    y2="${n(y(0))}"
    stroke="${INK}"
    stroke-width="1.5"
  />`;
  const estimate = html`<path d="${line((p) => p.estimate)}" fill="none" stroke="${ACCENT}" stroke-width="2.5" /><circle
      cx="${n(lastX)}"
      cy="${n(y(last.estimate))}"
      r="3.5"
      fill="${ACCENT}"
      stroke="#fff"
    />`;
  const lastValue = html`<text
    x="${n(Math.min(lastX, WIDTH - right) - 6)}"
    y="${n(Math.max(top + 10, y(last.estimate) - 8))}"
    text-anchor="end"
    font-weight="600"
    paint-order="stroke"
    stroke="#fff"
    stroke-width="3"
    >${options.format(last.estimate)}</text
  >`;
  const legend = html`<g transform="translate(0 ${legendTop})"
    ><rect x="0" y="-9" width="22" height="11" fill="url(#${hatch})" stroke="#7aa7d6" /><text x="28" y="0"
      >${options.bandLabel}</text
    ><line x1="0" y1="14" x2="22" y2="14" stroke="${ACCENT}" stroke-width="2.5" /><text x="28" y="18">estimate</text
    >${options.fixedLabel && withFixed && html`<line x1="0" y1="32" x2="22" y2="32" stroke="${INK}" stroke-dasharray="4 3" /><text x="28" y="36">${options.fixedLabel}</text>`}</g
  >`;
  return frame(
    id,
    height,
    title,
    options.desc,
    html`${defs}<path
        d="${band}"
        fill="url(#${hatch})"
        stroke="#7aa7d6"
        stroke-width="1"
      />${fixedLines}${zero}${axes}${ticks}${xTicks}${estimate}${lastValue}${legend}`,
  );
}
