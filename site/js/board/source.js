/**
 * Where the logs come from, and feeding their bytes to Python.
 *
 * Three sources, one reader in the worker: `build.py serve --logdir` (an index
 * at logdir/index.json, files fetched with `Range: bytes=N-` so a reload reads
 * only what was appended), a picked folder or files, or a dropped folder.
 * The page remembers how many bytes of each file it has sent; Python keeps
 * any incomplete trailing record until the rest arrives.
 */
import { OFFLINE, siteFile } from '../core/assets.js';

const SLICE = 4 << 20; // bytes per board.feed call: one short, uninterruptible chunk in the worker
const PARTIAL_MS = 3000; // while a big logdir is read, the page shows what it has at most this often

/** The URL of a served log file, absolute (it is handed to the Projector's frame as well). */
export function logdirUrl(path) {
  return new URL(`logdir/${path.split('/').map(encodeURIComponent).join('/')}`, location.href).href;
}

/** The server's listing of event files, or null when the page is not served with --logdir. */
export async function serverIndex() {
  if (OFFLINE) return null; // opened from a folder: no server, and fetch is refused
  try {
    const res = await fetch('logdir/index.json', { cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') || '').includes('json')) return null;
    const list = await res.json();
    return Array.isArray(list) ? list : null;
  } catch {
    return null;
  }
}

/**
 * Built-in example logs from data/manifest.json (the build's examples stage writes it), as
 * [{name, title, logdir, files}] with `files` relative to `logdir`. Only entries that list their
 * event files (`event_files`) can be opened: a static host cannot list folders. [] when absent.
 */
export async function exampleManifest() {
  try {
    const res = await siteFile('data/manifest.json', { cache: 'no-store' });
    if (!res.ok) return [];
    const data = await res.json();
    return (Array.isArray(data?.examples) ? data.examples : [])
      .filter((ex) => ex && ex.logdir && Array.isArray(ex.event_files) && ex.event_files.length)
      .map((ex) => ({ name: String(ex.name), title: String(ex.title || ex.name), logdir: ex.logdir,
        files: [...ex.event_files, ...(Array.isArray(ex.projector_files) ? ex.projector_files : [])] }));
  } catch {
    return [];
  }
}

async function entryFiles(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((ok, fail) => entry.file(ok, fail));
    out.push({ path: prefix + entry.name, file });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) break;
      for (const e of batch) await entryFiles(e, `${prefix}${entry.name}/`, out);
    }
  }
}

/**
 * Files of a drop: [{path, file}] with paths relative to the dropped folder
 * (a single dropped folder is the log directory; loose files are run ".").
 */
export async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  const out = [];
  if (entries.length === 1 && entries[0].isDirectory) {
    await entryFiles(entries[0], '', out);
    const top = `${entries[0].name}/`;
    return out.map(({ path, file }) => ({ path: path.startsWith(top) ? path.slice(top.length) : path, file }));
  }
  if (entries.length) {
    for (const e of entries) await entryFiles(e, '', out);
    return out;
  }
  return [...dataTransfer.files].map((file) => ({ path: file.name, file }));
}

/** Files of an <input type=file>: paths relative to the picked folder (its own name dropped). */
export function pickedFiles(fileList) {
  return [...fileList].map((file) => {
    const rel = file.webkitRelativePath || file.name;
    const cut = rel.indexOf('/');
    return { path: cut >= 0 && file.webkitRelativePath ? rel.slice(cut + 1) : rel, file };
  });
}

/** Feeds a Python LogdirReader from the server or from File objects. */
export class LogSource {
  /**
   * @param {import('../core/client.js').PythonClient} client
   * @param {(p: {file: number, files: number, bytes: number, total: number, records: number}) => void} onProgress
   */
  constructor(client, onProgress) {
    this.client = client;
    this.onProgress = onProgress;
    this.sent = new Map(); // path -> bytes already sent to Python
    this.kind = null; // 'server' | 'files'
    this.ignored = 0;
    this.fedBytes = 0; // over the page's life: a reload that adds nothing changes nothing
    this.failed = []; // [{path, message}] of files that could not be read: the others still open
    this.entries = []; // every file of the log folder, [{path, file} | {path, url}]
    this.generation = 0; // one more at each reset: a read of an older source stops
    this.onPartial = null; // set by the page during a first read: show what is read so far
    this.lastPartial = 0;
  }

