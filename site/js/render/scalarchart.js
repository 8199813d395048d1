/**
 * A line chart for scalar series on a canvas. It takes plain arrays and sizes,
 * never a model: `drawLines(canvas, lines, view)`.
 *
 * Every point is kept by the caller; only drawing is downsampled: each pixel
 * column draws the first, lowest, highest and last point that falls in it, so
 * spikes survive and a 200,000-point series costs about 4 segments per column. With many
 * lines the columns widen (MAX_VERTICES per chart): rasterising is what a chart costs.
 */

const MAX_VERTICES = 30_000; // per chart, see drawLines

const PAD = { left: 52, right: 10, top: 8, bottom: 22 };

/** A canvas's width in CSS px, computed as drawLines computes it (the columns depend on it to the last bit). */
export function cssWidth(canvas) {
  return canvas.width / (canvas.width / (canvas.clientWidth || canvas.width));
}

/**
 * Where a chart of `stroked` lines, `width` CSS px wide, traces them: the plot's width `w` and left
 * edge `left`, and the column width `step` (px). The Board's worker cuts each series to what these
 * columns draw (nnlab.board.chart), so this is the one place that decides them.
 */
export function columns(width, stroked) {
  const w = width - PAD.left - PAD.right;
  return { w, left: PAD.left, step: Math.max(1, Math.ceil((stroked * w * 4) / MAX_VERTICES)) };
}

/** Nice round tick positions covering [lo, hi]. */
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** The plot rectangle and the data->pixel maps of a view. */
export function frame(width, height, view) {
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const [x0, x1] = view.x;
  const ty = view.logY ? Math.log10 : (v) => v;
  const [y0, y1] = view.y.map(ty);
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * w;
  const sy = (y) => PAD.top + h - ((ty(y) - y0) / (y1 - y0 || 1)) * h;
  const ix = (px) => x0 + ((px - PAD.left) / w) * (x1 - x0);
  // The same maps as coefficients (pixel = a * value + b; y after the log) for the hot loop.
  const ax = w / (x1 - x0 || 1); const ay = -h / (y1 - y0 || 1);
  return { left: PAD.left, top: PAD.top, w, h, sx, sy, ix, ax, bx: PAD.left - x0 * ax, ay, by: PAD.top + h - y0 * ay };
}

