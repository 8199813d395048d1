/**
 * The Playground's links to the other tools: "Log to Board" records the run in
 * Python (playground.log_*), the page appends the new bytes to the browser's
 * store (core/handoff.js) about once a second; "Open in Board", "Download
 * logdir" and "Open in Projector" (a hidden layer at every recorded epoch)
 * read from there. A run that never trained is not stored.
 */
import { download } from '../core/dom.js';
import { FROM_PLAYGROUND, answerRequests, appendLog, clearLogs, listLogs, putLayer, runCount } from '../core/handoff.js';
import { t } from '../core/i18n.js';

const FLUSH_MS = 1000;
const EVERY = 10; // histograms, image and activations every 10 epochs (scalars every epoch)

export class ToolsLink {
  constructor(py, ui) {
    Object.assign(this, { py, ui });
    this.on = false;
    this.pending = []; // chunks of a run that has not trained yet: stored once it has
    this.queue = Promise.resolve(); // writes to the store, in order
    this.layerSizes = [];
    ui('log-to-board').addEventListener('change', (e) => this.setLogging(e.target.checked));
    ui('open-in-board').addEventListener('click', () => this.openBoard());
    ui('download-logdir').addEventListener('click', () => this.download());
    ui('open-in-projector').addEventListener('click', () => this.openProjector());
    ui('clear-logs').addEventListener('click', () => this.clear());
    setInterval(() => { if (this.on) this.flush(); }, FLUSH_MS);
    answerRequests();
    this.showCount();
  }

  say(key, vars, kind = '') {
    const el = this.ui('handoff-status');
    el.textContent = key ? t(key, vars) : '';
    el.dataset.kind = kind;
  }

  async showCount() {
    const runs = await runCount().catch(() => 0);
    if (runs) this.say('pg.logged', { runs });
  }

  /** Store what Python logged since the last call (in order, whatever calls overlap). */
  flush(call = 'playground.log_take') {
    this.queue = this.queue.then(async () => {
      const out = await this.py.call(call);
      if (!out) return;
      this.pending.push(out.chunk.data);
      if (!out.epochs) return; // not trained yet: a reset now leaves nothing behind
      for (const chunk of this.pending.splice(0)) await appendLog(out.path, out.run, chunk);
      this.say('pg.logging', { run: out.run, epochs: out.epochs });
      this.ui('log-to-board').dataset.run = out.run;
    }).catch((err) => this.say('pg.error', { message: err.message }, 'error'));
    return this.queue;
  }

  async start() {
    this.pending = [];
    await this.queue;
    const number = (await runCount().catch(() => 0)) + 1;
    this.queue = this.py.call('playground.log_start', { number, every: EVERY })
      .then((out) => { this.pending.push(out.chunk.data); })
      .catch((err) => this.say('pg.error', { message: err.message }, 'error'));
    return this.queue;
  }

  async setLogging(on) {
    this.on = on;
    if (on) await this.start();
    else await this.flush('playground.log_stop');
  }

  /** Session hooks: a Reset ends the run being logged; the new network is a new run. */
  async beforeReset() {
    if (this.on) await this.flush('playground.log_stop');
  }

  async afterReset(layerSizes) {
    this.layerSizes = layerSizes;
    this.fillLayers();
    if (this.on) await this.start();
  }

  fillLayers() {
    const hidden = this.layerSizes.slice(1, -1);
    const sel = this.ui('layer-choice');
    sel.replaceChildren(...hidden.map((width, i) => new Option(t('pg.layerN', { n: i + 1, width }), String(i + 1))));
    sel.value = String(hidden.length); // the last hidden layer: where the classes come apart
    sel.disabled = !hidden.length;
  }

  /** Open another page of the site in a new tab, saying ?from=playground and the language. */
  openPage(page) {
    const url = new URL(page, location.href);
    url.searchParams.set('from', FROM_PLAYGROUND);
    url.searchParams.set('lang', globalThis.nnlabLang.get());
    if (!window.open(url.href, '_blank')) this.say('pg.popupBlocked', { page }, 'error');
  }

  async openBoard() {
    await this.flush();
    if (!(await listLogs()).length) return this.say('pg.nothingLogged', {}, 'error');
    this.openPage('board.html');
  }

  async download() {
    await this.flush();
    const logs = await listLogs();
    if (!logs.length) return this.say('pg.nothingLogged', {}, 'error');
    const files = {};
    for (const { path, file } of logs) files[path] = new Uint8Array(await file.arrayBuffer());
    const out = await this.py.call('playground.zip_logs', { files });
    download(out.filename, new Blob([out.data.data]), 'application/zip');
  }

  async openProjector() {
    if (this.layerSizes.length < 3) return this.say('pg.noHidden', {}, 'error');
    try {
      const out = await this.py.call('playground.layer_points', { layer: Number(this.ui('layer-choice').value) });
      await putLayer({ name: out.name, epochs: out.epochs, shape: out.vectors.shape, vectors: out.vectors.data,
        metadata: out.metadata });
      this.openPage('projector.html');
    } catch (err) {
      this.say('pg.error', { message: err.message }, 'error');
    }
  }

  async clear() {
    await this.queue;
    await clearLogs();
    this.say('pg.cleared');
    if (this.on) await this.start(); // the run being logged starts again as run 1
  }
}
