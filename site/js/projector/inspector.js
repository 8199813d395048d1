/**
 * The inspector: search over a metadata column, the selected point's nearest
 * neighbours in the original space, isolate / show all / clear. Labels and
 * metadata reach the page only through textContent.
 */
import { t } from '../core/i18n.js';

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

function neighborItem(app, index, distance) {
  const li = document.createElement('li');
  const name = document.createElement('span');
  name.textContent = app.label(index);
  const d = document.createElement('span');
  d.className = 'pj-distance';
  d.textContent = distance.toFixed(3);
  li.dataset.index = String(index);
  li.append(name, d);
  li.addEventListener('click', () => app.select(index));
  return li;
}

/** The inspector's actions, bound to the app. */
export function createInspector(app) {
  // What Python answered for the state's selection and search (the state itself is app.state).
  const sel = { index: -1, neighbors: [], matches: new Set(), searchToken: 0 };
  const isolateLabel = () => {
    const k = sel.index >= 0 ? sel.neighbors.length + 1 : sel.matches.size;
    $('isolate').textContent = t('pj.isolate', { n: k });
    $('isolate').disabled = k === 0;
  };
  const render = () => {
    $('selected').textContent = sel.index >= 0 ? app.label(sel.index) : '';
    $('neighbors').replaceChildren(...sel.neighbors.map(([i, d]) => neighborItem(app, i, d)));
    isolateLabel();
    app.refreshHighlight();
  };
  return {
    state: sel,
    /** Select point `index` (-1 clears) and list its neighbours. */
    async select(index) {
      sel.index = index;
      app.state.selected = index;
      sel.neighbors = [];
      render();
      if (index < 0) return;
      const { neighborK: k, neighborMetric: metric } = app.state;
      const res = await app.client.call('projector.neighbors', { index, k, metric });
      if (sel.index !== index) return;
      sel.neighbors = Array.from(res.indices.data, (i, j) => [i, res.distances.data[j]]);
      render();
    },
    async search() {
      const { searchQuery: query, searchColumn, searchRegex: regex } = app.state;
      const token = ++sel.searchToken;
      if (!query || !app.ds?.columns.length) {
        sel.matches = new Set();
        $('search-count').textContent = '0';
        render();
        return;
      }
      try {
        const res = await app.client.call('projector.search', {
          query, column: searchColumn || null, regex,
        });
        if (token !== sel.searchToken) return;
        sel.matches = new Set(res.indices.data);
        $('search-count').textContent = String(res.count);
        app.status('');
      } catch (err) {
        sel.matches = new Set();
        $('search-count').textContent = '0';
        app.status(err.message, true);
      }
      render();
    },
    /** Keep only the selection and its neighbours (or the search matches) visible. */
    isolate() {
      const keep = sel.index >= 0 ? [sel.index, ...sel.neighbors.map(([i]) => i)] : [...sel.matches];
      if (keep.length) app.setIsolated(Uint32Array.from(new Set(keep)));
    },
    clear() {
      sel.index = -1;
      app.state.selected = -1;
      sel.neighbors = [];
      sel.matches = new Set();
      app.state.searchQuery = '';
      $('search').value = '';
      $('search-count').textContent = '0';
      render();
    },
    render,
  };
}
