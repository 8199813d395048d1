/**
 * The user's own points: click the output plot to add one of the chosen class,
 * or upload a CSV (parsed in Python, bad rows reported by line, good rows kept).
 */
import { t } from '../core/i18n.js';
import { toData } from '../render/points.js';

export class UserPoints {
  constructor(root, ui, session, state) {
    Object.assign(this, { ui, session, state });
    this.plot = ui('output-points');
    this.fillClasses();
    ui('draw-mode').addEventListener('change', (ev) => root.querySelector('.plot').classList.toggle('drawing', ev.target.checked));
    this.plot.addEventListener('click', (ev) => this.add(ev));
    ui('upload-csv').addEventListener('change', (ev) => this.upload(ev.target));
    ui('clear-points').addEventListener('click', () => this.use(null));
  }

  fillClasses() {
    const select = this.ui('draw-class');
    const multi = this.state.problem === 'multiclass';
    const options = multi ? [0, 1, 2].map((k) => [k, t('pg.classK', { k: k + 1 })])
      : [[1, t('pg.classPos')], [-1, t('pg.classNeg')]];
    const keep = select.value;
    select.replaceChildren(...options.map(([v, label]) => {
      const o = document.createElement('option');
      o.value = String(v);
      o.textContent = label;
      return o;
    }));
    if (options.some(([v]) => String(v) === keep)) select.value = keep;
  }

  relabel() {
    this.fillClasses();
    this.info();
  }

  add(ev) {
    if (!this.ui('draw-mode').checked) return;
    const box = this.plot.getBoundingClientRect();
    const [x, y] = toData((ev.clientX - box.left) * (this.plot.width / box.width),
      (ev.clientY - box.top) * (this.plot.height / box.height), this.plot.width);
    const pts = this.session.points || { x: [], y: [], label: [] };
    pts.x.push(x);
    pts.y.push(y);
    pts.label.push(Number(this.ui('draw-class').value));
    this.use(pts);
  }

  async upload(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const out = await this.session.py.call('playground.parse_points', { text: await file.text() });
      this.bad = out.errors;
      const plain = (a) => Array.from(a.data);
      this.use({ x: plain(out.points.x), y: plain(out.points.y), label: plain(out.points.label) });
    } catch (err) {
      this.ui('points-info').textContent = t('pg.fileError', { name: file.name, message: err.message });
    }
  }

  use(points) {
    this.session.points = points;
    if (!points) this.bad = null;
    this.info();
    this.session.reset();
  }

  info() {
    const pts = this.session.points;
    const lines = [];
    if (pts) lines.push(t('pg.pointsUsed', { n: pts.x.length }));
    if (this.bad?.length) {
      const rows = this.bad.slice(0, 5).map(([line, msg]) => `${line}: ${msg}`).join('; ');
      lines.push(t('pg.badRows', { n: this.bad.length, rows: rows + (this.bad.length > 5 ? '; …' : '') }));
    }
    this.ui('points-info').textContent = lines.join(' ');
  }
}
