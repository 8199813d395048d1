/**
 * Per-point colours for the scatter: by a metadata column (one colour per value
 * when Python calls the column categorical, else a #ffffdd -> #1f2d86 gradient
 * over the numeric value or the value's rank), with highlights for search and selection.
 */

const BASE = [0.35, 0.45, 0.6];
const LOW = [0xff / 255, 0xff / 255, 0xdd / 255];
const HIGH = [0x1f / 255, 0x2d / 255, 0x86 / 255];

/** A distinct colour for category k of m (golden-angle hues). */
function hue(k) {
  const h = (k * 137.508) % 360;
  const s = 0.65;
  const l = 0.5;
  const f = (n) => {
    const a = s * Math.min(l, 1 - l);
    const kk = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(kk - 3, 9 - kk, 1));
  };
  return [f(0), f(8), f(4)];
}

/**
 * Values as numbers in [0, 1] by their percentile rank over the points (numeric order when
 * every value is a number): counts and frequencies are heavy-tailed, and a linear
 * scale would paint almost every point the palest colour.
 */
function gradientPositions(values, numeric) {
  const sorted = [...values].sort(numeric ? (x, y) => Number(x) - Number(y) : undefined);
  const span = new Map(); // value -> [first, last] position among all points (ties share the middle)
  sorted.forEach((v, i) => span.set(v, [span.get(v)?.[0] ?? i, i]));
  const last = Math.max(1, sorted.length - 1);
  return values.map((v) => (span.get(v)[0] + span.get(v)[1]) / 2 / last);
}

/**
 * Base colours, Float32Array n*3.
 * @param {number} n points
 * @param {{values: string[], categorical: boolean, numeric: boolean}|null} column
 *   a metadata column as projector.load describes it, or null for one colour
 * @returns {{rgb: Float32Array, legend: Array<{value: string, color: number[]}>}}
 */
export function columnColors(n, column) {
  const rgb = new Float32Array(n * 3);
  const legend = [];
  if (!column) {
    for (let i = 0; i < n; i++) rgb.set(BASE, i * 3);
    return { rgb, legend };
  }
  const { values } = column;
  const unique = [...new Set(values)];
  if (column.categorical) {
    const index = new Map(unique.map((v, k) => [v, k]));
    unique.forEach((v, k) => legend.push({ value: v, color: hue(k) }));
    values.forEach((v, i) => rgb.set(hue(index.get(v)), i * 3));
  } else {
    gradientPositions(values, column.numeric).forEach((t, i) => {
      const u = 0.15 + 0.85 * t; // the palest end is nearly white: start a little in
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = LOW[c] + (HIGH[c] - LOW[c]) * u;
    });
  }
  return { rgb, legend };
}

/** Dim everything but `keep` (a Set of indices) when there is a highlight; returns a new array. */
export function highlight(base, keep, selected) {
  if (!keep.size && selected < 0) return base;
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length / 3; i++) {
    const on = keep.has(i) || i === selected;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = on ? base[i * 3 + c] : 0.88 + base[i * 3 + c] * 0.05;
  }
  if (selected >= 0) out.set([0.9, 0.1, 0.35], selected * 3);
  return out;
}
