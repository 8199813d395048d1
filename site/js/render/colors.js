/**
 * Colour scales shared by the renderers. Two classes and every neuron use the
 * Playground's diverging scale: -1 orange #f59322, 0 grey #e8eaeb, +1 blue #0877bd.
 */
import { SCHEMA } from '../../generated/playground-schema.js';

const { negative: NEG, zero: MID, positive: POS } = SCHEMA.diverging; // py/nnlab/playground/schema.py
export const CLASS_COLORS = [[8, 119, 189], [245, 147, 34], [46, 160, 67], [155, 89, 182], [214, 39, 40], [140, 86, 75]];
export const SHADES = 31;
const ALPHA = 160 / 255; // heatmaps are drawn at alpha 160 over white, like the anchor

function mix(a, b, t) {
  return a.map((x, i) => Math.round(x + (b[i] - x) * t));
}

/** value in [-1, 1] (clamped) -> [r, g, b]. */
export function diverging(v) {
  const c = Math.max(-1, Math.min(1, v));
  return c < 0 ? mix(MID, NEG, -c) : mix(MID, POS, c);
}

export function cssColor(v) {
  const [r, g, b] = diverging(v);
  return `rgb(${r},${g},${b})`;
}

/** 31 shades over [-1, 1], each blended over white as the anchor's heatmap does. */
export const SHADE_TABLE = Array.from({ length: SHADES }, (_, i) => {
  const rgb = diverging(-1 + (2 * i) / (SHADES - 1));
  return rgb.map((x) => Math.round(255 + (x - 255) * ALPHA));
});

export function shadeIndex(v) {
  if (Number.isNaN(v)) return -1;
  const c = Math.max(-1, Math.min(1, v));
  return Math.round(((c + 1) / 2) * (SHADES - 1));
}

/** Class k with confidence t in [0, 1] -> [r, g, b] blended over white. */
export function classShade(k, t) {
  const base = CLASS_COLORS[k % CLASS_COLORS.length];
  const a = ALPHA * Math.max(0, Math.min(1, t));
  return base.map((x) => Math.round(255 + (x - 255) * a));
}
