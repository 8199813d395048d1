/**
 * Getting a dataset into the worker: the built-in examples of data/manifest.json,
 * picked or dropped files (vectors TSV + optional metadata TSV, or a projector
 * config with its files, by URL for the examples and `?config=`). Python parses
 * and validates (labels and colours come from projector.load's columns); this
 * module only finds the files and decodes sprite sheets.
 */
import { fetchUrl, siteFile } from '../core/assets.js';
import { t } from '../core/i18n.js';

/** Built-in projector examples [{name, config}] (config URL) from data/manifest.json; [] when absent. */
export async function listExamples() {
  try {
    const res = await siteFile('data/manifest.json', { cache: 'no-store' });
    if (!res.ok) return [];
    const data = await res.json();
    return (Array.isArray(data?.examples) ? data.examples : [])
      .filter((e) => typeof e?.projector === 'string' && typeof e?.name === 'string')
      .map((e) => ({ name: e.name, config: new URL(`data/${e.projector}`, location.href).href }));
  } catch {
    return [];
  }
}

const baseName = (p) => p.split(/[\\/]/).pop();

/** Float32 vectors from a `.bytes` buffer (raw little-endian float32). */
function bytesToFloats(buf, name) {
  if (buf.byteLength % 4) throw new Error(`${name}: ${buf.byteLength} bytes is not a whole number of float32 values`);
  return new Float32Array(buf);
}

/** Decode a sprite sheet and check it holds `n` pictures of `dim` = [w, h]; throws a readable message. */
async function readSprite(buf, path, dim, n) {
  let image;
  try {
    image = await createImageBitmap(new Blob([buf]));
  } catch {
    throw new Error(t('pj.spriteBad', { path }));
  }
  const cols = Math.ceil(Math.sqrt(n));
  const [w, h] = dim;
  if (image.width < cols * w || image.height < Math.ceil(n / cols) * h) {
    throw new Error(t('pj.spriteSmall', { path, w: image.width, h: image.height, n, cw: w, ch: h }));
  }
  return { image, dim: [w, h], cols };
}

const MAX_ROUNDS = 4; // projector.resolve asks for the checkpoint file, then its index

/**
 * The embeddings of the config at `path`: Python resolves it (and a checkpoint it names),
 * asking for the files it needs; `read(p)` gives an ArrayBuffer or null when p is not there,
 * `need(p)` the config itself (or throws). See nnlab.projector.runfolder.
 */
export async function resolveConfig(client, path, need, read) {
  const text = new TextDecoder().decode(await need(path));
  const files = {};
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const res = await client.call('projector.resolve', { text, path, files });
    if (!res.need.length) return res.embeddings;
    for (const p of res.need) files[p] = await read(p).then((b) => (b === null ? null : new Uint8Array(b)));
  }
  throw new Error(`${path}: its checkpoint could not be found`);
}

/**
 * Load params for embedding `which` of the config at `path` (root-relative), reading files
 * with `read(path)` (an ArrayBuffer, or null when the file is not there). Python resolves the
 * config (and a checkpoint it names) and says which files to read. Returns {params,
 * embeddings, sprite, read}: params go to projector.load; embeddings lists every tensor's
 * name; sprite is null or {path, dim}. `missing(p)` is the message for a file that is not there.
 */
