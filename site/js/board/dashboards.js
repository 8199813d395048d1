/**
 * The tabs and, per tab, its controls and cards. SCALARS has its own module;
 * the other dashboards load one (run, tag) at a time and drop stale work when
 * the view changes (view.token).
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { f64, natural, userRegex } from './dom.js';
import { histogramCard, modeSelect } from './dists.js';
import { renderCustomScalars } from './customscalars.js';
import { renderEmbeddings } from './embeddings.js';
import { renderGraph } from './graph.js';
import { renderHparams } from './hparams.js';
import { prCard } from './prcurves.js';
import { audioCards, errorCard, imageCards, stampSteps, textCard } from './media.js';

/** Tabs in TensorBoard's order; `kind` is the reader's kind of tags they show. */
export const TABS = [
  { id: 'scalars', kind: 'scalars' }, { id: 'images', kind: 'images' }, { id: 'audio', kind: 'audio' }, { id: 'graphs', kind: 'graph' },
  { id: 'distributions', kind: 'histograms' }, { id: 'histograms', kind: 'histograms' },
  { id: 'embeddings', kind: 'embeddings' }, { id: 'text', kind: 'text' }, { id: 'pr_curves', kind: 'pr_curves' },
  { id: 'hparams', kind: 'hparams' }, { id: 'custom_scalars', kind: 'custom_scalars' },
];

function tagFilter(settings, rerender) {
  const input = el('input', { type: 'search', 'data-testid': 'tag-filter', placeholder: t('board.tagFilter'), value: settings.tagFilter });
  input.addEventListener('input', () => { settings.tagFilter = input.value; rerender(); });
  return el('label', {}, [el('span', { text: t('board.tagFilter') }), input]);
}

function range(testid, label, min, max, step, value, onInput) {
  const input = el('input', { type: 'range', min, max, step, value: String(value), 'data-testid': testid });
  input.addEventListener('input', () => onInput(Number(input.value)));
  return el('label', { class: 'slider' }, [el('span', { text: t(label) }), input]);
}

/** Brightness, contrast and actual size apply to every image in the page (CSS filters, as TensorBoard does). */
function applyImageStyle(dash, s) {
  for (const img of dash.querySelectorAll('img.bd-image')) {
    img.style.filter = `contrast(${s.contrast}%) brightness(${s.brightness})`;
    img.classList.toggle('actual', s.actualSize);
  }
}

function imageControls(box, dash, s) {
  const actual = el('input', { type: 'checkbox', 'data-testid': 'actual-size' });
  actual.checked = s.actualSize;
  actual.addEventListener('change', () => { s.actualSize = actual.checked; applyImageStyle(dash, s); });
  box.append(
    range('brightness', 'board.brightness', '0', '2', '0.01', s.brightness, (v) => { s.brightness = v; applyImageStyle(dash, s); }),
    range('contrast', 'board.contrast', '0', '500', '1', s.contrast, (v) => { s.contrast = v; applyImageStyle(dash, s); }),
    el('label', { class: 'toggle' }, [actual, el('span', { text: t('board.actualSize') })]),
    el('button', { type: 'button', text: t('board.resetImage'), onclick: () => {
      Object.assign(s, { brightness: 1, contrast: 100 });
      box.querySelector('[data-testid="brightness"]').value = '1';
      box.querySelector('[data-testid="contrast"]').value = '100';
      applyImageStyle(dash, s);
    } }));
}

/** (run, tag) pairs of one kind for the visible runs, tag-filtered and sorted by tag, then run. */
function pairs(summary, runs, kind, filter) {
  const re = userRegex(filter);
  const out = [];
  for (const run of runs) for (const tag of Object.keys(summary.tags[run]?.[kind] || {})) if (!re || re.test(tag)) out.push([run, tag]);
  return out.sort((a, b) => natural(a[1], b[1]) || natural(a[0], b[0]));
}

