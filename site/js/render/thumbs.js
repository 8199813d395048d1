/**
 * The network diagram's one canvas: links, bias marks, every neuron thumbnail and
 * its frame live in one opaque pixel buffer, and the part that changed reaches the canvas
 * in a single putImageData just after the frame's drawing code. Forty-nine small
 * canvases cost a layer, an upload and a composited quad each per frame, and each
 * putImageData on a big canvas copies all of it; one write per frame does not.
 *
 *   const sheet = new ThumbSheet(canvas, cssWidth, size, originX)  // size: thumbnail side, CSS px
 *   sheet.place(id, x, y, {faded, frame, rgb})   // CSS px of the thumbnail's top-left corner
 *   sheet.draw(id, values, n, offset, discretize)
 *   sheet.paintBelow((pixels, width) => [x0, x1])  // links, which never cover a thumbnail
 */
import { SHADE_PIXELS, shadeSlot } from './heatmap.js';

const WHITE = 255;
const FADE = 0.35; // inactive inputs show at this strength over white, as their old opacity did

export class ThumbSheet {
  /**
   * @param {HTMLCanvasElement} canvas  cssWidth CSS px wide, its backing store at the pixel ratio
   * @param {number} originX  the container x (CSS px) of the canvas's left edge
   */
  constructor(canvas, cssWidth, size, originX = 0) {
    this.scale = canvas.width / cssWidth;
    this.originX = originX;
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false }); // opaque: nothing below it is composited
    this.img = new ImageData(canvas.width, canvas.height);
    this.img.data.fill(WHITE);
    this.pixels = new Uint32Array(this.img.data.buffer);
    this.px = Math.max(1, Math.round(size * this.scale)); // device pixels per thumbnail side
    this.thumbs = new Map();
    this.picks = new Map(); // n -> source index per thumbnail pixel
    this.faded = fadedPalette();
    this.dirty = null; // [x0, y0, x1, y1] in device px, or null when the canvas is current
    this.markDirty(0, 0, canvas.width, canvas.height);
  }

  /** A thumbnail at container (x, y) CSS px, inside a `frame` CSS px border of colour rgb. */
  place(id, x, y, { faded = false, frame = 1, rgb = [153, 153, 153] } = {}) {
    const s = this.scale;
    const t = { x: Math.round((x - this.originX) * s), y: Math.round(y * s), faded };
    const f = Math.max(1, Math.round(frame * s));
    const outer = this.px + 2 * f;
    const fits = t.x >= f && t.y >= f && t.x + this.px + f <= this.canvas.width && t.y + this.px + f <= this.canvas.height;
    if (!fits) return; // one outside would wrap into other rows of the buffer
    this.thumbs.set(id, t);
    const color = new Uint32Array(new Uint8ClampedArray([...rgb, WHITE]).buffer)[0];
    const w = this.canvas.width;
    for (let r = 0; r < outer; r++) this.pixels.fill(color, (t.y - f + r) * w + t.x - f, (t.y - f + r) * w + t.x - f + outer);
    this.markDirty(t.x - f, t.y - f, t.x - f + outer, t.y - f + outer);
  }

  /** For each thumbnail pixel, the index of the n x n map cell under its centre. */
  pick(n) {
    let idx = this.picks.get(n);
    if (idx) return idx;
    const m = this.px;
    const src = Array.from({ length: m }, (_, i) => Math.min(n - 1, Math.floor(((i + 0.5) * n) / m)));
    idx = new Int32Array(m * m);
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) idx[r * m + c] = src[r] * n + src[c];
    this.picks.set(n, idx);
    return idx;
  }

  /** Paint node `id` from n x n values at `offset`; the canvas changes only if a pixel did. */
  draw(id, values, n, offset = 0, discretize = false) {
    const t = this.thumbs.get(id);
    if (!t) return;
    const palette = t.faded ? this.faded : SHADE_PIXELS;
    const pick = this.pick(n);
    const { pixels, px: m } = this;
    const stride = this.canvas.width;
    let changed = false;
    for (let r = 0, i = 0; r < m; r++) {
      const row = (t.y + r) * stride + t.x;
      for (let c = 0; c < m; c++, i++) {
        const color = palette[shadeSlot(values[offset + pick[i]], discretize)];
        if (pixels[row + c] !== color) {
          pixels[row + c] = color;
          changed = true;
        }
      }
    }
    if (changed) this.markDirty(t.x, t.y, t.x + m, t.y + m);
  }

  /** Let `paint(pixels, width)` draw around the thumbnails; it returns the x range it touched. */
  paintBelow(paint) {
    const range = paint(this.pixels, this.canvas.width);
    if (range) this.markDirty(range[0], 0, range[1], this.canvas.height);
  }

  markDirty(x0, y0, x1, y1) {
    if (!this.dirty) {
      this.dirty = [x0, y0, x1, y1];
      queueMicrotask(() => this.flush()); // once, after the rest of this frame's drawing
      return;
    }
    const d = this.dirty;
    d[0] = Math.min(d[0], x0); d[1] = Math.min(d[1], y0);
    d[2] = Math.max(d[2], x1); d[3] = Math.max(d[3], y1);
  }

  flush() {
    const d = this.dirty;
    if (!d) return;
    this.dirty = null;
    this.ctx.putImageData(this.img, 0, 0, d[0], d[1], d[2] - d[0], d[3] - d[1]);
  }
}

/** The shade palette blended towards white, for inputs that are switched off. */
function fadedPalette() {
  const bytes = new Uint8ClampedArray(SHADE_PIXELS.slice().buffer);
  for (let i = 0; i < bytes.length; i++) {
    if (i % 4 !== 3) bytes[i] = WHITE + (bytes[i] - WHITE) * FADE;
  }
  return new Uint32Array(bytes.buffer);
}
