/**
 * One Playground session: the live trainer in the Python worker and the loop that
 * drives it. At most one request in flight; each reply is drawn once; replies
 * that belong to a network since replaced (after Reset) are dropped.
 */
import { t } from '../core/i18n.js';
import { seedNumber, trainerConfig } from './state.js';

const FAST_BUDGET_MS = 40; // one fast-mode call: long enough to train a lot, short enough to pause

export class Session {
  constructor(py, view, state, ui) {
    Object.assign(this, { py, view, state, ui });
    this.playing = false;
    this.busy = false;
    this.generation = 0;
    this.fastEpochs = 10;
    this.points = null; // user points {x, y, label} replacing the generated data
    this.featureMaps = null;
  }

  status(key, vars) {
    const el = this.ui('pg-status');
    el.textContent = key ? t(key, vars) : '';
    el.dataset.kind = key ? key.split('.').pop() : '';
  }

  async call(type, params) {
    const gen = this.generation;
    const out = await this.py.call(type, params);
    return gen === this.generation ? out : null;
  }

  async start() {
    const maps = await this.py.call('playground.feature_maps', { resolution: 50 });
    this.featureMaps = { data: maps.data, n: Math.round(Math.sqrt(maps.shape[1])) };
    await this.reset();
    requestAnimationFrame(() => this.frame());
  }

  async reset() {
    this.generation += 1;
    this.setPlaying(false);
    this.status(null);
    try {
      const out = await this.call('playground.create', { config: trainerConfig(this.state, this.points) });
      if (!out) return;
      this.view.layout(this.state, out.snapshot.layer_sizes, this.featureMaps);
      this.view.setData(out.data);
      this.show(out.snapshot);
      this.ui('network').dataset.shape = out.snapshot.layer_sizes.join('-');
    } catch (err) {
      this.status('pg.error', { message: err.message });
    }
  }

  show(snap) {
    this.view.render(snap, this.state);
    if (snap.diverged) {
      this.setPlaying(false);
      this.status('pg.diverged');
    }
  }

  async step(epochs) {
    this.busy = true;
    const t0 = performance.now();
    try {
      const snap = await this.call('playground.step', { epochs, heatmaps: true });
      if (snap) this.show(snap);
    } catch (err) {
      this.setPlaying(false);
      this.status('pg.error', { message: err.message });
    } finally {
      this.busy = false;
    }
    return performance.now() - t0;
  }

  async frame() {
    if (this.playing && !this.busy) {
      const fast = this.ui('fast').checked;
      const ms = await this.step(fast ? this.fastEpochs : 1);
      if (fast) {
        const next = Math.round(this.fastEpochs * FAST_BUDGET_MS / Math.max(ms, 1));
        this.fastEpochs = Math.max(1, Math.min(1000, next));
      }
    }
    requestAnimationFrame(() => this.frame());
  }

  setPlaying(on) {
    this.playing = on;
    const play = this.ui('play');
    play.textContent = on ? '❚❚' : '▶';
    play.dataset.playing = String(on);
  }

  async edit(info, value) {
    const { kind, ...where } = info;
    const type = kind === 'bias' ? 'playground.set_bias' : 'playground.set_weight';
    const snap = await this.call(type, { ...where, value });
    if (snap) this.show(snap);
  }

  async regenerate() {
    const out = await this.call('playground.regenerate', { seed: seedNumber(this.state.seed) });
    if (out) {
      this.view.setData(out.data);
      this.show(out.snapshot);
    }
  }

  async export(format) {
    const out = await this.py.call('playground.export', { format });
    const type = format === 'json' ? 'application/json' : 'text/x-python';
    const url = URL.createObjectURL(new Blob([out.text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = out.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return out;
  }
}
