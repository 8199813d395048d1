/**
 * Promise wrapper around the Python worker (protocol in protocol.js).
 *
 *   const py = new PythonClient();
 *   await py.init((p) => show(p.stage));
 *   const r = await py.call('diag.matmul', {n: 100}, {onProgress});
 */
import { OFFLINE, decodeAsset, offlineManifest, wrappedAsset } from './assets.js';
import { decodeValue, request } from './protocol.js';

/** A Python exception (or worker failure) returned as an 'error' reply. */
export class PythonError extends Error {
  constructor({ message, type, traceback }) {
    super(message);
    this.name = 'PythonError';
    this.type = type;
    this.traceback = traceback;
  }
}

export class PythonClient {
  constructor() {
    this.nextId = 1;
    this.calls = new Map();
    this.sent = new Set(); // offline: files already handed to the worker
    this.started = this.start();
  }

  /** The worker: bundle/worker.js served, or the same script from a blob: URL offline (offline.md). */
  async start() {
    let worker;
    if (OFFLINE) {
      this.manifest = await offlineManifest();
      const source = await decodeAsset(await wrappedAsset('bundle/worker.js'));
      worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    } else {
      worker = new Worker('bundle/worker.js');
    }
    worker.onmessage = ({ data }) => this.onReply(data);
    worker.onerror = (ev) => this.failAll(ev.message || 'the Python worker failed to start');
    this.worker = worker;
  }

  onReply({ id, type, data }) {
    const call = this.calls.get(id);
    if (!call) return;
    if (type === 'progress') {
      call.onProgress?.(decodeValue(data));
      return;
    }
    this.calls.delete(id);
    if (type === 'result') call.resolve(decodeValue(data));
    else call.reject(new PythonError(data || { message: 'unknown error', type: 'Error' }));
  }

  failAll(message) {
    for (const call of this.calls.values()) call.reject(new PythonError({ message, type: 'WorkerError' }));
    this.calls.clear();
  }

  /**
   * Send one request; resolves with the result, rejects with PythonError.
   * The returned promise carries `.id` for cancel().
   */
  call(type, params = {}, { onProgress } = {}) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject, onProgress });
    });
    this.started.then(() => this.worker.postMessage(request(id, type, params)), (err) => {
      this.calls.get(id)?.reject(new PythonError({ message: err.message, type: 'WorkerError' }));
      this.calls.delete(id);
    });
    promise.id = id;
    return promise;
  }

  /** Offline: the wrapped files (path -> string) of `packages` not yet sent, with Python's own on the first call. */
  async offlineFiles(packages, core = false) {
    if (!OFFLINE) return undefined;
    await this.started;
    const { manifest } = this;
    const unknown = packages.filter((p) => !manifest.packages[p]);
    if (unknown.length) throw new Error(`not in this copy of the site: ${unknown.join(', ')}`);
    const paths = [...(core ? manifest.core : []), ...packages.flatMap((p) => manifest.packages[p])]
      .filter((p) => !this.sent.has(p));
    const files = {};
    await Promise.all([...new Set(paths)].map(async (p) => { files[p] = await wrappedAsset(p); }));
    Object.keys(files).forEach((p) => this.sent.add(p));
    return files;
  }

  /**
   * Load Pyodide, numpy and nnlab; onProgress gets {stage}. Resolves with versions.
   * A page opened with `?handlers=bench` also serves the benchmarks' requests (nnlab.benchmarks);
   * `?snapshot=off` starts Python without the memory snapshot (for benchmarks).
   */
  init(onProgress, packages = []) {
    const query = new URLSearchParams(location.search);
    const handlers = query.getAll('handlers');
    const snapshot = query.get('snapshot') !== 'off';
    this.ready = this.ready || this.offlineFiles(['numpy', ...packages], true)
      .then((files) => this.call('init', { packages, offline: OFFLINE, files, handlers, snapshot }, { onProgress }));
    return this.ready;
  }

  /** Load extra Pyodide packages (e.g. 'scikit-learn') for pages that need them. */
  async load(packages) {
    return this.call('load', { packages, files: await this.offlineFiles(packages) });
  }

  cancel(id) {
    return this.call('cancel', { id });
  }
}
