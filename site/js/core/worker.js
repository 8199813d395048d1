/**
 * The Python worker: loads Pyodide, numpy and nnlab, then answers the protocol
 * (documented in protocol.js). All math happens in nnlab; this file only moves
 * messages and slices long calls so new messages (cancel) are read between chunks.
 *
 * A classic script (bundle/worker.js). Served, it reads the site's files over
 * HTTP. Opened from file://, the page made it from a blob: URL and sends the
 * files with 'init' and 'load' (params.files: path -> wrapped string, see
 * assets.js); they are answered from memory under a made-up base URL, so
 * Pyodide's own fetches of them work unchanged.
 */
import { decodeAsset } from './assets.js';
import { encodeValue, reply, transferables } from './protocol.js';

const IN_MEMORY = 'https://bundle.invalid/';
const PKG_DIR = '/home/pyodide/nnlab-pkg';
const SNAPSHOT = 'generated/pyodide-snapshot.bin.gz'; // site path, see buildsys/snapshot.py
const memory = new Map(); // URL under IN_MEMORY -> bytes
let ROOT = null; // the site root: bundle/worker.js's parent when served, IN_MEMORY offline
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

async function remember(files = {}) {
  await Promise.all(Object.entries(files).map(async ([path, text]) => memory.set(IN_MEMORY + path, await decodeAsset(text))));
}

/** Answer fetches under IN_MEMORY from memory; every other URL goes to the network as before. */
function answerFromMemory() {
  const network = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(IN_MEMORY)) return network(input, init);
    const bytes = memory.get(url.split(/[?#]/)[0]);
    if (!bytes) return new Response(`${url.slice(IN_MEMORY.length)} was not sent to the worker`, { status: 404 });
    return new Response(bytes, { headers: { 'Content-Type': url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
  };
}

function runScript(path) {
  const url = URL.createObjectURL(new Blob([memory.get(IN_MEMORY + path)], { type: 'text/javascript' }));
  try {
    importScripts(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The gzipped memory snapshot of a started interpreter (buildsys/snapshot.py) as bytes,
 * or null when this copy of the site has none or it cannot be read: Python then starts afresh.
 */
async function readSnapshot(open) {
  try {
    const res = await open();
    if (!res.ok) return null;
    return new Uint8Array(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  } catch {
    return null;
  }
}

/**
 * loadPyodide from the snapshot when there is one (about 3 s less here), else (or if it is
 * refused) afresh. Resolves with {pyodide, started: 'snapshot' | 'fresh'}.
 */
async function loadPython(options, snapshot) {
  const bytes = await snapshot;
  if (bytes) {
    try {
      return { pyodide: await self.loadPyodide({ ...options, _loadSnapshot: bytes }), started: 'snapshot' };
    } catch (err) {
      console.warn(`nnlab: starting from the snapshot failed (${err?.message ?? err}); starting Python afresh`);
    }
  }
  return { pyodide: await self.loadPyodide(options), started: 'fresh' };
}

async function startPyodide(params) {
  const options = { stdout: console.log, stderr: console.warn };
  const useSnapshot = params.snapshot !== false;
  if (!params.offline) {
    ROOT = new URL('../', self.location.href);
    const snapshot = useSnapshot ? readSnapshot(() => fetch(new URL(SNAPSHOT, ROOT))) : null; // in parallel
    importScripts(new URL('pyodide/pyodide.js', ROOT).href);
    return loadPython({ ...options, indexURL: new URL('pyodide/', ROOT).href }, snapshot);
  }
  ROOT = new URL(IN_MEMORY);
  await remember(params.files);
  answerFromMemory();
  runScript('pyodide/pyodide.js');
  runScript('pyodide/pyodide.asm.js'); // defines _createPyodideModule: loadPyodide then skips its own load
  const base = `${IN_MEMORY}pyodide/`;
  const snapshot = useSnapshot ? readSnapshot(() => fetch(IN_MEMORY + SNAPSHOT)) : null;
  return loadPython({ ...options, indexURL: base, lockFileURL: `${base}pyodide-lock.json`,
    stdLibURL: `${base}python_stdlib.zip` }, snapshot);
}

async function boot(id, params) {
  const stage = (name) => post(reply(id, 'progress', { stage: name }));
  stage('runtime');
  const { pyodide, started } = await startPyodide(params);
  stage('numpy');
  await pyodide.loadPackage(['numpy', ...(params.packages || [])], { messageCallback: () => {} });
  stage('nnlab');
  const res = await fetch(new URL('nnlab.zip', ROOT), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`nnlab.zip: HTTP ${res.status}`);
  pyodide.unpackArchive(await res.arrayBuffer(), 'zip', { extractDir: PKG_DIR });
  pyodide.pyimport('sys').path.insert(0, PKG_DIR);
  const server = pyodide.pyimport('nnlab.api').make_server(params.handlers || []); // extra tables, e.g. 'bench'
  runtime = { pyodide, server };
  const versions = pyodide.pyimport('nnlab.diag').versions(null).toJs({ dict_converter: Object.fromEntries });
  return { ...versions, started };
}

/** Rejects when the page's Content-Security-Policy refuses something here (Pyodide would wait for ever). */
function blockedByPolicy() {
  return new Promise((_, reject) => self.addEventListener('securitypolicyviolation', (e) => {
    reject(new Error(`the page's security policy refused ${e.effectiveDirective || e.violatedDirective}`));
  }, { once: true }));
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

let loading = Promise.resolve(); // the packages asked for so far: a call sent after a 'load' runs once it is done

self.onmessage = async ({ data: msg }) => {
  try {
    if (msg.type === 'init') {
      booting = booting || Promise.race([boot(msg.id, msg.params || {}), blockedByPolicy()]);
      post(reply(msg.id, 'result', await booting));
    } else if (msg.type === 'load') {
      const done = loading.then(async () => {
        await booting;
        await remember(msg.params.files);
        await runtime.pyodide.loadPackage(await wheelUrls(msg.params.packages), { messageCallback: () => {} });
      });
      loading = done.catch(() => {}); // a load that failed says so to its caller and blocks nothing after it
      await done;
      post(reply(msg.id, 'result', { loaded: msg.params.packages }));
    } else {
      if (msg.type !== 'cancel') await loading; // in order: after the packages the page asked for before this call
      if (!runtime) await booting;
      if (!runtime) throw new Error('send "init" before any other request');
      submit(msg);
    }
  } catch (err) {
    postError(msg.id, err);
  }
};