async function fromConfig(client, path, read, which = 0, missing = (p) => t('pj.missingFile', { config: path, path: p })) {
  const need = async (p) => {
    const buf = await read(p);
    if (buf === null) throw new Error(missing(p));
    return buf;
  };
  const embeddings = await resolveConfig(client, path, need, read);
  const emb = embeddings[Math.min(which, embeddings.length - 1)];
  const params = { name: emb.tensor_name || emb.tensor_path };
  if (emb.checkpoint) { // a checkpoint variable: only its bytes cross to the worker
    const { data_path: dataPath, variable } = emb.checkpoint;
    params.vectors = new Uint8Array((await need(dataPath)).slice(variable.offset, variable.offset + variable.size));
    params.variable = variable;
    params.vectors_name = dataPath;
  } else if (emb.tensor_path.endsWith('.bytes')) {
    if (!emb.tensor_shape) throw new Error(`${path}: ${emb.tensor_path} needs a tensorShape`);
    // Flat, with the shape beside it: the worker checks the byte count against
    // the shape and names the file (an array record's own shape would fail in numpy's reshape).
    params.vectors = bytesToFloats(await need(emb.tensor_path), emb.tensor_path);
    params.shape = emb.tensor_shape;
    params.vectors_name = emb.tensor_path;
  } else {
    params.vectors = new TextDecoder().decode(await need(emb.tensor_path));
    params.vectors_name = emb.tensor_path;
  }
  if (emb.metadata_path) {
    params.metadata = new TextDecoder().decode(await need(emb.metadata_path));
    params.metadata_name = emb.metadata_path;
  }
  const names = embeddings.map((e) => e.tensor_name || e.tensor_path);
  const sprite = emb.sprite ? { path: emb.sprite.image_path, dim: emb.sprite.single_image_dim } : null;
  return { params, embeddings: names, sprite, read: need };
}

/** Decode the sprite of a fromConfig result for `n` loaded points (null without one). */
export async function loadSprite(source, n) {
  if (!source.sprite) return null;
  const { path, dim } = source.sprite;
  return readSprite(await source.read(path), path, dim, n);
}

/** Load a config by URL (built-in examples and ?config=): its paths are relative to it. */
export async function urlParams(client, configUrl, which = 0) {
  const read = async (p) => {
    const url = new URL(p, configUrl).href;
    let res;
    try {
      res = await fetchUrl(url);
    } catch {
      throw new Error(t('pj.fetchFailed', { url }));
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.arrayBuffer();
  };
  return fromConfig(client, baseName(configUrl), read, which, (p) => `${new URL(p, configUrl).href}: HTTP 404`);
}

/**
 * A reader over [{path, file}] or [{path, url}] entries (a picked folder, or a log folder handed
 * over by the Board): a path is looked up as given, else (with `byName`) by its file name;
 * null when it is not there (a URL answering 404 included).
 */
export function entryReader(entries, { byName = true } = {}) {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const names = new Map(byName ? entries.map((e) => [baseName(e.path), e]) : []);
  return async (p) => {
    const e = byPath.get(p) || names.get(baseName(p));
    if (!e) return null;
    if (e.file) return e.file.arrayBuffer();
    const res = await fetchUrl(e.url, { cache: 'no-store' });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${e.url}: HTTP ${res.status}`);
    return res.arrayBuffer();
  };
}

/** Load params for embedding `which` of the config `path` among `entries` (see entryReader). */
export function folderParams(client, entries, path, which = 0) {
  return fromConfig(client, path, entryReader(entries), which);
}

/** The config URL named by the page's `?config=` parameter, resolved against the page; or null. */
export function configFromQuery(search = location.search) {
  const value = new URLSearchParams(search).get('config');
  if (!value) return null;
  try {
    return new URL(value, location.href).href;
  } catch {
    return null;
  }
}

/**
 * Load params for picked or dropped files (`which` picks a config's tensor); throws
 * with a readable message when they do not fit. Returns what fromConfig returns.
 */
export async function fileParams(client, files, which = 0) {
  const list = [...files];
  const entries = list.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const { path } = await client.call('projector.config_choice', { paths: entries.map((e) => e.path) });
  if (path) return folderParams(client, entries, path, which);
  const tsvs = list.filter((f) => !/\.bytes$/i.test(f.name));
  const heads = await Promise.all(tsvs.map((f) => f.slice(0, 4096).text()));
  const numeric = (await client.call('projector.classify', { heads })).vectors;
  const vectors = tsvs.filter((_, i) => numeric[i]);
  const meta = tsvs.filter((_, i) => !numeric[i]);
  const main = vectors[0] || tsvs.find((f) => !/meta/i.test(f.name)) || tsvs[0];
  if (!main) throw new Error('no vectors TSV among the files');
  const params = { vectors: await main.text(), name: main.name };
  const m = meta.find((f) => f !== main) || vectors.find((f) => f !== main);
  if (m) {
    params.metadata = await m.text();
    params.metadata_name = m.name;
  }
  return { params, embeddings: [params.name], sprite: null };
}
