/**
 * Links and bias marks rasterised in JS into an opaque pixel buffer over white. Each
 * link is the Playground's curve (a cubic from (x1, y1) to (x2, y2), control points
 * at mid-x), which is a function of x: it is drawn as one vertical span per pixel
 * column, its height the stroke width over the curve's cosine there.
 * Why not canvas strokes: Skia's software stroker spent about 10 ms on a few hundred
 * wide translucent curves every frame the weights moved. Why bands: the links of one
 * layer fill the strip between two node columns and nothing else does, so a strip is
 * cleared and redrawn only when one of its links or bias marks looks different.
 *
 *   const painter = new LinkPainter(scale, originX)   // device px per CSS px, buffer's left edge
 *   painter.band(b, x0, x1)                     // strip b spans CSS px [x0, x1)
 *   painter.addLink(b, x1, y1, x2, y2); painter.addBias(b, x, y)   // CSS px, once per layout
 *   painter.setValues(weights, biases)          // marks strips whose picture changed
 *   painter.paint(pixels, width) -> [x0, x1] device px repainted, or null
 *   painter.pending() -> ms until a strip left stale must be painted, or -1
 */
import { diverging } from './colors.js';

const MAX_W = 5; // |w| at which a link reaches full width and opacity
const LEVELS = 50; // quantisation of |w|: finer steps are not visible
const NAN_RGB = [51, 51, 51];
const POS_RGB = diverging(1);
const NEG_RGB = diverging(-1);
const WHITE_RGB = [255, 255, 255];
const BIAS = 5; // bias mark side, CSS px (inside a white 1 px frame)
const SHADOW = [0, 0, 0]; // the hovered link's halo, as the old CSS drop-shadow
const UNDRAWN = -32768; // key of a link not drawn yet
const STALE_MS = 250; // longest a strip shows links one level off (see setValues)

export class LinkPainter {
  /** scale: device px per CSS px; originX: container x (CSS px) of the buffer's left edge */
  constructor(scale = 1, originX = 0) {
    this.scale = scale;
    this.originX = originX;
    this.bands = []; // per strip: {x0, x1} device px
    this.links = []; // per link: {band, x0, ys, cos}: per pixel column, centre y and cos(angle)
    this.marks = []; // {band, x, y} device px
    this.hovered = -1; // index into links, or -1
    this.dirty = new Set(); // strips to repaint
    this.stale = new Map(); // strip -> since when (ms) it shows a slightly old picture
  }

  band(b, x0, x1) {
    const o = this.originX;
    this.bands[b] = { x0: Math.round((x0 - o) * this.scale), x1: Math.round((x1 - o) * this.scale) };
    this.dirty.add(b);
  }

  addLink(band, x1, y1, x2, y2) {
    const s = this.scale;
    const o = this.originX;
    this.links.push({ band, ...columns((x1 - o) * s, y1 * s, (x2 - o) * s, y2 * s) });
  }

  addBias(band, x, y) {
    this.marks.push({ band, x: Math.round((x - this.originX) * this.scale), y: Math.round(y * this.scale) });
  }

  /**
   * Quantise every weight and bias. A strip with a visible jump (a sign, two levels
   * or more) is repainted at once; one whose links only crept a level, or whose
   * bias shades moved, within STALE_MS: during training that is most frames, and
   * a one-level lag for a quarter second cannot be seen.
   */
  setValues(weights, biases) {
    const n = this.links.length;
    if (!this.keys || this.keys.length !== n) {
      this.keys = new Int16Array(n).fill(UNDRAWN); // as drawn
      this.want = new Int16Array(n); // as the weights are now
    }
    for (let k = 0; k < n; k++) {
      const key = linkKey(weights[k]);
      this.want[k] = key;
      if (key !== this.keys[k]) this.touch(this.links[k].band, jump(this.keys[k], key));
    }
    this.setBiases(biases);
  }

  /** Bias shades: keyed to about one rgb step; a change of a sixteenth of the scale shows at once. */
  setBiases(biases) {
    if (!this.fills || this.fills.length !== biases.length) this.fills = Array.from(biases, () => null);
    for (let i = 0; i < biases.length; i++) {
      const v = biases[i];
      const finite = Number.isFinite(v);
      const key = finite ? Math.round(Math.max(-1, Math.min(1, v)) * 255) : NaN;
      const old = this.fills[i];
      if (old && Object.is(old.key, key)) continue;
      this.touch(this.marks[i].band, !old || !(Math.abs(old.key - key) < 32));
      this.fills[i] = { key, rgb: finite ? diverging(v) : NAN_RGB };
    }
  }

  touch(band, now) {
    if (now) this.dirty.add(band);
    else if (!this.stale.has(band)) this.stale.set(band, performance.now());
  }

  /** Strips to repaint now: the dirty ones and those stale for STALE_MS. */
  due() {
    const now = performance.now();
    for (const [b, since] of this.stale) if (now - since >= STALE_MS) this.dirty.add(b);
    for (const b of this.dirty) this.stale.delete(b);
    return this.dirty;
  }

  pending() {
    if (!this.stale.size) return -1;
    return Math.max(0, STALE_MS - (performance.now() - Math.min(...this.stale.values())));
  }

  hover(index) {
    if (index === this.hovered) return;
    for (const k of [this.hovered, index]) if (k >= 0) this.dirty.add(this.links[k].band);
    this.hovered = index;
  }

  /** Clear and redraw every dirty strip; the device-px x range touched, or null. */
  paint(px, width) {
    if (!this.keys || !this.due().size) return null;
    const out = { px, width, height: px.length / width };
    let range = null;
    for (const b of this.dirty) {
      const { x0, x1 } = this.bands[b];
      fillRect(out, x0, 0, x1 - x0, out.height, WHITE_RGB);
      this.paintBand(out, b);
      range = range ? [Math.min(range[0], x0), Math.max(range[1], x1)] : [x0, x1];
    }
    this.dirty.clear();
    return range;
  }

