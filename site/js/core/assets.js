/**
 * The site's own files, served or from a folder.
 *
 * Served over http(s), a file is fetched as usual (HTTP and wasm caches apply).
 * Opened from file://, a page may not fetch anything, so the build wrote each
 * file as offline/<path>.js, a classic script that calls
 * `nnlabAsset(path, base64 of the gzipped bytes)` (buildsys/offline.py); it is
 * injected as a <script>, and its string is decoded here or handed as it is to
 * the worker, which decodes it the same way (decodeAsset).
 */

export const OFFLINE = location.protocol === 'file:';

const waiting = new Map(); // path -> [resolve, reject] of the script being loaded

function inject(src, onError) {
  const script = document.createElement('script');
  script.src = src;
  script.async = true;
  script.onerror = onError;
  script.onload = () => script.remove();
  document.head.append(script);
}

/** The wrapped string of one file (offline only); rejects when this copy of the site lacks it. */
export function wrappedAsset(path) {
  globalThis.nnlabAsset ??= (name, data) => { waiting.get(name)?.[0](data); waiting.delete(name); };
  return new Promise((resolve, reject) => {
    waiting.set(path, [resolve, reject]);
    inject(`offline/${path}.js`, () => {
      waiting.delete(path);
      reject(new Error(`${path} is not in this copy of the site (offline/${path}.js is missing)`));
    });
  });
}

/** base64 of gzipped bytes -> the bytes (also used inside the worker). */
export async function decodeAsset(text) {
  const packed = typeof Uint8Array.fromBase64 === 'function'
    ? Uint8Array.fromBase64(text)
    : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Which files the worker needs for Python and for each package ({core, packages}), offline only. */
export function offlineManifest() {
  return new Promise((resolve, reject) => {
    globalThis.nnlabOfflineManifest = resolve;
    inject('offline/manifest.js', () => reject(new Error('offline/manifest.js is missing: rebuild with build.py build')));
  });
}

/**
 * One of the site's files as a Response, served or offline.
 * @param {string} path relative to the site root, e.g. 'data/manifest.json'
 * @param {RequestInit} [init] fetch options (served only)
 */
export async function siteFile(path, init = {}) {
  if (!OFFLINE) return fetch(path, init);
  try {
    return new Response(await decodeAsset(await wrappedAsset(path)));
  } catch (err) {
    return new Response(err.message, { status: 404, statusText: 'Not Found' });
  }
}

/** fetch(url), except that a URL inside this site is read with siteFile (offline, fetch cannot). */
export function fetchUrl(url, init = {}) {
  const root = new URL('./', location.href).href;
  return OFFLINE && url.startsWith(root) ? siteFile(decodeURIComponent(url.slice(root.length).split(/[?#]/)[0]), init) : fetch(url, init);
}
