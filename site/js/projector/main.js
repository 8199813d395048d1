/**
 * The Projector page: wires the data panel, the projection tabs and the
 * inspector to the worker (nnlab.projector) and the WebGL scatter. The view's
 * state is one object, `app.state` (state.js; a bookmark is that object); the
 * `app` made by createApp holds it and the page's runtime parts. Nothing is module-level.
 */
import { startPython } from '../core/app.js';
import { watchExamples } from '../core/examples.js';
import { fromPlayground } from '../core/handoff.js';
import { bindEpochs, playgroundSource, showEpochs } from './epochs.js';
import { onLangChange, t } from '../core/i18n.js';
import { Scatter } from '../render/scatter3.js';
import { attachOrbit } from '../render/orbit.js';
import { configFromQuery, fileParams, folderParams, listExamples, loadSprite, urlParams } from './data.js';
import { columnColors, highlight } from './colors.js';
import { createInspector } from './inspector.js';
import { createTsne, initPcaChoosers, runCustom, runPca } from './projections.js';
import { bindBookmarks } from './bookmarks.js';
import { bindControls } from './controls.js';
import { defaults } from './state.js';

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);
const MAX_LABELS = 12;
const FIRST_SIGHT = 'word2vec_optimized'; // the example shown when the page opens on nothing, as the anchor opens Word2Vec

/** Place `src` (rows of `stride`, for `indices` or every point) into an n*dims array. */
function spread(src, stride, indices, n, dims) {
  const out = new Float32Array(n * dims);
  const rows = indices ? indices.length : n;
  for (let k = 0; k < rows; k++) {
    const i = indices ? indices[k] : k;
    for (let d = 0; d < dims; d++) out[i * dims + d] = src[k * stride + d] || 0;
  }
  return out;
}

/** Fill the column choosers for a new dataset and pick the state's columns. */
function fillColumns(app) {
  const { ds, state } = app;
  const names = ds.columns.map((c) => c.name);
  const opts = (none) => [...(none ? [new Option(t('pj.none'), '-1')] : []), ...names.map((n, i) => new Option(n, String(i)))];
  $('color-by').replaceChildren(...opts(true));
  $('label-by').replaceChildren(...opts(true));
  $('search-column').replaceChildren(...names.map((n) => new Option(n, n)));
  $('supervise-column').replaceChildren(...names.map((n) => new Option(n, n)));
  const cat = ds.columns.findIndex((c) => c.categorical && c.unique > 1);
  const num = ds.columns.findIndex((c) => c.numeric && c.unique > 1);
  state.colorBy = cat >= 0 ? cat : num; // a category if any, else a numeric gradient
  state.labelBy = names.length ? 0 : -1;
  state.searchColumn = names[0] ?? '';
  state.superviseColumn = names[0] ?? '';
  app.controls.sync();
}

/** The app's view methods: positions, the visible subset and its readout. */
function addView(app, plot) {
  const { scatter } = app;
  const { state } = app;
  app.visibleIndices = () => {
    if (!state.isolated) return state.sample;
    if (!state.sample) return state.isolated;
    const inSample = new Set(state.sample);
    return state.isolated.filter((i) => inSample.has(i));
  };
  app.updateVisible = () => {
    const vis = app.visibleIndices();
    scatter.setVisible(vis);
    $('points-visible').textContent = String(vis ? vis.length : app.ds?.n ?? 0);
  };
  app.showPositions = (src, stride, indices, dims) => {
    const data = spread(src, stride, indices, app.ds.n, dims);
    state.positions = { data, dims };
    state.sample = indices;
    scatter.setPositions(data, app.ds.n, dims, { keepScale: app.keepScale });
    app.updateVisible();
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += Math.abs(data[i]);
    plot.dataset.checksum = sum.toPrecision(8); // a test hook: changes whenever positions do
    plot.dataset.dims = String(dims);
    app.refreshLabels();
  };
  app.setIsolated = (indices) => {
    state.isolated = indices;
    app.updateVisible();
  };
}

/** The app's colour and label methods (metadata colours, search and selection highlights). */
function addHighlights(app) {
  app.label = (i) => app.ds?.columns[app.state.labelBy]?.values[i] ?? String(i);
  app.refreshColors = () => {
    if (!app.ds) return;
    app.baseColors = columnColors(app.ds.n, app.ds.columns[app.state.colorBy] ?? null).rgb;
    app.refreshHighlight();
  };
  app.refreshLabels = () => {
    const s = app.inspector.state;
    const picks = [];
    if (s.index >= 0) picks.push({ index: s.index, strong: true });
    if (app.hovered >= 0) picks.push({ index: app.hovered, strong: true });
    s.neighbors.slice(0, MAX_LABELS).forEach(([i]) => picks.push({ index: i }));
    [...s.matches].slice(0, MAX_LABELS).forEach((i) => picks.push({ index: i }));
    app.scatter.setLabels(picks.map((p) => ({ ...p, text: app.label(p.index) })));
  };
  app.refreshHighlight = () => {
    if (!app.baseColors) return;
    const s = app.inspector.state;
    const keep = new Set([...s.matches, ...s.neighbors.map(([i]) => i)]);
    app.scatter.setColors(highlight(app.baseColors, keep, s.index));
    app.refreshLabels();
  };
}