  /** Strip b's links (the hovered one last, opaque, over a faint halo), then its marks. */
  paintBand(out, b) {
    this.links.forEach((link, k) => {
      if (link.band !== b) return;
      this.keys[k] = this.want[k];
      if (k !== this.hovered) drawLink(out, link, this.keys[k], false, this.scale);
    });
    const hovered = this.links[this.hovered];
    if (hovered?.band === b) drawLink(out, hovered, this.keys[this.hovered], true, this.scale);
    const side = Math.round(BIAS * this.scale);
    const frame = Math.max(1, Math.round(this.scale));
    this.marks.forEach((m, k) => {
      if (m.band !== b) return;
      fillRect(out, m.x - frame, m.y - frame, side + 2 * frame, side + 2 * frame, WHITE_RGB);
      fillRect(out, m.x, m.y, side, side, this.fills[k].rgb);
    });
  }
}

/** A weight as one small integer: sign * (level + 1), 0 for NaN. */
function linkKey(w) {
  if (!Number.isFinite(w)) return 0;
  const level = Math.round((Math.min(Math.abs(w), MAX_W) / MAX_W) * LEVELS);
  return (w < 0 ? -1 : 1) * (level + 1);
}

/** Does going from key a to key b show: first drawing, NaN, a sign change, or 2+ levels? */
function jump(a, b) {
  if (a === UNDRAWN || a === 0 || b === 0 || (a < 0) !== (b < 0)) return true;
  return Math.abs(Math.abs(a) - Math.abs(b)) >= 2;
}

/**
 * The curve at each pixel column's centre: x(t) = x1 + dx (1.5t - 1.5t^2 + t^3) rises
 * monotonically, y(t) = y1 + dy (3t^2 - 2t^3); t is found by bisection (once per layout).
 */
function columns(x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const x0 = Math.round(x1);
  const n = Math.max(0, Math.round(x2) - x0);
  const ys = new Float32Array(n);
  const cos = new Float32Array(n); // of the curve's angle: vertical distance * cos = distance across
  for (let c = 0; c < n; c++) {
    const target = (x0 + c + 0.5 - x1) / dx;
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 24; it++) {
      const t = (lo + hi) / 2;
      if (1.5 * t - 1.5 * t * t + t * t * t < target) lo = t; else hi = t;
    }
    const t = (lo + hi) / 2;
    const slope = (dy * (6 * t - 6 * t * t)) / (dx * (1.5 - 3 * t + 3 * t * t));
    ys[c] = y1 + dy * (3 * t * t - 2 * t * t * t);
    cos[c] = 1 / Math.sqrt(1 + slope * slope);
  }
  return { x0, ys, cos };
}

function drawLink(out, link, key, hovered, scale) {
  const mag = key === 0 ? 0 : (Math.abs(key) - 1) / LEVELS;
  const rgb = key === 0 ? NAN_RGB : key < 0 ? NEG_RGB : POS_RGB;
  const width = (1 + 9 * mag) * scale;
  if (hovered) span(out, link, width + 3 * scale, SHADOW, 0.2);
  span(out, link, width, rgb, hovered || key === 0 ? 1 : 0.25 + 0.75 * mag);
}

/**
 * Blend one stroke of `width` device px. A pixel's coverage is how far its centre
 * lies inside the stroke edge, measured across the curve (vertical distance times
 * the cosine of its angle): antialiased alike on flat and steep parts.
 */
function span(out, { x0, ys, cos }, width, rgb, alpha) {
  const { px, width: w, height: h } = out;
  const [r, g, b] = rgb;
  const edge = width / 2 + 0.5; // coverage falls from 1 to 0 over the pixel at the edge
  for (let c = 0; c < ys.length; c++) {
    const x = x0 + c;
    if (x < 0 || x >= w) continue;
    const k = cos[c];
    const yc = ys[c] - 0.5; // compare with pixel centres y + 0.5
    const reach = edge / k;
    const last = Math.min(h - 1, Math.floor(yc + reach));
    for (let y = Math.max(0, Math.ceil(yc - reach)); y <= last; y++) {
      let a = (edge - (y > yc ? y - yc : yc - y) * k) * alpha;
      if (a <= 0) continue;
      if (a > alpha) a = alpha;
      const j = y * w + x;
      const p = px[j]; // one packed read and write per pixel: faster than three byte pairs
      const r0 = (p >>> R) & 255;
      const g0 = (p >>> G) & 255;
      const b0 = (p >>> B) & 255;
      px[j] = pack(r0 + (r - r0) * a + 0.5, g0 + (g - g0) * a + 0.5, b0 + (b - b0) * a + 0.5);
    }
  }
}

// Byte positions of red, green, blue and alpha inside a Uint32 pixel on this machine.
const LITTLE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const [R, G, B, A] = LITTLE ? [0, 8, 16, 24] : [24, 16, 8, 0];

/** Opaque pixel from channel values (truncated to bytes). */
function pack(r, g, b) {
  return ((r << R) | (g << G) | (b << B) | (255 << A)) >>> 0;
}

function fillRect(out, x, y, wd, ht, rgb) {
  const { px, width: w, height: h } = out;
  const color = pack(rgb[0], rgb[1], rgb[2]);
  for (let yy = Math.max(0, y); yy < Math.min(h, y + ht); yy++) {
    px.fill(color, yy * w + Math.max(0, x), yy * w + Math.min(w, x + wd));
  }
}
