/**
 * A small loss-over-time chart: draw(series) with series = [{values, color}].
 * Keeps at most `width` columns on screen by taking each column's last value,
 * so a long run stays cheap to redraw.
 */
export class LineChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
  }

  draw(series) {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const n = Math.max(0, ...series.map((s) => s.values.length));
    if (n < 2) return;
    let max = 0;
    for (const s of series) for (const v of s.values) if (Number.isFinite(v) && v > max) max = v;
    if (max <= 0) max = 1;
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      const step = Math.max(1, Math.floor(n / w));
      for (let i = 0; i < s.values.length; i += step) {
        const v = s.values[Math.min(s.values.length - 1, i + step - 1)];
        const x = (i / (n - 1)) * (w - 1);
        const y = h - 1 - (Math.min(v, max) / max) * (h - 2);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
}
