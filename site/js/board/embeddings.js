/**
 * The EMBEDDINGS tab (TensorBoard's PROJECTOR): each run holding a projector_config.pbtxt
 * lists its embeddings; the chosen one opens in the full Projector, a projector.html in an
 * iframe kept beside the dashboard (moving an iframe would reload it), which gets the run's
 * files by postMessage. Python finds the configs and resolves them (nnlab.projector.runfolder).
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { entryReader, resolveConfig } from '../projector/data.js';

const runOf = (path) => path.split('/').slice(0, -1).join('/') || '.';
const under = (run) => (e) => run === '.' || e.path.startsWith(`${run}/`);

/**
 * Every embedding of the log folder: {items: [{run, config, which, name, shape, metadata, source}],
 * failed: [{run, config, message}]} (a config that cannot be read is reported, the others listed).
 */
export async function listEmbeddings(client, entries) {
  const { paths } = await client.call('board.embedding_configs', { paths: entries.map((e) => e.path) });
  const read = entryReader(entries, { byName: false }); // all runs' files: a name alone could be another run's
  const need = async (p) => {
    const buf = await read(p);
    if (buf === null) throw new Error(t('pj.missingFile', { config: p, path: p }));
    return buf;
  };
  const items = [];
  const failed = [];
  for (const config of paths) {
    const run = runOf(config);
    try {
      const list = await resolveConfig(client, config, need, read);
      list.forEach((emb, which) => items.push({ run, config, which, name: emb.tensor_name || emb.tensor_path,
        shape: emb.tensor_shape, metadata: emb.metadata_path, source: emb.checkpoint ? emb.checkpoint.data_path : emb.tensor_path }));
    } catch (err) {
      failed.push({ run, config, message: err.message || String(err) });
    }
  }
  return { items, failed };
}

/** The Projector iframe: created once, then told what to open (queued until it says it is ready). */
function projectorFrame(view, box) {
  if (view.projector) return view.projector;
  const lang = globalThis.nnlabLang.get();
  const frame = el('iframe', { src: `projector.html?embedded=1&lang=${lang}`, 'data-testid': 'projector-frame',
    title: t('board.tab.embeddings') });
  let ready;
  const isReady = new Promise((resolve) => { ready = resolve; });
  window.addEventListener('message', (e) => {
    if (e.source === frame.contentWindow && e.data?.type === 'nnlab.projector-ready') ready();
  });
  box.append(frame);
  const post = async (msg) => { await isReady; frame.contentWindow.postMessage(msg, '*'); };
  view.projector = { frame, post, shown: null };
  return view.projector;
}

function row(item, colors, onOpen) {
  const shape = item.shape ? item.shape.join(' × ') : '';
  const swatch = el('span', { class: 'swatch' });
  swatch.style.background = colors.get(item.run) || '#888'; // a style property: the CSP forbids style attributes
  return el('tr', { 'data-testid': 'embedding', dataset: { run: item.run, tag: item.name } }, [
    el('td', {}, [swatch, item.run === '.' ? t('board.rootRun') : item.run]),
    el('td', { text: item.name }), el('td', { text: shape }), el('td', { text: item.metadata || '—' }),
    el('td', { text: item.source }),
    el('td', {}, [el('button', { type: 'button', 'data-testid': 'embedding-open', text: t('board.openEmbedding'), onclick: onOpen })]),
  ]);
}

/**
 * Show the tab: the list of the visible runs' embeddings and the Projector with the chosen one.
 * @param {object} view the page's view (main.js): client, entries, embeddings, state, projector
 * @param {HTMLElement} dash the dashboard container (the list goes there)
 * @param {HTMLElement} box the container beside it that keeps the iframe
 * @param {string[]} runs visible runs
 */
export function renderEmbeddings(view, dash, box, runs) {
  const { items, failed } = view.embeddings || { items: [], failed: [] };
  const shown = new Set(runs);
  const visible = items.filter((i) => shown.has(i.run));
  const mark = (item) => dash.querySelectorAll('tr[data-testid="embedding"]').forEach((tr) => tr.classList.toggle('on',
    tr.dataset.run === item.run && tr.dataset.tag === item.name));
  const open = (item) => {
    const pj = projectorFrame(view, box);
    pj.shown = item;
    mark(item);
    const entries = view.entries.filter(under(item.run));
    pj.post({ type: 'nnlab.open-embedding', entries, config: item.config, which: item.which });
  };
  const head = ['board.run', 'board.embTensor', 'board.embShape', 'board.embMetadata', 'board.embSource', '']
    .map((k) => el('th', { text: k ? t(k) : '' }));
  const table = el('table', { class: 'bd-embeddings', 'data-testid': 'embeddings-list' }, [
    el('thead', {}, [el('tr', {}, head)]), el('tbody', {}, visible.map((i) => row(i, view.state.colors, () => open(i))))]);
  // a folder holding only a broken config is no run: its error shows whatever runs are shown
  const errors = failed.filter((f) => shown.has(f.run) || !view.state.runs.includes(f.run)).map((f) => el('p', { class: 'card-error', 'data-testid': 'embedding-error',
    text: t('board.embeddingFailed', f) }));
  dash.replaceChildren(...(visible.length ? [table] : [el('p', { class: 'hint', text: t('board.noEmbeddings') })]), ...errors);
  box.hidden = !visible.length;
  const keep = view.projector?.shown;
  const again = keep && visible.find((i) => i.config === keep.config && i.which === keep.which);
  if (again) mark(again); // already in the Projector: a re-render must not reload it
  else if (visible.length) open(visible[0]); // TensorBoard opens the first embedding
}