/** Make the page's app object around a started client. */
function createApp(client) {
  const plot = $('plot');
  const scatter = new Scatter(plot);
  const app = { client, scatter, state: defaults(), ds: null, hovered: -1, baseColors: null, loads: 0, keepScale: false };
  app.status = (msg, isError = false) => { // '' shows the loaded dataset's summary
    $('pj-status').textContent = msg || (app.ds ? t('pj.loaded', app.ds) : '');
    $('pj-status').classList.toggle('error', isError);
  };
  addView(app, plot);
  addHighlights(app);
  app.select = (i) => app.inspector.select(i);
  app.inspector = createInspector(app);
  app.tsne = createTsne(app);
  app.project = () => guard(app, async () => {
    if (!app.ds) return;
    if (app.state.projection === 'pca') await runPca(app);
    else if (app.state.projection === 'custom') await runCustom(app);
    else if (app.tsne.active) app.tsne.resume();
    else await app.tsne.start();
  });
  attachOrbit(scatter, {
    onClick: (e) => app.select(scatter.pick(e.clientX, e.clientY)),
    onHover: (e) => {
      const i = scatter.pick(e.clientX, e.clientY);
      if (i !== app.hovered) {
        app.hovered = i;
        app.refreshLabels();
      }
    },
  });
  return app;
}

/** Run an async UI action, showing its error (a parser's message names the file and line). */
async function guard(app, fn) {
  try {
    await fn();
  } catch (err) {
    app.status(err.message, true);
  }
}

/** Show the config's tensors in the chooser (hidden when there is only one). */
function fillTensors(app, names, which) {
  const sel = $('tensor');
  sel.replaceChildren(...names.map((n, i) => new Option(n, String(i))));
  sel.value = String(which);
  sel.closest('label').hidden = names.length < 2;
}

/** Decode the sprite sheet after the vectors loaded; a bad sheet is reported, the data stays. */
async function applySprite(app, source) {
  app.scatter.setSprites(null);
  try {
    app.scatter.setSprites(await loadSprite(source, app.ds.n));
  } catch (err) {
    app.status(err.message, true);
  }
}

/**
 * Send a dataset to the worker; on success reset every view to it. `getSource(which)`
 * reads tensor `which` of the source (see data.js fromConfig); the tensor chooser re-calls it.
 */
async function loadDataset(app, getSource, which = 0, auto = false) {
  if (auto && app.loads) return; // the user opened data before the first-sight example came
  const token = ++app.loads;
  const current = () => token === app.loads; // a newer load (a pick, a drop, an example) replaces this one
  const main = document.querySelector('main.pj');
  try {
    app.status(t('pj.loading'));
    main.dataset.projector = 'loading';
    const source = await getSource(which);
    const { params } = source;
    const info = await app.client.call('projector.load', params,
      { onProgress: (p) => current() && app.status(t('pj.parsing', { done: p.done ?? '', total: p.total ?? '' })) });
    if (!current()) return;
    app.ds = info;
    app.reload = (k) => loadDataset(app, getSource, k);
    fillTensors(app, source.embeddings, which);
    app.state.isolated = null;
    app.tsne.reset();
    app.inspector.clear();
    fillColumns(app);
    showEpochs(app);
    app.refreshColors();
    app.status('');
    await app.project();
    await applySprite(app, source); // after project(): its status line would hide a sprite error
  } catch (err) { // a parser's message names the file and line; the dataset shown before stays
    if (current()) app.status(err.message, true);
  }
  if (current()) main.dataset.projector = app.ds ? 'ready' : 'error';
}

/** What each state field's edit does (eventType 'input' while typing or dragging, 'change' when done). */
function reactions(app) {
  const project = (_, type) => type === 'change' && app.project();
  const search = (_, type) => type === 'input' && app.inspector.search();
  return {
    projection: project, pcaX: project, pcaY: project, pcaZ: project, sphereize: project,
    dims: () => (app.state.projection === 'tsne' && app.tsne.active ? guard(app, app.tsne.start) : app.project()),
    perplexity: () => { $('perplexity-value').textContent = String(app.state.perplexity); },
    colorBy: (_, type) => type === 'change' && app.refreshColors(),
    labelBy: (_, type) => type === 'change' && app.refreshLabels(),
    superviseWeight: (_, type) => type === 'change' && guard(app, app.tsne.supervise),
    searchQuery: search, searchColumn: (_, type) => type === 'change' && app.inspector.search(),
    searchRegex: (_, type) => type === 'change' && app.inspector.search(),
  };
}

