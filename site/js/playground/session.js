/**
 * One Playground session: the live trainer in the Python worker and the loop that
 * drives it. At most two requests in flight; each reply is drawn once; replies
 * that belong to a network since replaced (after Reset) are dropped.
 */
import { download } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { seedNumber, trainerConfig } from './state.js';

const FAST_BUDGET_MS = 30; // training time per fast-mode frame: a lot of epochs, and Pause still answers at once
// Heatmaps while playing are 50 x 50 (a quarter of the work, smoothed when drawn); paused, 100 x 100.
// A frame's map work grows with neurons x grid points: past BIG_NET hidden neurons (scenario B has
// 40, the largest net 48) playing uses 40 x 40, which keeps them at one epoch per frame.
const PLAY_RES = 50;
const BIG_PLAY_RES = 40;
const BIG_NET = 32;
const FULL_RES = 100;
const MAX_AHEAD = 4; // results in flight or waiting while playing, see requestIfRoom

/** Heatmap resolution while playing a net of these layer sizes. */
export function playResolution(layerSizes) {
  const hidden = layerSizes.slice(1, -1).reduce((a, b) => a + b, 0);
  return hidden > BIG_NET ? BIG_PLAY_RES : PLAY_RES;
}

export class Session {
  constructor(py, view, state, ui) {
    Object.assign(this, { py, view, state, ui });
    this.playing = false;
    this.inflight = 0; // requests sent and not answered yet
    this.waiting = []; // snapshots that arrived while playing, drawn one per frame
    this.generation = 0;
    this.points = null; // user points {x, y, label} replacing the generated data
    this.featureMaps = null;
  }

  /** Is Python still working on something we asked? */
  get busy() {
    return this.inflight > 0;
  }

  /** Count a request sent (+1) or answered (-1); the play button shows the count for tests. */
  track(delta) {
    this.inflight += delta;
    this.ui('play').dataset.inflight = String(this.inflight);
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
    this.waiting = []; // results of the network being replaced
    this.setPlaying(false);
    this.status(null);
    await this.tools?.beforeReset(); // the logged run ends with its network
    try {
      const out = await this.call('playground.create', { config: trainerConfig(this.state, this.points) });
      if (!out) return;
      await this.tools?.afterReset(out.snapshot.layer_sizes);
      this.view.layout(this.state, out.snapshot.layer_sizes, this.featureMaps);
      this.view.setData(out.data);
      this.show(out.snapshot);
      this.ui('network').dataset.shape = out.snapshot.layer_sizes.join('-');
      this.playRes = playResolution(out.snapshot.layer_sizes);
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

  /** The Step button: pause, then one epoch; clicks queue up, none is lost. */
  stepClicked() {
    this.setPlaying(false);
    this.queue = (this.queue || Promise.resolve()).then(() => this.step(1));
    return this.queue;
  }

  /** One manual step: train, then draw at full heatmap resolution. */
  async step(epochs) {
    this.track(1);
    try {
      const snap = await this.call('playground.step', { epochs, heatmaps: true, resolution: FULL_RES });
      if (snap) this.show(snap);
    } catch (err) {
      this.setPlaying(false);
      this.status('pg.error', { message: err.message });
    } finally {
      this.track(-1);
    }
  }

  /**
   * The play loop, once per animation frame: draw the oldest result that waits,
   * then keep Python busy (one epoch per frame, or a budget of epochs in fast mode).
   */
  frame() {
    if (this.waiting.length) this.show(this.waiting.shift());
    this.requestIfRoom();
    requestAnimationFrame(() => this.frame());
  }

  /**
   * Keep two steps queued in the worker, with at most MAX_AHEAD results in flight or
   * waiting. The second request is already in the worker's queue when the first
   * ends, so Python never idles while the page paints (with one at a time it did,
   * for about a frame per request). Results waiting to be drawn let the worker run
   * a frame or two ahead, so a moment without CPU for it (2 cores, 4 busy threads)
   * costs no frame; the cap keeps a fast engine at one epoch per frame, and a pause
   * leaves at most two answers to land.
   */
  requestIfRoom() {
    while (this.playing && this.inflight < 2 && this.inflight + this.waiting.length < MAX_AHEAD) this.request();
  }

  request() {
    const fast = this.ui('fast').checked;
    // Fast mode: Python trains for a time budget per frame instead of one epoch.
    const params = fast ? { epochs: 100000, budget_ms: FAST_BUDGET_MS } : { epochs: 1 };
    this.track(1);
    this.call('playground.step', { ...params, heatmaps: true, resolution: this.playRes || PLAY_RES }).then((snap) => {
      this.track(-1);
      if (snap && this.playing) this.waiting.push(snap);
      else if (snap) this.show(snap);
      this.requestIfRoom();
    }, (err) => {
      this.track(-1);
      this.setPlaying(false);
      this.status('pg.error', { message: err.message });
    });
  }

  setPlaying(on) {
    const wasPlaying = this.playing;
    this.playing = on;
    const play = this.ui('play');
    play.textContent = on ? '❚❚' : '▶';
    play.dataset.playing = String(on);
    if (wasPlaying && !on) {
      // Pausing shows the newest result now; the full-resolution redraw follows.
      const last = this.waiting.pop();
      this.waiting = [];
      if (last) this.show(last);
      this.refreshWhenIdle();
    }
  }

  /** After a pause, redraw once at full heatmap resolution (training stays where it is). */
  refreshWhenIdle() {
    const gen = this.generation;
    const retry = () => {
      if (gen !== this.generation || this.playing) return;
      if (this.busy) setTimeout(retry, 20);
      else this.step(0);
    };
    retry();
  }

  async edit(info, value) {
    const { kind, ...where } = info;
    const type = kind === 'bias' ? 'playground.set_bias' : 'playground.set_weight';
    const snap = await this.call(type, { ...where, value });
    if (snap) this.showNewest(snap);
  }

  /**
   * Show a reply to an edit made while playing. Results still waiting were computed
   * before the edit (the worker answers in order): drawing them next would undo it
   * on screen for a few frames.
   */
  showNewest(snap) {
    this.waiting = [];
    this.show(snap);
  }

  async regenerate() {
    const out = await this.call('playground.regenerate', { seed: seedNumber(this.state.seed) });
    if (out) {
      this.view.setData(out.data);
      this.showNewest(out.snapshot);
    }
  }

  async export(format) {
    const out = await this.py.call('playground.export', { format });
    const type = format === 'json' ? 'application/json' : 'text/x-python';
    download(out.filename, out.text, type);
    return out;
  }
}
