/**
 * Heatmaps on a canvas: draw(values, n) paints an n x n grid (row 0 at the top)
 * with the Playground's colour scale. Knows nothing about networks.
 */
import { SHADE_TABLE, classShade, shadeIndex } from './colors.js';

const NAN_RGB = [51, 51, 51];

export class Heatmap {
  /** @param {HTMLCanvasElement} canvas  drawn at its own width x height pixels */
  /** @param {{smooth: boolean}} opts  smooth: interpolate when scaling up (for the big output plot) */
  constructor(canvas, { smooth = false } = {}) {
    this.smooth = smooth;
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.buffer = document.createElement('canvas');
  }

  image(n) {
    if (this.buffer.width !== n) {
      this.buffer.width = n;
      this.buffer.height = n;
      this.img = this.buffer.getContext('2d').createImageData(n, n);
    }
    return this.img;
  }

  blit() {
    this.buffer.getContext('2d').putImageData(this.img, 0, 0);
    this.ctx.imageSmoothingEnabled = this.smooth;
    this.ctx.drawImage(this.buffer, 0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * @param {Float32Array} values  n*n values in [-1, 1] (NaN shows dark grey)
   * @param {number} n
   * @param {number} offset  index of the first value (several maps share one array)
   */
  draw(values, n, { offset = 0, discretize = false } = {}) {
    const px = this.image(n).data;
    for (let i = 0; i < n * n; i++) {
      let v = values[offset + i];
      if (discretize && !Number.isNaN(v)) v = v >= 0 ? 1 : -1;
      const s = shadeIndex(v);
      const rgb = s < 0 ? NAN_RGB : SHADE_TABLE[s];
      px[4 * i] = rgb[0]; px[4 * i + 1] = rgb[1]; px[4 * i + 2] = rgb[2]; px[4 * i + 3] = 255;
    }
    this.blit();
  }

  /**
   * Multi-class: k probability maps (each n*n, consecutive from offset); the colour
   * is the likeliest class, its depth the confidence above chance.
   */
  drawClasses(values, n, k, { offset = 0, discretize = false } = {}) {
    const px = this.image(n).data;
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
