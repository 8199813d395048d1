/**
 * The Projector's one view-state object: which projection with which settings,
 * colour and label columns, search, neighbours, selection, the visible subset
 * and the shown coordinates. A bookmark is this object as JSON.
 * Pure functions only: defaults(), toJSON(state, dataset), fromJSON(data, n).
 * Controls are bound to it in controls.js; Python computes everything it shows.
 */

export const FORMAT = 'nnlab-projector-bookmark';
export const VERSION = 2;

const bool = (def) => ({ type: 'bool', def });
const pick = (values, def) => ({ type: 'enum', values, def });
const int = (min, max, def) => ({ type: 'int', min, max, def });
const text = () => ({ type: 'text', def: '' });
const indices = () => ({ type: 'indices', def: null });

/** Every field, its type, range and default (the Embedding Projector's defaults). */
export const FIELDS = Object.freeze({
  projection: pick(['pca', 'tsne', 'custom'], 'pca'),
  dims: pick([2, 3], 2),
  pcaX: int(0, 9, 0),
  pcaY: int(0, 9, 1),
  pcaZ: int(0, 9, 2),
  sphereize: bool(false),
  perplexity: int(2, 100, 30),
  learningRate: pick(['auto', '10', '100', '1000'], 'auto'),
  superviseColumn: text(),
  superviseWeight: int(0, 100, 0),
  customLeft: text(),
  customRight: text(),
  customUp: text(),
  customDown: text(),
  customRegex: bool(false),
  colorBy: int(-1, 1e6, -1), // a metadata column's index; -1: one colour
  labelBy: int(-1, 1e6, 0), // -1: the point's index
  searchQuery: text(),
  searchColumn: text(),
  searchRegex: bool(false),
  neighborK: int(5, 999, 100),
  neighborMetric: pick(['cosine', 'euclidean'], 'cosine'),
  selected: int(-1, 1e9, -1),
  isolated: indices(), // the points kept by Isolate, or null for all
  sample: indices(), // the points a sampled t-SNE placed, or null for all
  positions: { type: 'positions', def: null }, // {data: Float32Array n*dims, dims} shown now
  camera: { type: 'camera', def: null }, // the scatter's view when the state was saved
});

export function defaults() {
  return Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.def]));
}

/** The state as plain JSON-able data, a bookmark of `dataset` ({name, n}). */
export function toJSON(state, dataset) {
  const out = { format: FORMAT, version: VERSION, dataset: dataset.name, n: dataset.n };
  for (const [key, field] of Object.entries(FIELDS)) {
    const v = state[key];
    if (field.type === 'indices') out[key] = v ? Array.from(v) : null;
    else if (field.type === 'positions') out[key] = v ? { dims: v.dims, data: Array.from(v.data) } : null;
    else out[key] = v;
  }
  return out;
}

const finiteArray = (a) => Array.isArray(a) && a.every((x) => typeof x === 'number' && Number.isFinite(x));

function readField(field, v, n) {
  switch (field.type) {
    case 'bool': return typeof v === 'boolean' ? v : undefined;
    case 'enum': return field.values.find((x) => x === v || String(x) === String(v));
    case 'int': return Number.isInteger(v) && v >= field.min && v <= field.max ? v : undefined;
    case 'text': return typeof v === 'string' ? v.slice(0, 10_000) : undefined;
    case 'indices':
      if (v === null) return null;
      return finiteArray(v) && v.every((i) => Number.isInteger(i) && i >= 0 && i < n) ? Uint32Array.from(v) : undefined;
    case 'positions':
      if (v === null) return null;
      return v && [2, 3].includes(v.dims) && finiteArray(v.data) && v.data.length === n * v.dims
        ? { dims: v.dims, data: Float32Array.from(v.data) } : undefined;
    case 'camera':
      return v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))
        ? { ...v } : null;
    default: return undefined;
  }
}

/** A version 1 bookmark (before this object) in this object's terms. */
function fromVersion1(b) {
  return {
    ...b, searchQuery: b.search, colorBy: Number(b.colorBy), labelBy: Number(b.labelBy),
    positions: Array.isArray(b.positions) ? { dims: b.dims, data: b.positions } : b.positions,
  };
}

/**
 * A bookmark (parsed JSON) -> a full state for a dataset of `n` points. Missing or
 * invalid fields take their defaults; a bookmark of another format or size throws
 * an Error whose `reason` is 'format' or 'size'.
 */
export function fromJSON(data, n) {
  if (data?.format !== FORMAT || !Number.isInteger(data.version)) throw Object.assign(new Error('format'), { reason: 'format' });
  if (data.n !== n) throw Object.assign(new Error('size'), { reason: 'size', n: data.n });
  const b = data.version === 1 ? fromVersion1(data) : data;
  const state = defaults();
  for (const [key, field] of Object.entries(FIELDS)) {
    const v = readField(field, b[key], n);
    if (v !== undefined) state[key] = v;
  }
  if (state.selected >= n) state.selected = -1;
  return state;
}
