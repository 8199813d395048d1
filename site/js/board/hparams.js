/**
 * HPARAMS: TensorBoard's table of sessions (one row per run that recorded hyperparameters),
 * sortable by any column and filtered per column, a parallel-coordinates view of the same rows,
 * and a link from each session to its run's scalars. Python reads the plugin data
 * (nnlab.events.hparams); this module only lays it out.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { natural } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** The table's columns: the session, each hyperparameter, each metric. */
function columns(table) {
  return [{ id: 'run', label: t('board.hpSession'), get: (s) => s.run },
    ...table.hparams.map((h) => ({ id: `h:${h.name}`, label: h.display_name || h.name, get: (s) => s.hparams[h.name] })),
    ...table.metrics.map((m) => ({ id: `m:${m.group}/${m.tag}`, label: m.display_name || m.tag, metric: true,
      get: (s) => s.metrics[m.tag] }))];
}

const show = (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

/** Whether `v` passes a column filter: "<x", ">x" compare numbers, anything else is a substring. */
function passes(v, filter) {
  const f = filter.trim();
  if (!f) return true;
  const m = /^([<>]=?)\s*(-?[\d.eE+-]+)$/.exec(f);
  if (m && typeof v === 'number') {
    const x = Number(m[2]);
    return { '<': v < x, '<=': v <= x, '>': v > x, '>=': v >= x }[m[1]];
  }
  return show(v).toLowerCase().includes(f.toLowerCase());
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  return natural(String(a), String(b));
}

function rowsShown(table, cols, hp, runs) {
  const shown = new Set(runs);
  const col = cols.find((c) => c.id === hp.sort) || cols[0];
  return table.sessions
    .filter((s) => shown.has(s.run) && cols.every((c) => passes(c.get(s), hp.filters[c.id] || '')))
    .sort((a, b) => compare(col.get(a), col.get(b)) * (hp.desc ? -1 : 1));
}

/** One vertical axis per column; a polyline per session in its run's colour. */
function parallel(cols, rows, colors) {
  const W = Math.max(480, cols.length * 140);
  const H = 260;
  const top = 30;
  const bottom = H - 24;
  const xOf = (i) => 50 + (i * (W - 100)) / Math.max(1, cols.length - 1);
  const scales = cols.map((c) => { // {at: value -> y or null, ticks: [[y, text]]}
    const values = rows.map((s) => c.get(s)).filter((v) => v !== null && v !== undefined);
    if (values.length && values.every((v) => typeof v === 'number')) {
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const at = (v) => (typeof v === 'number' ? bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top) : null);
      return { at, ticks: [[at(lo), show(lo)], ...(hi > lo ? [[at(hi), show(hi)]] : [])] };
    }
    const cats = [...new Set(values.map(String))].sort(natural);
    const at = (v) => (v === null || v === undefined ? null : bottom - ((cats.indexOf(String(v)) + 0.5) / cats.length) * (bottom - top));
    return { at, ticks: cats.map((k) => [at(k), k]) };
  });
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'hp-parallel', 'data-testid': 'hparams-parallel' });
  cols.forEach((c, i) => {
    root.append(svg('line', { x1: xOf(i), x2: xOf(i), y1: top, y2: bottom, class: 'hp-axis' }));
    root.append(svg('text', { x: xOf(i), y: 16, 'text-anchor': 'middle', class: 'hp-label' }, c.label));
    for (const [y, text] of scales[i].ticks) root.append(svg('text', { x: xOf(i) + 4, y: y + 4, class: 'hp-tick' }, text));
  });
  for (const s of rows) {
    const pts = cols.map((c, i) => [xOf(i), scales[i].at(c.get(s))]).filter(([, y]) => y !== null);
    const line = svg('polyline', { points: pts.map((p) => p.join(',')).join(' '), class: 'hp-line', 'data-run': s.run });
    line.style.stroke = colors.get(s.run) || '#888';
    root.append(line);
  }
  return root;
}

/**
 * Show the tab.
 * @param {object} view the page's view (main.js); view.settings.hparams keeps sort and filters
 * @param {HTMLElement} dash
 * @param {string[]} runs visible runs
 * @param {(run: string) => void} openRun show one run's scalars
 */
export async function renderHparams(view, dash, runs, openRun) {
  const token = view.token;
  const table = await view.client.call('board.hparams');
  if (token !== view.token) return;
  const hp = (view.settings.hparams ??= { sort: 'run', desc: false, filters: {} });
  const cols = columns(table);
  const body = el('tbody');
  const pc = el('div', { class: 'hp-parallel-box' });
  const fill = () => {
    const rows = rowsShown(table, cols, hp, runs);
    body.replaceChildren(...rows.map((s) => el('tr', { 'data-testid': 'hparams-row', dataset: { run: s.run } },
      cols.map((c) => (c.id === 'run'
        ? el('td', {}, [el('button', { type: 'button', class: 'link', 'data-testid': 'hparams-session', text: s.run,
          title: t('board.hpOpenRun'), onclick: () => openRun(s.run) })])
        : el('td', { class: c.metric ? 'num' : '', text: show(c.get(s)) }))))));
    pc.replaceChildren(parallel(cols, rows, view.state.colors));
  };
  const head = el('tr', {}, cols.map((c) => el('th', { 'data-testid': 'hparams-sort', dataset: { col: c.id },
    class: hp.sort === c.id ? (hp.desc ? 'sorted desc' : 'sorted') : '',
    onclick: (e) => {
      hp.desc = hp.sort === c.id ? !hp.desc : false;
      hp.sort = c.id;
      e.currentTarget.parentNode.querySelectorAll('th').forEach((th) => { th.className = ''; });
      e.currentTarget.className = hp.desc ? 'sorted desc' : 'sorted';
      fill();
    } }, [c.label])));
  const filters = el('tr', {}, cols.map((c) => {
    const input = el('input', { type: 'search', 'data-testid': 'hparams-filter', dataset: { col: c.id },
      placeholder: t('board.hpFilter'), value: hp.filters[c.id] || '' });
    input.addEventListener('input', () => { hp.filters[c.id] = input.value; fill(); });
    return el('th', {}, [input]);
  }));
  fill();
  dash.replaceChildren(...(table.sessions.length
    ? [el('table', { class: 'hp-table', 'data-testid': 'hparams-table' }, [el('thead', {}, [head, filters]), body]), pc]
    : [el('p', { class: 'hint', text: t('board.hpNone') })]));
}
