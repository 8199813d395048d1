/**
 * One SCALARS chart card: every visible run's series of one tag, raw line
 * faint behind the smoothed one, a hover tooltip, downloads and enlarge.
 */
import { t } from '../core/i18n.js';
import { columns, cssWidth, drawLines, frame, nearest } from '../render/scalarchart.js';
import { download, el } from '../core/dom.js';
import { clock, digest, digestsWanted, duration, fmt, safeName } from './dom.js';
import { yDomain } from '../render/ydomain.js';

const LEGEND_OPEN = 8; // runs listed under a chart before the list folds into "Runs and downloads (n)"

/** The x values of a series for an axis mode ('step' | 'relative' | 'wall'). */
export function xValues(s, axis) {
  if (axis === 'step') return s.steps;
  if (axis === 'wall') return s.wall;
  if (!s.relative) {
    const t0 = s.wall[0];
    s.relative = s.wall.map((w) => w - t0);
  }
  return s.relative;
}

function xFormatter(axis) {
  if (axis === 'relative') return duration;
  if (axis === 'wall') return (v) => clock(v, false);
  return fmt;
}

export class ScalarCard {
  /**
   * @param {string} tag the card's tag (a custom chart's title)
   * @param {{client, settings: object, tooltip: HTMLElement, colors: Map, watch?: (card) => void}} env
   *   watch: tells the card when it is on screen (only cards on screen are drawn)
   * @param {{colorOf?: (s, i) => string, labelOf?: (s) => string}} [style] custom charts colour and
   *   name their series themselves (several tags of one run); by default a series is its run
   */
  constructor(tag, env, style = {}) {
    this.tag = tag;
    this.env = env;
    this.colorOf = style.colorOf || ((s) => env.colors.get(s.run));
    this.labelOf = style.labelOf || ((s) => (s.run === '.' ? t('board.rootRun') : s.run));
    this.series = []; // [{run, steps, wall, values, smoothed, points?}]: every point, or the points drawn of `points`
    this.xRange = null; // the x range of every point, when the series are cut to what is drawn
    this.onScreen = !env.watch; // without a watcher every card counts as shown
    this.stale = false; // a redraw was asked for while off screen
    this.outdated = false; // the settings changed while off screen: fetch the series when shown
    this.reload = null; // set by the card's owner when its series are cut to the canvas: fetch them again
    this.canvas = el('canvas', { class: 'chart', 'data-testid': 'chart' });
    this.readout = el('span', { class: 'points', 'data-testid': 'points-shown' });
    this.downloads = el('div', { class: 'downloads', 'data-testid': 'downloads' });
    const enlarge = el('button', { type: 'button', class: 'small', 'data-testid': 'enlarge', text: t('board.enlarge'),
      onclick: () => { this.root.classList.toggle('big'); this.domain = null; this.refill(); } });
    this.root = el('div', { class: 'bd-card', 'data-testid': 'chart-card', dataset: { tag } }, [
      el('div', { class: 'card-title', text: tag, title: tag }), this.canvas,
      el('div', { class: 'card-foot' }, [this.readout, enlarge]), this.downloads]);
    const draw = () => this.draw();
    // at most once per frame, within the dashboard's drawing budget; off screen, once it is shown
    this.redraw = () => { if (this.onScreen) env.enqueue(draw); else this.stale = true; };
    env.watch?.(this);
    this.cursor = NaN;
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { env.tooltip.hidden = true; this.cursor = NaN; this.redraw(); });
  }

  /** The card came on screen or left it. */
  shown(on) {
    this.onScreen = on;
    if (on && this.outdated) { this.outdated = false; this.refill(); return; }
    if (on && this.stale) { this.stale = false; this.redraw(); }
  }

  /**
   * The plot's columns for `stroked` lines (see render/scalarchart.js columns), the canvas sized first.
   * @returns {{w: number, left: number, step: number}}
   */
  geometry(stroked) {
    this.fit();
    return columns(cssWidth(this.canvas), stroked);
  }

  /**
   * Replace the card's series (one per visible run holding the tag).
   * @param {object[]} series
   * @param {number[]|null} [xRange] [x0, x1] of every point when the series hold only the points drawn
   */
  setSeries(series, xRange = null) {
    this.series = series;
    this.xRange = xRange;
    this.domain = null;
    const total = series.reduce((n, s) => n + (s.points ?? s.values.length), 0);
    this.readout.dataset.points = String(total);
    this.root.querySelectorAll('.card-error').forEach((e) => e.remove()); // a new load says again what failed
    const rows = series.map((s) => el('span', { class: 'dl' }, [
      el('span', { class: 'swatch', style: null }), el('span', { text: this.labelOf(s) }),
      el('button', { type: 'button', class: 'link', 'data-testid': 'download-csv', dataset: { run: s.run }, text: 'CSV',
        onclick: () => this.save(s, 'csv') }),
      el('button', { type: 'button', class: 'link', 'data-testid': 'download-json', dataset: { run: s.run }, text: 'JSON',
        onclick: () => this.save(s, 'json') })]));
    // Many runs: the legend folds away (a card of 100 runs was mostly its list); the tooltip names them.
    this.downloads.replaceChildren(...(rows.length > LEGEND_OPEN
      ? [el('details', { class: 'dl-all' }, [el('summary', { text: t('board.legendRuns', { n: rows.length }) }), ...rows])]
      : rows));
    this.downloads.querySelectorAll('.swatch').forEach((sw, i) => { sw.style.background = this.colorOf(series[i], i); });
    this.redraw();
    this.stamp(series);
  }

  /**
   * When tests want them: data-digest, one sha256 of every point's step, wall time and value per run
   * (compared with CPython's reader); for series cut to what is drawn also data-cut, the sha256 of the
   * points held (with smoothed values) per run, and data-geometry, the columns they were cut for.
   */
  async stamp(series) {
    if (!digestsWanted()) return;
    const full = this.xRange ? await Promise.all(series.map((s) => this.env.full(s.run, s.tag))) : series;
    const parts = await Promise.all(full.map((s) => digest(s.steps, s.wall, s.values)));
    const cut = this.xRange ? await Promise.all(series.map((s) => digest(s.steps, s.wall, s.values, s.smoothed))) : [];
    if (series !== this.series) return;
    this.readout.dataset.digest = parts.join(' ');
    if (this.xRange) {
      this.readout.dataset.cut = cut.join(' ');
      this.readout.dataset.geometry = JSON.stringify(this.geometryUsed);
    }
  }

  /** A run's series could not be read: say so on this card, leave the others be. */
  fail(run, message) {
    this.root.append(el('p', { class: 'card-error', 'data-testid': 'card-error', dataset: { run },
      text: t('board.cardFailed', { message }) }));
  }

  async save(s, format) {
    const text = await this.env.client.call('board.scalar_export', { run: s.run, tag: s.tag, format });
    download(`${safeName(s.run)}-${safeName(s.tag)}.${format}`, text, format === 'csv' ? 'text/csv' : 'application/json');
  }

  view() {
    const { axis, logY, ignoreOutliers } = this.env.settings;
    if (!this.domain) {
      let [x0, x1] = this.xRange || [Infinity, -Infinity];
      for (const s of this.xRange ? [] : this.series) {
        const x = xValues(s, axis);
        for (let i = 0; i < x.length; i++) { if (x[i] < x0) x0 = x[i]; if (x[i] > x1) x1 = x[i]; }
      }
      if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
      const ys = this.series.flatMap((s) => [s.values, ...(s.band ? [s.band.lower, s.band.upper] : [])]);
      this.domain = { x: [x0, x1], y: yDomain(ys, { logY, ignoreOutliers }) };
    }
    return { ...this.domain, logY, xFormat: xFormatter(axis), yFormat: fmt, cursor: this.cursor };
  }

  lines() {
    const { axis, smoothing } = this.env.settings;
    const out = [];
    this.series.forEach((s, i) => {
      const x = xValues(s, axis);
      const color = this.colorOf(s, i);
      if (s.band) out.push({ x, y: s.values, color, alpha: 0.18, band: s.band }); // a margin chart's lower..upper
      if (smoothing > 0) out.push({ x, y: s.values, color, alpha: 0.25, width: 1 });
      out.push({ x, y: smoothing > 0 ? s.smoothed : s.values, color, dots: (s.points ?? x.length) <= 100 });
    });
    return out;
  }

  /** Size the canvas's pixels to its box. */
  fit() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, c.clientWidth);
    const h = Math.max(120, c.clientHeight);
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
  }

  draw() {
    this.fit();
    const total = Number(this.readout.dataset.points);
    const drawn = drawLines(this.canvas, this.lines(), this.view());
    this.readout.dataset.drawn = String(drawn);
    this.readout.textContent = t('board.pointsShown', { n: total.toLocaleString(), drawn: drawn.toLocaleString() });
    return drawn; // the drawing queue's measure of what this costs to rasterise
  }

  /** The canvas or the settings changed: series cut to the old columns are fetched again, others redrawn. */
  refill() {
    return this.reload ? this.reload() : this.invalidate();
  }

  /** Settings changed (axis, log, outliers): recompute the domain and redraw. */
  invalidate() {
    this.domain = null;
    this.redraw();
  }

  hover(e) {
    if (!this.series.length) return;
    const box = this.canvas.getBoundingClientRect();
    const view = this.view();
    const f = frame(box.width, box.height, view);
    const target = f.ix(e.clientX - box.left);
    this.cursor = target;
    this.redraw();
    showTooltip(this, this.series, target, e);
  }
}

