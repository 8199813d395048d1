/**
 * The Python worker: loads Pyodide, numpy and nnlab, then answers the protocol
 * (documented in protocol.js). All math happens in nnlab; this file only moves
 * messages and slices long calls so new messages (cancel) are read between chunks.
 */
import { loadPyodide } from '../../pyodide/pyodide.mjs';
import { encodeValue, reply, transferables } from './protocol.js';

const ROOT = new URL('../../', import.meta.url);
const PKG_DIR = '/home/pyodide/nnlab-pkg';
let runtime = null;   // {pyodide, server} once 'init' finished
let booting = null;   // the promise of the running 'init'
const tick = new MessageChannel();
let tickQueued = false;

function post(msg) {
  self.postMessage(msg, transferables(msg.data));
}

function postError(id, err) {
  const type = err?.type || err?.name || 'Error';
  post(reply(id, 'error', { message: String(err?.message ?? err), type, traceback: String(err?.stack ?? '') }));
}

async function boot(id, params) {
  const stage = (name) => post(reply(id, 'progress', { stage: name }));
  stage('runtime');
  const pyodide = await loadPyodide({ indexURL: new URL('pyodide/', ROOT).href, stdout: console.log, stderr: console.warn });
  stage('numpy');
  await pyodide.loadPackage(['numpy', ...(params.packages || [])], { messageCallback: () => {} });
  stage('nnlab');
  const res = await fetch(new URL('nnlab.zip', ROOT), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`nnlab.zip: HTTP ${res.status}`);
  pyodide.unpackArchive(await res.arrayBuffer(), 'zip', { extractDir: PKG_DIR });
  pyodide.pyimport('sys').path.insert(0, PKG_DIR);
  const server = pyodide.pyimport('nnlab.api').make_server();
  runtime = { pyodide, server };
  return pyodide.pyimport('nnlab.diag').versions(null).toJs({ dict_converter: Object.fromEntries });
}

/** Names in Pyodide's lock load as they are; our extra pure-Python wheels load by URL. */
async function wheelUrls(names) {
  const res = await fetch(new URL('pyodide/nnlab-wheels.json', ROOT), { cache: 'no-cache' });
  const extra = res.ok ? await res.json() : {};
  return names.map((n) => (n in extra ? new URL(`pyodide/${extra[n]}`, ROOT).href : n));
}

function toJs(pyValue) {
  const value = pyValue.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  pyValue.destroy();
  return value;
}

function pump() {
  tickQueued = false;
  let replies;
  try {
    replies = toJs(runtime.server.tick());
  } catch (err) {
    return postError(null, err);
  }
  replies.forEach(post);
  if (runtime.server.busy) queueTick();
}

function queueTick() {
  if (!tickQueued) {
    tickQueued = true;
    tick.port2.postMessage(null);
  }
}
tick.port1.onmessage = pump;

function submit(msg) {
  const pyMsg = runtime.pyodide.toPy({ ...msg, params: encodeValue(msg.params || {}) });
  try {
    runtime.server.submit(pyMsg);
  } finally {
    pyMsg.destroy();
  }
  queueTick();
}

self.onmessage = async ({ data: msg }) => {
  try {
    if (msg.type === 'init') {
      booting = booting || boot(msg.id, msg.params || {});
      post(reply(msg.id, 'result', await booting));
    } else if (msg.type === 'load') {
      await booting;
      await runtime.pyodide.loadPackage(await wheelUrls(msg.params.packages), { messageCallback: () => {} });
      post(reply(msg.id, 'result', { loaded: msg.params.packages }));
    } else {
      if (!runtime) await booting;
      if (!runtime) throw new Error('send "init" before any other request');
      submit(msg);
    }
  } catch (err) {
    postError(msg.id, err);
  }
};
