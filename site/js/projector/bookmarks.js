/**
 * Bookmarks (the page's state object, state.js, as JSON) and a TSV export of
 * the projected coordinates.
 */
import { download } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { fromJSON, toJSON } from './state.js';

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

/** Make `b` (parsed JSON of file `name`) the page's state; throws with a readable message when it does not fit. */
function restore(app, b, name) {
  let state;
  try {
    state = fromJSON(b, app.ds.n);
  } catch (err) {
    if (err.reason === 'size') throw new Error(t('pj.bookmarkMismatch', { name, n: err.n, m: app.ds.n }));
    throw new Error(t('pj.badBookmark', { name }));
  }
  if (!state.positions) throw new Error(t('pj.badBookmark', { name }));
  Object.assign(app.state, state);
  app.controls.sync();
  app.refreshColors();
  const { data, dims } = state.positions;
  app.showPositions(data, dims, null, dims);
  app.state.sample = state.sample;
  app.setIsolated(state.isolated);
  if (state.camera) app.scatter.setView(state.camera);
  app.inspector.search();
  app.select(state.selected);
}

/** The projected coordinates as TSV (one row per visible point, with its label). */
function coordinatesTsv(app) {
  const { data, dims } = app.state.positions;
  const vis = app.visibleIndices() || Array.from({ length: app.ds.n }, (_, i) => i);
  const head = ['index', 'label', ...['x', 'y', 'z'].slice(0, dims)].join('\t');
  const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');
  const rows = Array.from(vis, (i) => [i, clean(app.label(i)), ...Array.from({ length: dims }, (_, d) => data[i * dims + d])].join('\t'));
  return `${head}\n${rows.join('\n')}\n`;
}

/** Wire the save, load and export buttons. */
export function bindBookmarks(app) {
  $('bookmark-save').addEventListener('click', () => {
    if (!app.state.positions) return;
    app.state.camera = app.scatter.getView(); // the renderer owns the live camera: take it now
    download('projector-bookmark.json', JSON.stringify(toJSON(app.state, app.ds)), 'application/json');
  });
  $('export-tsv').addEventListener('click', () => {
    if (app.state.positions) download(`projection-${app.state.projection}.tsv`, coordinatesTsv(app), 'text/tab-separated-values');
  });
  $('bookmark-load').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file || !app.ds) return;
    try {
      restore(app, JSON.parse(await file.text()), file.name);
    } catch (err) {
      app.status(err instanceof SyntaxError ? t('pj.badBookmark', { name: file.name }) : err.message, true);
    }
  });
}
