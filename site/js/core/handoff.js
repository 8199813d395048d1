/**
 * What the Playground hands to the Board and the Projector, kept in the browser
 * (IndexedDB) so either page can be reloaded, or opened later, and still find it.
 *
 * - store "logs": one record per event file of a logged Playground run,
 *   {path: "<run>/events.out.tfevents...", run, blob}; chunks are appended as training goes.
 * - store "layers": one record, key "current": {name, epochs, shape: [F, N, d],
 *   vectors: Float32Array (F*N*d), metadata: TSV text}, the hidden layer last opened.
 *
 * Chromium shares IndexedDB among file:// pages; Firefox gives each file:// page its own, so a
 * page that finds nothing stored asks the page that opened it (window.opener, by postMessage).
 */

const DB = 'nnlab-handoff';
const VERSION = 1;
export const FROM_PLAYGROUND = 'playground'; // board.html?from=playground, projector.html?from=playground

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('logs', { keyPath: 'path' });
      req.result.createObjectStore('layers');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function transact(store, mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      let out;
      Promise.resolve(fn(tx.objectStore(store))).then((v) => { out = v; });
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

/** Append `chunk` (Uint8Array) to the event file at `path` of run `run`. */
export function appendLog(path, run, chunk) {
  return transact('logs', 'readwrite', async (store) => {
    const old = await request(store.get(path));
    store.put({ path, run, blob: new Blob(old ? [old.blob, chunk] : [chunk]) });
  });
}

/** Every stored log file as [{path, file: File}], sorted by path. */
export async function listLogs() {
  const rows = await transact('logs', 'readonly', (store) => request(store.getAll()));
  return rows.sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((r) => ({ path: r.path, run: r.run, file: new File([r.blob], r.path.split('/').pop()) }));
}

/** How many runs are stored (the next run's number is this plus one). */
export async function runCount() {
  return new Set((await listLogs()).map((r) => r.run)).size;
}

export function clearLogs() {
  return transact('logs', 'readwrite', (store) => { store.clear(); });
}

/** Keep a hidden layer's points for the Projector (see the module comment). */
export function putLayer(layer) {
  return transact('layers', 'readwrite', (store) => { store.put(layer, 'current'); });
}

/** The hidden layer last opened, or null. */
export function getLayer() {
  return transact('layers', 'readonly', (store) => request(store.get('current'))).then((v) => v ?? null);
}

/** Was this page opened by the Playground's hand-off (?from=playground)? */
export function fromPlayground() {
  return new URL(location.href).searchParams.get('from') === FROM_PLAYGROUND;
}

const ASK = 'nnlab.handoff-request';
const ANSWER = 'nnlab.handoff';
const OPENER_WAIT_MS = 3000; // the Playground answers at once if it is still open

/** In the Playground: answer a page it opened that asks for the data (see the module comment). */
export function answerRequests() {
  window.addEventListener('message', async (e) => {
    if (!e.source || e.data?.type !== ASK) return;
    const data = e.data.what === 'layer' ? await getLayer() : await listLogs();
    e.source.postMessage({ type: ANSWER, what: e.data.what, data }, '*'); // file:// pages have opaque origins
  });
}

/** Ask the page that opened this one for 'logs' or the 'layer'; null when none answers. */
function askOpener(what) {
  if (!window.opener) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (v) => { window.removeEventListener('message', onMessage); clearTimeout(timer); resolve(v); };
    const onMessage = (e) => { if (e.source === window.opener && e.data?.type === ANSWER && e.data.what === what) done(e.data.data); };
    const timer = setTimeout(() => done(null), OPENER_WAIT_MS);
    window.addEventListener('message', onMessage);
    window.opener.postMessage({ type: ASK, what }, '*');
  });
}

/** The stored logs, else the opener's: [{path, run, file}]. */
export async function handedLogs() {
  const mine = await listLogs().catch(() => []);
  return mine.length ? mine : ((await askOpener('logs')) || []);
}

/** The stored layer, else the opener's, or null. */
export async function handedLayer() {
  return (await getLayer().catch(() => null)) || askOpener('layer');
}
