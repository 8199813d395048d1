/**
 * Start-up shared by every page: boot the Python worker, show its stages in the
 * page's loader (an element with data-testid="loader", if any) and set
 * body[data-status] to "loading", then "ready" or "error" (tests wait on it).
 */
import { PythonClient } from './client.js';
import { onLangChange, t } from './i18n.js';

const STAGES = ['runtime', 'numpy', 'nnlab'];
const STALL_MS = 15_000; // a cold start takes 2-4 s on a slow laptop (bench/startup.py)

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
    label.textContent = t(state.stalled ? 'loader.stalled' : `loader.${state.stage}`, { seconds: STALL_MS / 1000 });
    bar.value = STAGES.indexOf(state.stage);
  }
}

/**
 * A page opened from a folder must keep a file dropped outside its drop zones:
 * the browser's default is to leave the page (and its work) for the file.
 */
function keepDroppedFiles() {
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());
}

/**
 * Say so when Python has not started after STALL_MS: a policy that blocks
 * WebAssembly, or too little memory, leaves Pyodide waiting for ever.
 */
function watchStart(loader, state) {
  const stalled = () => {
    if (state.versions || state.error) return;
    state.stalled = true;
    renderLoader(loader, state);
  };
  const timer = setTimeout(stalled, STALL_MS);
  document.addEventListener('securitypolicyviolation', (e) => {
    if (state.versions || state.error) return;
    state.error = t('loader.blocked', { what: e.blockedURI || e.violatedDirective });
    renderLoader(loader, state);
    document.body.dataset.status = 'error';
  });
  return () => clearTimeout(timer);
}

/** Start Python for this page; resolves with the client once nnlab answers. */
export async function startPython({ packages = [] } = {}) {
  document.body.dataset.status = 'loading';
  keepDroppedFiles();
  const loader = document.querySelector('[data-testid="loader"]');
  const state = { stage: 'runtime' };
  renderLoader(loader, state);
  onLangChange(() => renderLoader(loader, state));
  const stopWatch = watchStart(loader, state);
  const client = new PythonClient();
  try {
    state.versions = await client.init((p) => {
      state.stage = p.stage;
      performance.mark(`nnlab:${p.stage}`); // bench/startup.py reads where the start's time goes
      renderLoader(loader, state);
    }, packages);
    stopWatch();
  } catch (err) {
    state.error = err.message;
    renderLoader(loader, state);
    document.body.dataset.status = 'error';
    throw err;
  }
  renderLoader(loader, state);
  performance.mark('nnlab:ready');
  window.nnlab = Object.freeze({ client, versions: state.versions }); // for the console and tests
  document.body.dataset.status = 'ready';
  return client;
}