async function fillCards(view, tab, dash, list) {
  const token = view.token;
  const call = { images: 'board.images', audio: 'board.audio', text: 'board.text', pr_curves: 'board.pr_curves' }[tab.id]
    || 'board.histograms';
  for (const [run, tag] of list) {
    let data;
    try {
      data = await view.client.call(call, { run, tag });
    } catch (err) { // one bad tag shows its message in its card; the cards after it still come
      if (token !== view.token) return;
      dash.append(errorCard(tab.id, run, tag, view.state.colors, err.message));
      continue;
    }
    if (token !== view.token) return; // the view changed while Python answered
    addCards(view, tab, dash, run, tag, data);
  }
  if (tab.id === 'images') applyImageStyle(dash, view.settings);
}

function addCards(view, tab, dash, run, tag, data) {
  const colors = view.state.colors;
  const steps = f64(data.steps);
  if (tab.id === 'distributions' || tab.id === 'histograms') {
    const c = histogramCard(tab.id, run, tag, data, colors, view.settings);
    dash.append(c.root); // in the page first: the chart sizes itself from its box
    c.draw();
    view.redrawers.push(c.draw);
    stampSteps(c.root, steps);
    return;
  }
  if (tab.id === 'pr_curves') {
    const c = prCard(run, tag, data, colors);
    dash.append(c.node); // in the page first: the chart sizes itself from its box
    c.draw();
    view.redrawers.push(c.draw);
    stampSteps(c.node, steps);
    return;
  }
  const make = { text: (...a) => [textCard(...a)], images: imageCards, audio: audioCards }[tab.id];
  const nodes = make(run, tag, data, colors);
  dash.append(...nodes);
  for (const node of nodes) stampSteps(node, steps);
}

/**
 * Show the current tab.
 * @param {object} view the page's view state (main.js makeView)
 * @param {HTMLElement} box controls container
 * @param {HTMLElement} dash cards container
 * @param {string[]} runs visible runs
 * @param {() => void} rerender
 */
export async function renderDashboard(view, box, dash, runs, rerender) {
  const token = view.token;
  try {
    await showTab(view, box, dash, runs, rerender);
  } catch (err) { // a tab that fails says so in its own place; the runs panel and other tabs still work
    if (token !== view.token) return;
    dash.replaceChildren(el('p', { class: 'card-error', 'data-testid': 'tab-error', text: t('board.tabFailed', { message: err.message || String(err) }) }));
  }
}

function showTab(view, box, dash, runs, rerender) {
  const tab = TABS.find((x) => x.id === view.tab);
  dash.className = `bd-dash ${tab.id}`;
  if (tab.id === 'scalars') {
    view.scalars.controls(box, rerender);
    return view.scalars.render(dash, view.summary, runs, view.state.colors);
  }
  if (tab.id === 'graphs') return renderGraph(view, box, dash, runs);
  if (tab.id === 'custom_scalars') return renderCustomScalars(view, box, dash, runs, rerender);
  if (tab.id === 'hparams') {
    box.replaceChildren();
    return renderHparams(view, dash, runs, view.openRun);
  }
  if (tab.id === 'embeddings') {
    box.replaceChildren();
    return renderEmbeddings(view, dash, view.projectorBox, runs);
  }
  box.replaceChildren(tagFilter(view.settings, rerender));
  if (tab.id === 'images') imageControls(box, dash, view.settings);
  view.redrawers = [];
  if (tab.id === 'histograms') {
    box.append(el('label', {}, [el('span', { text: t('board.mode') }),
      modeSelect(view.settings, () => view.redrawers.forEach((d) => d()))]));
  }
  const list = pairs(view.summary, runs, tab.kind, view.settings.tagFilter);
  dash.replaceChildren(...(list.length ? [] : [el('p', { class: 'hint', text: t('board.noTags') })]));
  return fillCards(view, tab, dash, list);
}
