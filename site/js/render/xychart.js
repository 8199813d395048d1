/**
 * A line chart over the unit square (both axes 0 to 1, as precision and recall are):
 * draw(lines) with lines = [{xs, ys, color}], and nearest(px, py) for tooltips. It knows
 * nothing of what the points mean; one draw per call, sized to its canvas's box.
 */
const PAD = { left: 44, right: 8, top: 8, bottom: 30 };

export class UnitChart {
  /** @param {HTMLCanvasElement} canvas @param {{x: string, y: string}} labels axis titles */
  constructor(canvas, labels) {
    this.canvas = canvas;
    this.labels = labels;
    this.lines = [];
  }

  box() {
    const { width, height } = this.canvas;
    return { x0: PAD.left, y0: PAD.top, w: width - PAD.left - PAD.right, h: height - PAD.top - PAD.bottom };
  }

  /** Canvas pixel of a data point. */
  toPixel(x, y) {
    const b = this.box();
    return [b.x0 + x * b.w, b.y0 + (1 - y) * b.h];
  }

  draw(lines = this.lines, mark = null) {
    this.lines = lines;
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const { clientWidth: cw, clientHeight: ch } = c;
    if (cw && (c.width !== Math.round(cw * dpr) || c.height !== Math.round(ch * dpr))) {
      c.width = Math.round(cw * dpr);
      c.height = Math.round(ch * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, c.width, c.height);
    this.axes(g);
    for (const { xs, ys, color } of lines) {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      for (let i = 0; i < xs.length; i++) g[i ? 'lineTo' : 'moveTo'](...this.toPixel(xs[i], ys[i]));
      g.stroke();
    }
    if (mark) {
      const [px, py] = this.toPixel(mark.x, mark.y);
      g.fillStyle = mark.color;
      g.beginPath();
      g.arc(px, py, 4, 0, 2 * Math.PI);
      g.fill();
    }
  }

  axes(g) {
    const b = this.box();
    g.strokeStyle = '#c8ccd2';
    g.fillStyle = '#5f6670';
    g.lineWidth = 1;
    g.font = '11px sans-serif';
    for (let k = 0; k <= 4; k++) {
      const [x] = this.toPixel(k / 4, 0);
      const [, y] = this.toPixel(0, k / 4);
      g.beginPath();
      g.moveTo(b.x0, y); g.lineTo(b.x0 + b.w, y);
      g.moveTo(x, b.y0); g.lineTo(x, b.y0 + b.h);
      g.stroke();
      g.fillText((k / 4).toFixed(2), x - 10, b.y0 + b.h + 12);
      g.fillText((k / 4).toFixed(2), 14, y + 4);
    }
    g.fillText(this.labels.x, b.x0 + b.w / 2 - 15, b.y0 + b.h + 24);
    g.save();
    g.translate(10, b.y0 + b.h / 2 + 20);
    g.rotate(-Math.PI / 2);
    g.fillText(this.labels.y, 0, 0);
    g.restore();
  }

  /** The nearest point to a mouse position in CSS pixels: {line, index} or null. */
  nearest(cssX, cssY) {
    const dpr = this.canvas.width / (this.canvas.clientWidth || this.canvas.width);
    const px = cssX * dpr;
    const py = cssY * dpr;
    let best = null;
    this.lines.forEach((line, li) => {
      for (let i = 0; i < line.xs.length; i++) {
        const [x, y] = this.toPixel(line.xs[i], line.ys[i]);
        const d = (x - px) ** 2 + (y - py) ** 2;
        if (!best || d < best.d) best = { d, line: li, index: i };
      }
    });
    return best;
  }
}
