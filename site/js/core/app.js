/**
 * Start-up shared by every page: boot the Python worker, show its stages in the
 * page's loader (an element with data-testid="loader", if any) and set
 * body[data-status] to "loading", then "ready" or "error" (tests wait on it).
 */
import { PythonClient } from './client.js';
import { onLangChange, t } from './i18n.js';

const STAGES = ['runtime', 'numpy', 'nnlab'];

function renderLoader(el, state) {
  if (!el) return;
  const bar = el.querySelector('progress');
  const label = el.querySelector('[data-role="label"]');
  if (state.error) {
    label.textContent = t('loader.failed', { message: state.error });
    el.classList.add('failed');
  } else if (state.versions) {
    label.textContent = t('loader.ready', state.versions);
    bar.value = STAGES.length;
    el.classList.add('done');
  } else {
    label.textContent = t(`loader.${state.stage}`);
    bar.value = STAGES.indexOf(state.stage);
  }
}

/** Start Python for this page; resolves with the client once nnlab answers. */
export async function startPython({ packages = [] } = {}) {
  if (location.protocol === 'file:') return new Promise(() => {}); // fileguard.js explains
  document.body.dataset.status = 'loading';
  const loader = document.querySelector('[data-testid="loader"]');
  const state = { stage: 'runtime' };
  renderLoader(loader, state);
  onLangChange(() => renderLoader(loader, state));
  const client = new PythonClient();
  try {
    state.versions = await client.init((p) => {
      state.stage = p.stage;
      renderLoader(loader, state);
    }, packages);
  } catch (err) {
    state.error = err.message;
    renderLoader(loader, state);
    document.body.dataset.status = 'error';
    throw err;
  }
  renderLoader(loader, state);
  window.nnlab = Object.freeze({ client, versions: state.versions }); // for the console and tests
  document.body.dataset.status = 'ready';
  return client;
}
