/**
 * The GRAPHS dashboard: pick a run (and graph tag), colour by structure,
 * device, compute time or memory of a recorded step, click a scope to open or
 * close it, click an op for its details, search by regex. Python folds the
 * graph (board.graph), or lists a Keras model's layers (its conceptual graph); dagre lays it
 * out; five or more numbered siblings are one series node; "Download PNG" saves the view.
 */
import { t } from '../core/i18n.js';
import { drawGraph } from '../render/graphview.js';
import { svgToPng } from '../render/svgpng.js';
import { download, el } from '../core/dom.js';
import { PALETTE, fmt, safeName, userRegex } from './dom.js';

const COLORS = ['structure', 'device', 'time', 'memory'];

function hashColor(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}

/** Light-to-dark orange by value / max (compute time and memory). */
function ramp(v, max) {
  const f = max > 0 ? Math.sqrt(v / max) : 0;
  return `rgb(${255 - 10 * f},${245 - 140 * f},${230 - 200 * f})`;
}

function fillFor(mode, nodes) {
  const key = mode === 'time' ? 'time' : 'bytes';
  const max = Math.max(0, ...nodes.map((n) => n[key]));
  return (n) => {
    if (mode === 'device') return n.device ? hashColor(n.device) + '55' : '#eef0f2';
    if (mode === 'time' || mode === 'memory') return ramp(n[key], max);
    return { scope: '#dbe7f3', series: '#ece4f7' }[n.kind] || '#fff';
  };
}

function select(testid, options, value, onChange) {
  const s = el('select', { 'data-testid': testid }, options.map(([v, label]) => el('option', { value: v, text: label })));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function details(box, n, mode) {
  const rows = [[t('board.graph.name'), n.id], [t('board.graph.op'), n.op || t('board.graph.scope')],
    [t('board.graph.device'), n.device || '—'], [t('board.graph.count'), String(n.count)]];
  if (n.kind === 'op') {
    rows.push([t('board.graph.inputs'), (n.inputs || []).join(', ') || '—'],
      [t('board.graph.outputs'), (n.outputs || []).join(', ') || '—'],
      [t('board.graph.shapes'), (n.shapes || []).map((sh) => (Array.isArray(sh) ? `[${sh.join(', ')}]` : sh)).join(', ') || '—'],
      ...Object.entries(n.attrs || {}).map(([k, v]) => [k, v]));
  }
  if (mode === 'time' || mode === 'memory') {
    rows.push([t('board.graph.time'), `${fmt(n.time)} µs`], [t('board.graph.memory'), `${fmt(n.bytes)} B`]);
  }
  box.replaceChildren(el('table', {}, rows.map(([k, v]) => el('tr', {}, [el('th', { text: k }), el('td', { text: v })]))));
  box.hidden = false;
}

/**
 * Render the GRAPHS tab.
 * @param {object} view main.js view (client, summary, settings.graph)
 * @param {HTMLElement} box controls container
 * @param {HTMLElement} dash cards container
 * @param {string[]} runs visible runs
 */
export async function renderGraph(view, box, dash, runs) {
  const gs = view.settings.graph;
  const withGraph = runs.filter((r) => Object.keys(view.summary.tags[r]?.graph || {}).length);
  if (!withGraph.length) {
    box.replaceChildren();
    dash.replaceChildren(el('p', { class: 'hint', text: t('board.noTags') }));
    return;
  }
  if (!withGraph.includes(gs.run)) Object.assign(gs, { run: withGraph[0], tag: '', meta: '', expanded: new Set() });
  const token = view.token;
  const data = await view.client.call('board.graph', { run: gs.run, tag: gs.tag || null, expanded: [...gs.expanded], metadata_tag: gs.meta || null });
  if (token !== view.token) return;
  const redo = () => { view.token += 1; renderGraph(view, box, dash, runs); };
  const search = el('input', { type: 'search', 'data-testid': 'graph-search', placeholder: t('board.graph.search'), value: gs.search });
  search.addEventListener('change', () => { gs.search = search.value; redo(); });
  box.replaceChildren(
    el('label', {}, [el('span', { text: t('board.graph.run') }), select('graph-run', withGraph.map((r) => [r, r]), gs.run, (v) => { Object.assign(gs, { run: v, tag: '', meta: '', expanded: new Set() }); redo(); })]),
    el('label', {}, [el('span', { text: t('board.graph.tag') }), select('graph-tag', [['', t('board.graph.default')], ...data.tags.map((x) => [x, x])], gs.tag, (v) => { gs.tag = v; gs.expanded = new Set(); redo(); })]),
    el('label', {}, [el('span', { text: t('board.graph.color') }), select('graph-color', COLORS.map((c) => [c, t(`board.graph.by.${c}`)]), gs.color, (v) => { gs.color = v; redo(); })]),
    el('label', {}, [el('span', { text: t('board.graph.step') }), select('graph-step', [['', '—'], ...data.metadata_tags.map((x) => [x, x])], gs.meta, (v) => { gs.meta = v; redo(); })]),
    el('label', {}, [el('span', { text: t('board.graph.search') }), search]),
    el('button', { type: 'button', 'data-testid': 'graph-png', text: t('board.graph.png'), onclick: async () => {
      const shown = dash.querySelector('svg.bd-graph');
      if (shown) download(`${safeName(gs.run)}-graph.png`, await svgToPng(shown), 'image/png');
    } }),
    el('span', { class: 'hint', text: t(data.conceptual ? 'board.graph.conceptual' : 'board.graph.hint',
      { ops: data.ops, shown: data.nodes.length, model: data.model || '' }) }));
  if (data.error) {
    dash.replaceChildren(el('p', { class: 'hint', 'data-testid': 'graph-message', text: t(`board.graph.${data.error}`, { message: data.message || '' }) }));
    return;
  }
  const host = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  host.setAttribute('class', 'bd-graph');
  host.dataset.testid = 'graph';
  const info = el('div', { class: 'bd-card graph-info', 'data-testid': 'graph-details', hidden: true });
  dash.replaceChildren(el('div', { class: 'graph-wrap' }, [host, info]));
  const re = userRegex(gs.search);
  const highlight = new Set(re ? data.nodes.filter((n) => re.test(n.id)).map((n) => n.id) : []);
  const show = (n) => {
    gs.selected = n.id; // kept so a re-render (language, colour mode) shows it again
    details(info, n, gs.color);
    if (n.parent) info.append(el('button', { type: 'button', class: 'small', 'data-testid': 'graph-collapse', text: t('board.graph.collapse'),
      onclick: () => { gs.expanded.delete(n.parent); for (const s of [...gs.expanded]) if (s.startsWith(`${n.parent}/`)) gs.expanded.delete(s); redo(); } }));
  };
  drawGraph(host, data.nodes, data.edges, { fill: fillFor(gs.color, data.nodes), highlight, onClick: (n) => {
    if (n.kind !== 'op') { gs.expanded.add(n.id); redo(); return; } // a scope or a series opens
    show(n);
  } });
  const selected = data.nodes.find((n) => n.id === gs.selected && n.kind === 'op');
  if (selected) show(selected);
}