function drawAxes(ctx, f, view) {
  ctx.strokeStyle = '#dde1e5';
  ctx.fillStyle = '#5f6b75';
  ctx.font = '10px system-ui, sans-serif';
  ctx.lineWidth = 1;
  const yt = view.logY ? logTicks(view.y) : ticks(view.y[0], view.y[1], 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of yt) {
    const y = Math.round(f.sy(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(f.left, y); ctx.lineTo(f.left + f.w, y); ctx.stroke();
    ctx.fillText(view.yFormat(v), f.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xt = ticks(view.x[0], view.x[1], Math.max(2, Math.floor(f.w / 110)));
  for (const v of xt) {
    const x = Math.round(f.sx(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, f.top + f.h); ctx.lineTo(x, f.top + f.h + 3); ctx.stroke();
    ctx.fillText(view.xFormat(v), x, f.top + f.h + 5);
  }
  ctx.strokeRect(f.left + 0.5, f.top + 0.5, f.w, f.h);
}

function logTicks([lo, hi]) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) if (10 ** e >= lo && 10 ** e <= hi) out.push(10 ** e);
  return out.length ? out : [lo, hi];
}

/**
 * Trace one line column by column (columns `step` pixels wide); returns the number of vertices drawn.
 * Hot loop: plain numbers, no calls.
 */
function traceLine(ctx, f, x, y, logY, step) {
  const ax = f.ax / step; const bx = f.bx / step; const ay = f.ay; const by = f.by;
  let col = NaN; let first = 0; let lo = 0; let hi = 0; let last = 0; let open = false; let drawn = 0;
  for (let i = 0; i <= x.length; i++) {
    let yi = i < x.length ? y[i] : NaN;
    if (logY) yi = yi > 0 ? Math.log10(yi) : NaN;
    const px = yi === yi && yi !== Infinity && yi !== -Infinity ? Math.round(ax * x[i] + bx) : NaN;
    if (px !== col) {
      if (col === col) { // close the previous column: first, extremes, last
        const cx = col * step;
        if (open) ctx.lineTo(cx, first); else ctx.moveTo(cx, first);
        ctx.lineTo(cx, lo); ctx.lineTo(cx, hi); ctx.lineTo(cx, last);
        open = true;
        drawn += 4;
      }
      if (px !== px) open = false; // a gap: the next finite point starts a new piece
      col = px;
      if (px === px) { first = ay * yi + by; lo = first; hi = first; last = first; }
      continue;
    }
    const py = ay * yi + by;
    if (py < lo) lo = py; else if (py > hi) hi = py;
    last = py;
  }
  return drawn;
}

/** Small markers on a short series, so a lone point is visible. */
function dots(ctx, f, line, logY) {
  ctx.fillStyle = line.color;
  for (let i = 0; i < line.x.length; i++) {
    const y = line.y[i];
    if (!Number.isFinite(y) || (logY && y <= 0)) continue;
    ctx.beginPath();
    ctx.arc(f.sx(line.x[i]), f.sy(y), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** Fill between band.lower and band.upper (same x); points not finite (or <= 0 on a log axis) are skipped. */
function fillBand(ctx, f, x, band, logY, color, alpha) {
  const ok = (v) => Number.isFinite(v) && (!logY || v > 0);
  const idx = [];
  for (let i = 0; i < x.length; i++) if (ok(band.lower[i]) && ok(band.upper[i])) idx.push(i);
  if (idx.length < 2) return;
  ctx.fillStyle = color;
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  idx.forEach((i, k) => ctx[k ? 'lineTo' : 'moveTo'](f.sx(x[i]), f.sy(band.upper[i])));
  for (let k = idx.length - 1; k >= 0; k--) ctx.lineTo(f.sx(x[idx[k]]), f.sy(band.lower[idx[k]]));
  ctx.closePath();
  ctx.fill();
}

/**
 * Draw the chart.
 * @param {HTMLCanvasElement} canvas
 * @param {Array<{x: Float64Array, y: Float64Array, color: string, alpha?: number, width?: number, dots?: boolean,
 *   band?: {lower: Float64Array, upper: Float64Array}}>} lines (a band is filled, not stroked)
 * @param {{x: number[], y: number[], logY: boolean, xFormat: Function, yFormat: Function, cursor?: number}} view
 * @returns {number} vertices drawn over all lines
 */
export function drawLines(canvas, lines, view) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const dpr = canvas.width / (canvas.clientWidth || canvas.width);
  ctx.scale(dpr, dpr);
  const f = frame(cssWidth(canvas), canvas.height / dpr, view);
  drawAxes(ctx, f, view);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.w, f.h);
  ctx.clip();
  let drawn = 0;
  // Rasterising is the cost (a software canvas strokes ~0.3 M vertices/s): columns get wider as lines
  // are added, so a chart of 100 runs (200 lines) stays near MAX_VERTICES, one of a few runs pixel-exact.
  const { step } = columns(cssWidth(canvas), lines.filter((l) => !l.band).length);
  for (const line of lines) {
    if (line.band) {
      fillBand(ctx, f, line.x, line.band, view.logY, line.color, line.alpha ?? 0.2);
      continue;
    }
    ctx.strokeStyle = line.color;
    ctx.globalAlpha = line.alpha ?? 1;
    ctx.lineWidth = line.width ?? 1.5;
    ctx.beginPath();
    drawn += traceLine(ctx, f, line.x, line.y, view.logY, step);
    ctx.stroke();
    if (line.dots) dots(ctx, f, line, view.logY);
  }
  if (Number.isFinite(view.cursor)) {
    ctx.globalAlpha = 0.5;
    ctx.strokeStyle = '#1f2a33';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(f.sx(view.cursor), f.top); ctx.lineTo(f.sx(view.cursor), f.top + f.h);
    ctx.stroke();
  }
  ctx.restore();
  return drawn;
}

/** Index of the point of sorted-or-not `x` nearest to `target` (binary search when x is increasing). */
export function nearest(x, target) {
  let lo = 0; let hi = x.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < target) lo = mid; else hi = mid;
  }
  return Math.abs(x[lo] - target) <= Math.abs(x[hi] - target) ? lo : hi;
}
