/**
 * The PCA, t-SNE and custom tabs: each asks the worker for positions and hands
 * them to app.showPositions. t-SNE streams: one projector.tsne.step request in
 * flight at a time, ~30 ms of work each, the result drawn on the next frame.
 */
import { t } from '../core/i18n.js';

const STEP_BUDGET_MS = 30;
const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

/** Fill the X/Y/Z component choosers with the top 10 components, showing `state`'s choice. */
export function initPcaChoosers(state, variance = []) {
  ['pcaX', 'pcaY', 'pcaZ'].forEach((key, axis) => {
    const sel = $(['pca-x', 'pca-y', 'pca-z'][axis]);
    sel.replaceChildren(...Array.from({ length: 10 }, (_, k) => {
      const pct = variance[k] === undefined ? '' : ` (${(variance[k] * 100).toFixed(1)}%)`;
      const o = new Option(t('pj.component', { k: k + 1 }) + pct, String(k));
      return o;
    }));
    sel.value = String(state[key]);
  });
}

/** Run PCA on the chosen components and show it. */
export async function runPca(app) {
  const { state } = app;
  const components = [state.pcaX, state.pcaY, state.pcaZ];
  const res = await app.client.call('projector.pca', { components, sphereize: state.sphereize },
    { onProgress: (p) => app.status(t('pj.computing', { phase: p.phase || '' })) });
  initPcaChoosers(state, res.variance);
  const total = components.slice(0, state.dims).reduce((s, c) => s + (res.variance[c] || 0), 0);
  $('pca-variance').textContent = t('pj.variance', { pct: (total * 100).toFixed(1) });
  app.status('');
  app.showPositions(res.positions.data, 3, null, state.dims);
}

/** Run the custom projection from the four queries. */
export async function runCustom(app) {
  const s = app.state;
  const res = await app.client.call('projector.custom', {
    left: s.customLeft, right: s.customRight, up: s.customUp, down: s.customDown,
    column: s.searchColumn || null, regex: s.customRegex,
  });
  const c = res.counts;
  $('custom-counts').textContent = t('pj.customCounts', c);
  app.showPositions(res.positions.data, 2, null, 2);
}

/** The t-SNE controller: start, the per-frame step loop, pause, perturb. */
export function createTsne(app) {
  const run = { active: false, paused: false, inflight: false, indices: null, dims: 2, token: 0 };
  const show = (res) => {
    $('tsne-iteration').textContent = String(res.iteration);
    app.showPositions(res.positions.data, run.dims, run.indices, run.dims);
  };
  const buttons = () => {
    $('tsne-run').textContent = t(run.active ? 'pj.rerun' : 'pj.run');
    $('tsne-pause').textContent = t(run.paused ? 'pj.resume' : 'pj.pause');
    $('tsne-pause').disabled = !run.active;
    $('tsne-perturb').disabled = !run.active;
  };
  const busy = (on) => { // data-inflight: whether a step is being computed (a paused run ends at "0")
    run.inflight = on;
    $('tsne-pause').dataset.inflight = on ? '1' : '0';
  };
  const loop = async (token) => {
    if (token !== run.token || run.paused || run.inflight || app.state.projection !== 'tsne') return;
    busy(true);
    try {
      const res = await app.client.call('projector.tsne.step', { n: 1000, budget_ms: STEP_BUDGET_MS, kl: false });
      if (token === run.token) show(res);
    } catch (err) {
      app.status(err.message, true);
      run.paused = true;
      buttons();
    } finally {
      busy(false);
    }
    // ask again at once: the worker computes the next step while this frame draws (still one in flight)
    setTimeout(() => loop(token), 0);
  };
  const start = async () => {
    run.token += 1;
    const token = run.token;
    const s = app.state;
    run.dims = s.dims;
    while (run.inflight) await new Promise((r) => setTimeout(r, 10));
    const weight = s.superviseWeight / 100;
    const res = await app.client.call('projector.tsne.start', {
      dims: run.dims, perplexity: s.perplexity,
      learning_rate: s.learningRate === 'auto' ? 'auto' : Number(s.learningRate),
      supervise_column: weight > 0 ? s.superviseColumn : null, supervise_weight: weight,
    }, { onProgress: (p) => app.status(t('pj.computing', { phase: p.phase || '' })) });
    app.status('');
    run.indices = res.indices ? Uint32Array.from(res.indices.data) : null;
    $('tsne-note').textContent = res.sampled ? t('pj.sampled', { n: res.n, total: app.ds.n }) : '';
    run.active = true;
    run.paused = false;
    buttons();
    show(res);
    loop(token);
  };
  return {
    start,
    refresh: buttons, // the language changed: button texts depend on the run's state
    resume: () => run.active && !run.paused && loop(run.token),
    togglePause() {
      run.paused = !run.paused;
      buttons();
      if (!run.paused) loop(run.token);
    },
    async perturb() {
      const res = await app.client.call('projector.tsne.perturb', { scale: 0.05 });
      show(res);
    },
    async supervise() {
      if (!run.active) return;
      const s = app.state;
      await app.client.call('projector.tsne.supervise', { column: s.superviseColumn || null, weight: s.superviseWeight / 100 });
    },
    /** Forget the run (a new dataset). */
    reset() {
      run.token += 1;
      run.active = false;
      run.paused = false;
      $('tsne-iteration').textContent = '0';
      $('tsne-note').textContent = '';
      buttons();
    },
    get active() {
      return run.active;
    },
  };
}
