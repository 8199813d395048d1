/**
 * Bookmarks (the view state as JSON: projection, per-point coordinates,
 * selection, camera, colour and label columns) and a TSV export of the
 * projected coordinates.
 */
import { download } from '../core/dom.js';
import { t } from '../core/i18n.js';

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

/** The current view as a plain object. */
function snapshot(app) {
  const s = app.inspector.state;
  return {
    format: 'nnlab-projector-bookmark', version: 1, dataset: app.ds.name, n: app.ds.n,
    projection: app.tab, dims: app.positions.dims, positions: Array.from(app.positions.data),
    sample: app.sample ? Array.from(app.sample) : null, isolated: app.isolated ? Array.from(app.isolated) : null,
    selected: s.index, search: $('search').value, camera: app.scatter.getView(),
    colorBy: $('color-by').value, labelBy: $('label-by').value,
  };
}

/** Restore a snapshot made for the same dataset; throws with a readable message otherwise. */
function restore(app, b, name) {
  if (b?.format !== 'nnlab-projector-bookmark') throw new Error(t('pj.badBookmark', { name }));
  if (b.n !== app.ds.n) throw new Error(t('pj.bookmarkMismatch', { name, n: b.n, m: app.ds.n }));
  $('color-by').value = b.colorBy;
  $('label-by').value = b.labelBy;
  app.refreshColors();
  app.showPositions(Float32Array.from(b.positions), b.dims, null, b.dims);
  app.sample = b.sample ? Uint32Array.from(b.sample) : null;
  app.setIsolated(b.isolated ? Uint32Array.from(b.isolated) : null);
  app.scatter.setView(b.camera);
  $('search').value = b.search || '';
  app.inspector.search();
  if (b.selected >= 0) app.select(b.selected);
}

/** The projected coordinates as TSV (one row per visible point, with its label). */
function coordinatesTsv(app) {
  const { data, dims } = app.positions;
  const vis = app.visibleIndices() || Array.from({ length: app.ds.n }, (_, i) => i);
  const head = ['index', 'label', ...['x', 'y', 'z'].slice(0, dims)].join('\t');
  const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');
  const rows = Array.from(vis, (i) => [i, clean(app.label(i)), ...Array.from({ length: dims }, (_, d) => data[i * dims + d])].join('\t'));
  return `${head}\n${rows.join('\n')}\n`;
}

/** Wire the save, load and export buttons. */
export function bindBookmarks(app) {
  $('bookmark-save').addEventListener('click', () => {
    if (app.positions) download('projector-bookmark.json', JSON.stringify(snapshot(app)), 'application/json');
  });
  $('export-tsv').addEventListener('click', () => {
    if (app.positions) download(`projection-${app.tab}.tsv`, coordinatesTsv(app), 'text/tab-separated-values');
  });
  $('bookmark-load').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file || !app.ds) return;
    try {
      restore(app, JSON.parse(await file.text()), file.name);
    } catch (err) {
      app.status(err.message, true);
    }
  });
}