  /** After each file: let the page show the charts so far (the first file at once, then every PARTIAL_MS). */
  partial() {
    if (!this.onPartial) return;
    const now = performance.now();
    if (this.lastPartial && now - this.lastPartial < PARTIAL_MS) return;
    this.lastPartial = now;
    this.onPartial();
  }

  /** Forget everything (Python included) before opening another source. */
  async reset(kind) {
    this.generation += 1;
    this.lastPartial = 0;
    this.sent.clear();
    this.kind = kind;
    this.ignored = 0;
    this.failed = [];
    await this.client.call('board.reset');
  }

  async feed(path, bytes, state) {
    let at = 0;
    do { // an empty file is sent once too: it is a run, if an empty one
      const piece = bytes.slice(at, at + SLICE); // own buffer: postMessage would clone a view's whole buffer
      const res = await this.client.call('board.feed', { files: { [path]: piece } });
      this.sent.set(path, (this.sent.get(path) || 0) + piece.length);
      state.bytes += piece.length;
      this.fedBytes += piece.length;
      this.onProgress({ ...state, records: res.records });
      at += SLICE;
    } while (at < bytes.length);
  }

  /** The entries ({path, ...}) whose path names an event file: Python's rule (nnlab.events.discover). */
  async eventFiles(entries) {
    const { paths } = await this.client.call('board.event_files', { paths: entries.map((f) => f.path) });
    const keep = new Set(paths);
    return entries.filter((f) => keep.has(f.path));
  }

  /** Read from the server what is new since the last read; the first call reads everything. */
  async readServer(index) {
    // serve.py lists only event files, by the same Python rule: no round trip per reload to filter again
    const all = index || (await serverIndex()) || [];
    this.entries = all.map((f) => ({ path: f.path, url: logdirUrl(f.path) })); // for the EMBEDDINGS tab
    const list = all.filter((f) => f.event);
    const todo = list.filter((f) => f.size > (this.sent.get(f.path) || 0) || !this.sent.has(f.path));
    const state = { file: 0, files: todo.length, bytes: 0, total: todo.reduce((s, f) => s + f.size - (this.sent.get(f.path) || 0), 0) };
    this.failed = [];
    for (const f of todo) {
      state.file += 1;
      await this.guard(f.path, () => this.fetchNew(f.path, state));
      if (state.file < todo.length) this.partial();
    }
    return list.length;
  }

  async fetchNew(path, state) {
    const from = this.sent.get(path) || 0;
    const res = await fetch(logdirUrl(path), { cache: 'no-store', headers: from ? { Range: `bytes=${from}-` } : {} });
    if (res.status === 416) return;
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    let bytes = new Uint8Array(await res.arrayBuffer());
    if (from && res.status === 200) bytes = bytes.subarray(from); // the server ignored the range
    await this.feed(path, bytes, state);
  }

  /** Run one file's read; a file that fails (gone, unreadable) is listed in `failed`, the rest go on. */
  async guard(path, read) {
    try {
      await read();
    } catch (err) {
      this.failed.push({ path, message: err.message || String(err) });
    }
  }

  /** Read picked or dropped files ([{path, file}]); returns how many event files there were. */
  async readFiles(files) {
    const generation = this.generation;
    this.entries = files;
    const events = await this.eventFiles(files);
    this.ignored = files.length - events.length;
    const state = { file: 0, files: events.length, bytes: 0, total: events.reduce((s, f) => s + f.file.size, 0) };
    this.failed = [];
    for (const { path, file } of events) {
      if (generation !== this.generation) break; // another source was opened: stop feeding this one
      state.file += 1;
      await this.guard(path, async () => {
        for (let at = 0; (at === 0 || at < file.size) && generation === this.generation; at += SLICE) {
          await this.feed(path, new Uint8Array(await file.slice(at, at + SLICE).arrayBuffer()), state);
        }
      });
      if (state.file < events.length && generation === this.generation) this.partial();
    }
    return events.length;
  }
}
