/**
 * Heatmaps on a canvas: draw(values, n) paints an n x n grid (row 0 at the top)
 * with the Playground's colour scale. Knows nothing about networks.
 */
import { SHADES, SHADE_TABLE, classShade } from './colors.js';

const NAN_RGB = [51, 51, 51];

/** [r, g, b] -> one opaque RGBA pixel as a Uint32 in this machine's byte order. */
function packed(rgb) {
  const px = new Uint8ClampedArray([rgb[0], rgb[1], rgb[2], 255]);
  return new Uint32Array(px.buffer)[0];
}

// Every shade as one 32-bit pixel, NaN last: a whole map is then one store per pixel.
export const SHADE_PIXELS = Uint32Array.from([...SHADE_TABLE, NAN_RGB], packed);
const NAN_INDEX = SHADES;
const HALF = (SHADES - 1) / 2;

/** Index into SHADE_PIXELS of value v in [-1, 1] (clamped; NaN -> the NaN pixel). */
export function shadeSlot(v, discretize) {
  if (v !== v) return NAN_INDEX;
  if (discretize) v = v >= 0 ? 1 : -1;
  v = v > 1 ? 1 : v < -1 ? -1 : v;
  // colors.shadeIndex, written as a truncation: about twice as fast as Math.round here
  return (v * HALF + HALF + 0.5) | 0;
}

export class Heatmap {
  /** @param {HTMLCanvasElement} canvas  drawn at its own width x height pixels */
  /** @param {{smooth: boolean}} opts  smooth: interpolate when scaling up (for the big output plot) */
  constructor(canvas, { smooth = false } = {}) {
    this.smooth = smooth;
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.buffer = null; // an n x n canvas, only when the visible canvas has another size
    this.img = null;
  }

  /** The n x n image to fill, and a Uint32 view of its pixels. */
  image(n) {
    if (!this.img || this.img.width !== n) {
      this.img = new ImageData(n, n);
      this.pixels = new Uint32Array(this.img.data.buffer);
    }
    return this.pixels;
  }

  /** True when the canvas no longer shows `img` (first draw, or resized, which clears it). */
  canvasStale() {
    const { canvas } = this;
    return this.shownW !== canvas.width || this.shownH !== canvas.height;
  }

  blit() {
    const { canvas, img } = this;
    this.shownW = canvas.width;
    this.shownH = canvas.height;
    if (canvas.width === img.width && canvas.height === img.height) {
      this.ctx.putImageData(img, 0, 0); // same size: no staging canvas, no scaling copy
      return;
    }
    if (!this.buffer) this.buffer = document.createElement('canvas');
    if (this.buffer.width !== img.width) {
      this.buffer.width = img.width;
      this.buffer.height = img.height;
    }
    this.buffer.getContext('2d').putImageData(img, 0, 0);
    this.ctx.imageSmoothingEnabled = this.smooth;
    this.ctx.drawImage(this.buffer, 0, 0, canvas.width, canvas.height);
  }

  /**
   * @param {Float32Array} values  n*n values in [-1, 1] (NaN shows dark grey)
   * @param {number} n
   * @param {number} offset  index of the first value (several maps share one array)
   */
  draw(values, n, { offset = 0, discretize = false } = {}) {
    const fresh = !this.img || this.img.width !== n;
    const px = this.image(n);
    let changed = fresh || this.canvasStale();
    for (let i = 0; i < n * n; i++) {
      const c = SHADE_PIXELS[shadeSlot(values[offset + i], discretize)];
      if (px[i] !== c) {
        px[i] = c;
        changed = true;
      }
    }
    // Shades are coarse: many maps look the same from one epoch to the next, and
    // an untouched canvas costs nothing to upload, paint or composite.
    if (changed) this.blit();
  }

  /**
   * Multi-class: k probability maps (each n*n, consecutive from offset); the colour
   * is the likeliest class, its depth the confidence above chance.
   */
  drawClasses(values, n, k, { offset = 0, discretize = false } = {}) {
    this.image(n);
    const px = this.img.data;
    const m = n * n;
    for (let i = 0; i < m; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (values[offset + c * m + i] > values[offset + best * m + i]) best = c;
      const p = values[offset + best * m + i];
      const conf = discretize ? 1 : (p - 1 / k) / (1 - 1 / k);
      const rgb = Number.isNaN(p) ? NAN_RGB : classShade(best, conf);
      px[4 * i] = rgb[0]; px[4 * i + 1] = rgb[1]; px[4 * i + 2] = rgb[2]; px[4 * i + 3] = 255;
    }
    this.blit();
  }
}
