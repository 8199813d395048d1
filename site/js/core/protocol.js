/**
 * The worker message protocol, JavaScript side (its twin is py/nnlab/protocol.py).
 *
 * Request  (page -> worker): {v: 1, id, type, params}
 * Replies  (worker -> page): {v: 1, id, type: 'progress' | 'result' | 'error', data}
 *   - any number of 'progress' replies, then exactly one 'result' or 'error';
 *   - error data: {message, type, traceback} (type is the Python exception class).
 *
 * Types the worker answers itself: 'init' (load Pyodide, numpy and nnlab; params
 * {packages, offline, files, handlers, snapshot}; progress data {stage: 'runtime' | 'numpy' | 'nnlab'};
 * handlers: names of extra tables of nnlab.api.EXTRA_TABLES, e.g. ['bench']; snapshot: false
 * starts Python without the build's memory snapshot; the result is nnlab.diag.versions plus
 * started: 'snapshot' | 'fresh'),
 * 'load' (params {packages: [...], files}, e.g. scikit-learn, loaded only by pages
 * that need it; every request sent after a 'load', but 'cancel', waits until it is done, so a
 * page may ask for a package without awaiting it). From a folder (offline: true) `files` carries the wrapped files
 * they need, path -> string (assets.js); served, it is absent. 'cancel' (params {id})
 * stops a running call, whose promise then rejects with type 'Cancelled'.
 * Every other type goes to nnlab.api.HANDLERS (plus the extra tables asked for).
 *
 * N-d arrays travel as {$nd: dtype, shape, data: TypedArray}; the client hands
 * them out as {dtype, shape, data}.
 */

export const PROTOCOL_VERSION = 1;

const DTYPES = new Map([
  [Float32Array, 'float32'], [Float64Array, 'float64'], [Int32Array, 'int32'],
  [Uint8Array, 'uint8'], [Int8Array, 'int8'], [Uint16Array, 'uint16'],
  [Int16Array, 'int16'], [Uint32Array, 'uint32'],
]);

function isNdArray(v) {
  return v && typeof v === 'object' && ArrayBuffer.isView(v.data) && Array.isArray(v.shape) && 'dtype' in v;
}

/** Page values -> protocol values: typed arrays and {dtype, shape, data} become array records. */
export function encodeValue(v) {
  if (ArrayBuffer.isView(v) && DTYPES.has(v.constructor)) {
    return { $nd: DTYPES.get(v.constructor), shape: [v.length], data: v };
  }
  if (isNdArray(v)) return { $nd: v.dtype, shape: v.shape, data: v.data };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  }
  return v;
}

/** Protocol values -> page values: array records become {dtype, shape, data}. */
export function decodeValue(v) {
  if (v && typeof v === 'object' && '$nd' in v) return { dtype: v.$nd, shape: v.shape, data: v.data };
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeValue(x)]));
  }
  return v;
}

/** The ArrayBuffers inside a value, to transfer instead of copy. */
export function transferables(v, out = new Set()) {
  if (ArrayBuffer.isView(v)) out.add(v.buffer);
  else if (Array.isArray(v)) v.forEach((x) => transferables(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => transferables(x, out));
  return [...out];
}

export function request(id, type, params = {}) {
  return { v: PROTOCOL_VERSION, id, type, params };
}

export function reply(id, type, data) {
  return { v: PROTOCOL_VERSION, id, type, data };
}
