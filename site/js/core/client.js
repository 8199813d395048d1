/**
 * Promise wrapper around the Python worker (protocol in protocol.js).
 *
 *   const py = new PythonClient();
 *   await py.init((p) => show(p.stage));
 *   const r = await py.call('diag.matmul', {n: 100}, {onProgress});
 */
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
  constructor(url = new URL('./worker.js', import.meta.url)) {
    this.worker = new Worker(url, { type: 'module' });
    this.nextId = 1;
    this.calls = new Map();
    this.worker.onmessage = ({ data }) => this.onReply(data);
    this.worker.onerror = (ev) => this.failAll(ev.message || 'the Python worker failed to start');
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
    this.worker.postMessage(request(id, type, params));
    promise.id = id;
    return promise;
  }

  /** Load Pyodide, numpy and nnlab; onProgress gets {stage}. Resolves with versions. */
  init(onProgress, packages = []) {
    this.ready = this.ready || this.call('init', { packages }, { onProgress });
    return this.ready;
  }

  /** Load extra Pyodide packages (e.g. 'scikit-learn') for pages that need them. */
  load(packages) {
    return this.call('load', { packages });
  }

  cancel(id) {
    return this.call('cancel', { id });
  }
}
