/**
 * Distribution bands and histogram stacks on a canvas. Renderers take arrays
 * and sizes only: steps, per-step values at basis points, re-binned counts.
 */
import { ticks } from './scalarchart.js';

const PAD = { left: 52, right: 10, top: 10, bottom: 22 };

function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(200, canvas.clientWidth);
  const h = Math.max(120, canvas.clientHeight);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '10px system-ui, sans-serif';
  return { ctx, w: w - PAD.left - PAD.right, h: h - PAD.top - PAD.bottom };
}

function axis(ctx, f, xs, ys, fmt) {
  ctx.fillStyle = '#5f6b75';
  ctx.strokeStyle = '#dde1e5';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [v, y] of ys) {
    ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + f.w, y); ctx.stroke();
    ctx.fillText(fmt(v), PAD.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [v, x] of xs) ctx.fillText(fmt(v), x, PAD.top + f.h + 5);
}

/**
 * Distribution chart: nested bands between symmetric basis points (outer light,
 * inner dark) and the median line, over steps.
 * @param {HTMLCanvasElement} canvas
 * @param {Float64Array} steps (n,)
 * @param {Float64Array} dist (n*9,) values at the 9 basis points, row-major
 * @param {string} color
 * @param {(v: number) => string} fmt
 */
export function drawDistribution(canvas, steps, dist, color, fmt) {
  const { ctx, w, h } = fit(canvas);
  const n = steps.length;
  if (!n) return;
  let lo = Infinity; let hi = -Infinity;
  for (const v of dist) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const s0 = steps[0]; const s1 = n > 1 ? steps[n - 1] : s0 + 1;
  const sx = (s) => PAD.left + ((s - s0) / (s1 - s0 || 1)) * w;
  const sy = (v) => PAD.top + h - ((v - lo) / (hi - lo)) * h;
  axis(ctx, { w, h }, ticks(s0, s1, 4).map((v) => [v, sx(v)]), ticks(lo, hi, 4).map((v) => [v, sy(v)]), fmt);
  ctx.fillStyle = color;
  for (let band = 0; band < 4; band++) { // pairs (0,8), (1,7), (2,6), (3,5)
    ctx.globalAlpha = 0.15 + band * 0.12;
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx.lineTo(sx(steps[i]) + (n === 1 ? i : 0), sy(dist[i * 9 + band]));
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(sx(steps[i]), sy(dist[i * 9 + 8 - band]));
    ctx.closePath();
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < n; i++) ctx.lineTo(sx(steps[i]), sy(dist[i * 9 + 4]));
  ctx.stroke();
}

/**
 * Histograms over steps: OFFSET stacks one outline per step (older at the back,
 * shifted up), OVERLAY draws them all on one baseline.
 * @param {HTMLCanvasElement} canvas
 * @param {Float64Array} edges (bins+1,)
 * @param {Float64Array} counts (n*bins,) row-major
 * @param {Float64Array} steps (n,)
 * @param {{mode: 'offset'|'overlay', color: string, fmt: Function, maxRows?: number}} opt
 */
export function drawHistograms(canvas, edges, counts, steps, opt) {
  const { ctx, w, h } = fit(canvas);
  const bins = edges.length - 1;
  const n = steps.length;
  if (!n || bins < 1) return;
  const every = Math.max(1, Math.ceil(n / (opt.maxRows || 50))); // at most ~50 outlines stay legible
  const rows = [];
  for (let i = (n - 1) % every; i < n; i += every) rows.push(i);
  let peak = 0;
  for (const v of counts) peak = Math.max(peak, v);
  const offset = opt.mode === 'offset' ? 0.6 * h : 0;
  const rowH = h - offset;
  const sx = (v) => PAD.left + ((v - edges[0]) / (edges[bins] - edges[0] || 1)) * w;
  axis(ctx, { w, h }, ticks(edges[0], edges[bins], 4).map((v) => [v, sx(v)]), [], opt.fmt);
  rows.forEach((i, r) => {
    const base = PAD.top + h - (rows.length > 1 ? (offset * (rows.length - 1 - r)) / (rows.length - 1) : 0);
    ctx.beginPath();
    ctx.moveTo(sx(edges[0]), base);
    for (let b = 0; b < bins; b++) {
      const y = base - (counts[i * bins + b] / (peak || 1)) * rowH;
      ctx.lineTo(sx((edges[b] + edges[b + 1]) / 2), y);
    }
    ctx.lineTo(sx(edges[bins]), base);
    const age = rows.length > 1 ? r / (rows.length - 1) : 1;
    ctx.globalAlpha = opt.mode === 'offset' ? 0.25 + 0.75 * age : 0.15 + 0.5 * age;
    ctx.fillStyle = '#fff';
    if (opt.mode === 'offset') ctx.fill();
    ctx.strokeStyle = opt.color;
    ctx.lineWidth = 1;
    ctx.stroke();
  });
  ctx.globalAlpha = 1;
  if (opt.mode === 'offset') {
    ctx.fillStyle = '#5f6b75';
    ctx.textAlign = 'left';
    ctx.fillText(opt.fmt(steps[rows[0]]), PAD.left + w - 40, PAD.top + h - offset - 6);
    ctx.fillText(opt.fmt(steps[rows[rows.length - 1]]), PAD.left + w - 40, PAD.top + h - 12);
  }
}