function showTooltip(card, series, target, e) {
  const { env } = card;
  const { axis, smoothing } = env.settings;
  const head = [t('board.tipRun'), ...(smoothing > 0 ? [t('board.tipSmoothed')] : []), t('board.tipValue'),
    t('board.tipStep'), t('board.tipTime'), t('board.tipRelative')];
  const rows = series.map((s) => {
    const i = nearest(xValues(s, axis), target);
    if (i < 0) return null;
    const sw = el('span', { class: 'swatch' });
    sw.style.background = card.colorOf(s, series.indexOf(s));
    return el('tr', {}, [el('td', {}, [sw, card.labelOf(s)]),
      ...(smoothing > 0 ? [el('td', { text: fmt(s.smoothed[i]) })] : []),
      el('td', { text: fmt(s.values[i]) }), el('td', { text: String(s.steps[i]) }),
      el('td', { text: clock(s.wall[i]) }), el('td', { text: duration(s.wall[i] - s.wall[0]) })]);
  }).filter(Boolean);
  const tip = env.tooltip;
  tip.replaceChildren(el('table', {}, [el('tr', {}, head.map((h) => el('th', { text: h }))), ...rows]));
  tip.hidden = false;
  tip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8)}px`;
  tip.style.top = `${e.clientY + 14}px`;
}