function bindButtons(app) {
  const on = (id, ev, fn) => $(id).addEventListener(ev, fn);
  on('tsne-run', 'click', () => guard(app, app.tsne.start));
  on('tsne-pause', 'click', () => app.tsne.togglePause());
  on('tsne-perturb', 'click', () => guard(app, app.tsne.perturb));
  on('custom-apply', 'click', () => app.project());
  on('isolate', 'click', () => app.inspector.isolate());
  on('show-all', 'click', () => app.setIsolated(null));
  on('clear-selection', 'click', () => app.inspector.clear());
  for (const id of ['pick-files', 'pick-folder']) {
    on(id, 'change', (e) => {
      const files = [...e.target.files];
      if (files.length) loadDataset(app, (k) => fileParams(app.client, files, k));
    });
  }
  on('tensor', 'change', () => app.reload?.(Number($('tensor').value)));
  const zone = document.querySelector('main.pj');
  zone.addEventListener('dragover', (e) => e.preventDefault());
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...e.dataTransfer.files];
    if (files.length) loadDataset(app, (k) => fileParams(app.client, files, k));
  });
}

async function showExamples(app) {
  const examples = await listExamples();
  $('examples').replaceChildren(...examples.map((ex) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = ex.name;
    b.dataset.example = ex.name;
    b.addEventListener('click', () => loadDataset(app, (k) => urlParams(app.client, ex.config, k)));
    return b;
  }));
  return examples;
}

/**
 * Inside the Board (an iframe of its EMBEDDINGS tab): no site header; the Board hands over a
 * log folder's files ({type: 'nnlab.open-embedding', entries: [{path, file | url}], config, which})
 * and the language. Messages from anything but the parent page are ignored.
 */
function embedInBoard(app) {
  if (window.parent === window) return;
  document.body.classList.add('embedded');
  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || !e.data || typeof e.data !== 'object') return;
    const { type, entries, config, which } = e.data;
    if (type === 'nnlab.open-embedding' && Array.isArray(entries) && typeof config === 'string') {
      loadDataset(app, (k) => folderParams(app.client, entries, config, k), Number(which) || 0);
    } else if (type === 'nnlab.lang') {
      globalThis.nnlabLang.set(e.data.lang);
    }
  });
  window.parent.postMessage({ type: 'nnlab.projector-ready' }, '*'); // file:// pages have an opaque origin
}

async function main() {
  const client = await startPython();
  // scipy (BLAS products, eigh, FFT) loads while the page is already usable and the first data
  // is fetched; the worker runs every later call after it (see core/protocol.js).
  client.load(['scipy']).catch((err) => { $('pj-status').textContent = t('pj.scipyFailed', { message: err.message }); });
  let app;
  try {
    app = createApp(client);
  } catch (err) { // no WebGL (disabled, or no GPU and no software fallback): say so instead of a blank tool
    document.querySelector('main.pj').dataset.projector = 'error';
    $('pj-status').textContent = t('pj.noWebgl', { message: err.message });
    $('pj-status').classList.add('error');
    return;
  }
  window.nnlabProjector = Object.freeze({ app }); // for tests and the console
  const react = reactions(app);
  app.controls = bindControls(app.state, (key, type) => react[key]?.(key, type));
  initPcaChoosers(app.state);
  app.controls.sync();
  bindButtons(app);
  bindBookmarks(app);
  app.inspector.render();
  app.project();
  onLangChange(() => {
    app.inspector.render();
    app.tsne.refresh();
    if (!$('pj-status').classList.contains('error')) app.status('');
    initPcaChoosers(app.state);
  });
  embedInBoard(app);
  bindEpochs(app);
  const config = configFromQuery();
  if (config) await loadDataset(app, (k) => urlParams(client, config, k)); // the standalone projector's ?config=URL
  else if (fromPlayground()) await loadDataset(app, playgroundSource); // the Playground's "Open in Projector"
  let shown = Boolean(config) || fromPlayground() || window.parent !== window; // embedded: the Board says what to open
  const offer = async () => { // the list again: `build.py serve` may have finished another example
    const first = (await showExamples(app)).find((ex) => ex.name === FIRST_SIGHT);
    if (first && !shown) {
      shown = true;
      await loadDataset(app, (k) => urlParams(client, first.config, k), 0, true);
    }
  };
  await offer();
  watchExamples($('examples-status'), offer);
  client.call('projector.warmup', {}).catch(() => {}); // imports scipy while the user picks a file
}

main();
