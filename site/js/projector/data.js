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

/**
 * Load params for embedding `which` of a config, reading its files with `read(path, asBytes)`.
 * Returns {params, embeddings, sprite}: params go to projector.load; embeddings
 * lists every tensor of the config; sprite is null or {image, dim, cols}.
 */
async function fromConfig(client, text, name, read, which = 0) {
  const { embeddings } = await client.call('projector.config', { text, name });
  const emb = embeddings[Math.min(which, embeddings.length - 1)];
  const params = { name: emb.tensor_name || emb.tensor_path };
  const path = emb.tensor_path;
  if (path.endsWith('.bytes')) {
    if (!emb.tensor_shape) throw new Error(`${name}: ${path} needs a tensorShape`);
    // Flat, with the shape beside it: the worker checks the byte count against
    // the shape and names the file (an array record's own shape would fail in numpy's reshape).
    params.vectors = bytesToFloats(await read(path, true), path);
    params.shape = emb.tensor_shape;
    params.vectors_name = path;
  } else {
    params.vectors = await read(path, false);
  }
  if (emb.metadata_path) {
    params.metadata = await read(emb.metadata_path, false);
    params.metadata_name = emb.metadata_path;
  }
  const names = embeddings.map((e) => e.tensor_name || e.tensor_path);
  const sprite = emb.sprite ? { path: emb.sprite.image_path, dim: emb.sprite.single_image_dim } : null;
  return { params, embeddings: names, sprite, read };
}

/** Decode the sprite of a fromConfig result for `n` loaded points (null without one). */
export async function loadSprite(source, n) {
  if (!source.sprite) return null;
  const { path, dim } = source.sprite;
  return readSprite(await source.read(path, true), path, dim, n);
}

/** Load a config by URL (built-in examples and ?config=): its paths are relative to it. */
export async function urlParams(client, configUrl, which = 0) {
  const get = async (url, asBytes) => {
    let res;
    try {
      res = await fetchUrl(url);
    } catch {
      throw new Error(t('pj.fetchFailed', { url }));
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return asBytes ? res.arrayBuffer() : res.text();
  };
  const text = await get(configUrl, false);
  return fromConfig(client, text, baseName(configUrl), (p, b) => get(new URL(p, configUrl).href, b), which);
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
  const byName = new Map(list.map((f) => [baseName(f.name), f]));
  const config = list.find((f) => /\.(json|pbtxt)$/i.test(f.name));
  if (config) {
    const read = (p, asBytes) => {
      const f = byName.get(baseName(p));
      if (!f) throw new Error(`${config.name} refers to ${p}: pick it together with the config`);
      return asBytes ? f.arrayBuffer() : f.text();
    };
    return fromConfig(client, await config.text(), config.name, read, which);
  }
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
