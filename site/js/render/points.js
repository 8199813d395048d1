/**
 * Data points over a plot spanning [-6, 6]^2: draw(ctx, xy, labels, opts).
 * Labels are +/-1 (two classes, regression in between) or class ids.
 */
import { CLASS_COLORS, cssColor } from './colors.js';

const DOMAIN = 6;

/** Canvas pixel of a data coordinate. */
export function toPixel(x, y, size) {
  return [((x + DOMAIN) / (2 * DOMAIN)) * size, ((DOMAIN - y) / (2 * DOMAIN)) * size];
}

/** Data coordinate of a canvas pixel. */
export function toData(px, py, size) {
  return [(px / size) * 2 * DOMAIN - DOMAIN, DOMAIN - (py / size) * 2 * DOMAIN];
}

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {Float32Array} xy  (n * 2) interleaved coordinates
 * @param {Float32Array} labels  (n,)
 * @param {{size:number, multiclass:boolean, stroke:string, radius:number}} opts  stroke '' draws none
 */
export function drawPoints(ctx, xy, labels, { size, multiclass = false, stroke = '#fff', radius = 3 }) {
  ctx.lineWidth = 1;
  ctx.strokeStyle = stroke;
  for (let i = 0; i < labels.length; i++) {
    const [px, py] = toPixel(xy[2 * i], xy[2 * i + 1], size);
    if (multiclass) {
      const [r, g, b] = CLASS_COLORS[labels[i] % CLASS_COLORS.length];
      ctx.fillStyle = `rgb(${r},${g},${b})`;
    } else {
      ctx.fillStyle = cssColor(labels[i]);
    }
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
    ctx.fill();
    if (stroke) ctx.stroke();
  }
}
