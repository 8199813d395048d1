/**
 * The Board page: boot Python (with protobuf for rich records), open a log
 * source, then show the runs panel and the dashboard of the chosen tab.
 * Python reads and computes; this module only wires DOM events to calls.
 */
import { startPython } from '../core/app.js';
import { OFFLINE, siteFile } from '../core/assets.js';
import { onLangChange, t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { watchExamples } from '../core/examples.js';
import { fromPlayground, handedLogs, listLogs } from '../core/handoff.js';
import { renderDashboard, TABS } from './dashboards.js';
import { listEmbeddings } from './embeddings.js';
import { renderRuns, runColors, visibleRuns } from './runs.js';
import { ScalarsDashboard } from './scalars.js';
import { LogSource, droppedFiles, exampleManifest, pickedFiles, serverIndex } from './source.js';

const RELOAD_MS = 30_000; // TensorBoard's default reload interval
const root = document.querySelector('main.bd');
const ui = (id) => root.querySelector(`[data-testid="${id}"]`);

function showProgress(p) {
  const box = ui('parse-progress');
  box.hidden = false;
  box.querySelector('progress').value = p.total ? p.bytes / p.total : 1;
  box.querySelector('[data-role="label"]').textContent = t('board.progress', {
    file: p.file, files: p.files, mb: (p.bytes / 1e6).toFixed(1), total: (p.total / 1e6).toFixed(1), records: p.records.toLocaleString() });
}

function showSummary(view, files = view.fileCount) {
  const { summary } = view;
  view.fileCount = files; // kept so a language switch can re-render this line
  const status = ui('board-status');
  const runs = view.state.runs.length; // runs with events, and folders with embeddings only
  status.dataset.kind = runs ? 'ok' : 'error';
  const loaded = t('board.loaded', { runs, files, points: summary.points.toLocaleString() });
  ui('open-own').hidden = !view.example;
  const shown = view.origin === 'playground' ? t('board.showingPlayground', { loaded }) : loaded;
  status.textContent = runs
    ? (view.example ? t('board.showingExample', { title: view.example, loaded }) : shown)
    : t('board.noEvents');
  const lines = [...view.failed.map((f) => t('board.fileFailed', f)), ...summary.warnings,
    ...(view.embeddings?.failed || []).map((f) => t('board.embeddingFailed', f))];
  const list = ui('warnings');
  list.hidden = !lines.length;
  list.replaceChildren(...lines.map((w) => el('li', { text: w })));
}

/** A session's link in HPARAMS: the SCALARS tab showing that run only (the run filter, as a user would set it). */
function openRun(view, run) {
  view.state.runFilter = `^${run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  ui('run-filter').value = view.state.runFilter;
  view.tab = 'scalars';
  refresh(view);
}

function makeView(client) {
  const tooltip = ui('tooltip');
  const settings = { smoothing: 0.6, axis: 'step', logY: false, ignoreOutliers: true, tagFilter: '', split: false,
    brightness: 1, contrast: 100, actualSize: false, mode: 'offset',
    graph: { run: '', tag: '', meta: '', color: 'structure', search: '', expanded: new Set() } };
  const view = { client, tooltip, settings, tab: 'scalars', summary: null, token: 0, failed: [],
    entries: [], embeddings: null, projector: null, projectorBox: ui('embeddings-view'), example: null, opening: 0, picked: false,
    state: { runs: [], hidden: new Set(), runFilter: '', colors: new Map() },
    scalars: new ScalarsDashboard({ client, tooltip }, settings) };
  view.openRun = (run) => openRun(view, run);
  return view;
}

/** Redraw tabs, runs and the current dashboard from the last summary. */
function refresh(view) {
  if (!view.summary) return;
  const { state, summary } = view;
  renderRuns(ui('run-list'), state, () => refresh(view));
  const counts = Object.fromEntries(TABS.map(({ id, kind }) => [id,
    new Set(state.runs.flatMap((r) => Object.keys(summary.tags[r]?.[kind] || {}))).size]));
  ui('tabs').replaceChildren(...TABS.map(({ id }) => el('button', {
    type: 'button', role: 'tab', 'data-testid': `tab-${id}`, 'aria-selected': String(view.tab === id),
    class: counts[id] ? '' : 'empty', text: `${t(`board.tab.${id}`)} ${counts[id] ? `(${counts[id]})` : ''}`,
    onclick: () => { view.tab = id; refresh(view); } })));
  view.token += 1;
  root.dataset.tab = view.tab;
  if (view.tab !== 'embeddings') view.projectorBox.hidden = true; // kept, not removed: it holds a running Projector
  renderDashboard(view, ui('controls'), ui('dashboard'), visibleRuns(state), () => refresh(view));
}

/** Add each embedding to the summary's tags (for the tab's count) and its folder to the runs. */
function addEmbeddings(summary, embeddings) {
  const runs = [...summary.runs];
  for (const item of embeddings.items) {
    if (!runs.includes(item.run)) runs.push(item.run);
    summary.tags[item.run] ??= {};
    (summary.tags[item.run].embeddings ??= {})[item.name] = item.shape ? item.shape[0] : 0;
  }
  return runs;
}

async function afterRead(view, source, files) {
  view.summary = await view.client.call('board.summary');
  view.entries = source.entries;
  view.embeddings = await listEmbeddings(view.client, source.entries);
  view.state.runs = addEmbeddings(view.summary, view.embeddings);
  view.state.colors = runColors(view.summary.runs, view.state.colors);
  view.scalars.forget();
  showSummary(view, files);
  root.dataset.board = view.state.runs.length ? 'ready' : 'empty';
  refresh(view);
}

/**
 * While a first read goes on: the charts of what is read so far (data-board stays "loading"; the
 * complete read draws them again). One at a time; the reading goes on meanwhile.
 */
async function partial(view, source, generation) {
  if (view.partialBusy || view.tab === 'embeddings') return;
  view.partialBusy = true;
  try {
    const summary = await view.client.call('board.summary');
    if (generation !== source.generation || root.dataset.board !== 'loading') return;
    view.summary = summary;
    view.state.runs = [...summary.runs];
    view.state.colors = runColors(summary.runs, view.state.colors);
    view.scalars.forget();
    refresh(view);
  } catch { /* the complete read reports what went wrong */ } finally {
    view.partialBusy = false;
  }
}

async function open(view, source, read, reload = false) {
  const wasReady = reload && root.dataset.board === 'ready';
  const before = source.fedBytes;
  const generation = source.generation;
  root.dataset.board = 'loading';
  source.onPartial = reload ? null : () => partial(view, source, generation);
  try {
    const files = await read();
    source.onPartial = null;
    if (generation !== source.generation) return; // another folder was opened meanwhile: it is shown instead
    ui('parse-progress').hidden = true;
    view.failed = source.failed;
    if (wasReady && source.fedBytes === before) {
      root.dataset.board = 'ready'; // nothing appended: keep the charts as they are
      showSummary(view);
      return;
    }
    await afterRead(view, source, files);
  } catch (err) {
    source.onPartial = null;
    root.dataset.board = 'error';
    ui('board-status').dataset.kind = 'error';
    ui('board-status').textContent = t('board.readFailed', { message: err.message });
  }
}

function wireInputs(view, source) {
  // example: the built-in example's title, if it is one; auto: opened by the page, not by a click
  // origin: 'playground' for the runs the Playground logged (core/handoff.js)
  const openFiles = async (files, example = null, auto = false, origin = null) => {
    if (auto && view.picked) return; // the user opened something while the example was on its way
    if (!auto) view.picked = true;
    const mine = ++view.opening;
    await source.reset('files');
    if (mine !== view.opening) return; // opened again while Python was resetting: the newest wins
    // The Playground's runs read again keep their colours; anything else starts the palette afresh.
    if (origin === null || origin !== view.origin) view.state.colors = new Map();
    view.example = example;
    view.origin = origin;
    ui('reload').hidden = true;
    await open(view, source, () => source.readFiles(files));
  };
  for (const id of ['pick-folder', 'pick-files']) {
    ui(id).addEventListener('change', (e) => { if (e.target.files.length) openFiles(pickedFiles(e.target.files)); });
  }
  const zone = root;
  zone.addEventListener('dragover', (e) => { e.preventDefault(); root.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => root.classList.remove('dragging'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    root.classList.remove('dragging');
    openFiles(await droppedFiles(e.dataTransfer));
  });
  ui('run-filter').addEventListener('input', (e) => { view.state.runFilter = e.target.value; refresh(view); });
  ui('open-own').addEventListener('click', () => ui('pick-folder').click());
  return openFiles;
}

const FIRST_SIGHT = 'mnist_with_summaries'; // the built-in example the Board opens when no logdir is served

/** The built-in examples' buttons; returns a function that opens one. */
async function examples(openFiles) {
  const list = await exampleManifest();
  const open = async (ex, auto = false) => {
    const files = await Promise.all(ex.files.map(async (path) => {
      const res = await siteFile(`data/${ex.logdir}/${path}`);
      return { path, file: new File([await res.blob()], path.split('/').pop()) };
    }));
    await openFiles(files, ex.title, auto);
  };
  const box = ui('examples');
  const logged = await listLogs().catch(() => []);
  box.hidden = !list.length && !logged.length;
  box.replaceChildren(...list.map((ex) => el('button', { type: 'button', class: 'link', 'data-testid': 'example',
    text: ex.title, onclick: () => open(ex) })),
  ...(logged.length ? [el('button', { type: 'button', class: 'link', 'data-testid': 'playground-runs',
    text: t('board.playgroundRuns'), onclick: () => openPlayground(openFiles) })] : []));
  return { first: list.find((ex) => ex.name === FIRST_SIGHT), open };
}

/** The runs the Playground logged (board.html?from=playground, or the "Playground runs" button). */
async function openPlayground(openFiles) {
  const logs = await handedLogs();
  if (!logs.length) {
    root.dataset.board = 'empty';
    ui('board-status').dataset.kind = 'error';
    ui('board-status').textContent = t('board.noPlaygroundRuns');
    return;
  }
  await openFiles(logs.map(({ path, file }) => ({ path, file })), null, false, 'playground');
}

async function main() {
  const client = await startPython();
  await client.load(['protobuf']);
  const view = makeView(client);
  const source = new LogSource(client, showProgress);
  const openFiles = wireInputs(view, source);
  onLangChange((lang) => {
    if (view.summary) showSummary(view);
    refresh(view);
    view.projector?.post({ type: 'nnlab.lang', lang });
  });
  const index = fromPlayground() ? null : await serverIndex(); // "Open in Board" shows the Playground's runs
  if (index) {
    ui('reload').hidden = false;
    await source.reset('server');
    const reload = () => open(view, source, () => source.readServer(), true);
    ui('reload').addEventListener('click', reload);
    await open(view, source, () => source.readServer(index));
    setInterval(() => { if (root.dataset.board !== 'loading') reload(); }, RELOAD_MS);
  } else {
    ui('board-status').textContent = t(OFFLINE ? 'board.chooseLogsOffline' : 'board.chooseLogs');
    root.dataset.board = 'waiting'; // for logs from the picker or a drop
    let shown = fromPlayground(); // opened by the Playground's "Open in Board": its runs, not an example
    if (shown) {
      await openPlayground(openFiles);
      // Back from the Playground after more training: read its runs again.
      document.addEventListener('visibilitychange', () => {
        if (!document.hidden && view.origin === 'playground') openPlayground(openFiles);
      });
    }
    const offer = async () => { // the list again: `build.py serve` may have finished another example
      const built = await examples(openFiles);
      if (built.first && !shown) {
        shown = true;
        await built.open(built.first, true); // first sight: something to look at, and "Open your own logs"
      }
    };
    await offer();
    watchExamples(ui('examples-status'), offer);
  }
}

main();
