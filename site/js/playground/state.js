/**
 * The Playground's one state object and its URL-hash form. Keys follow
 * TensorFlow Playground's hash keys, so an existing Playground link opens the
 * same experiment; nnlab adds mcDataset (multi-class data) and loss.
 * Pure functions only: parseHash(hash) -> state, toHash(state) -> string.
 */

export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const FEATURES = ['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY'];
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

const bool = (def) => ({ type: 'bool', def });
const pick = (values, def) => ({ type: 'enum', values, def });
const int = (min, max, def) => ({ type: 'int', min, max, def });

/** The schema: every key, its type, range and default (TF Playground's defaults). */
export const PARAMS = Object.freeze({
  activation: pick(['relu', 'tanh', 'sigmoid', 'linear'], 'tanh'),
  regularization: pick(['none', 'L1', 'L2'], 'none'),
  batchSize: int(1, 30, 10),
  dataset: pick(['circle', 'xor', 'gauss', 'spiral'], 'circle'),
  regDataset: pick(['reg-plane', 'reg-gauss'], 'reg-plane'),
  mcDataset: pick(['blobs', 'spiral3'], 'blobs'),
  learningRate: pick(LEARNING_RATES, 0.03),
  regularizationRate: pick(REG_RATES, 0),
  noise: int(0, 80, 0),
  networkShape: { type: 'shape', def: [4, 2] },
  seed: { type: 'seed', def: '0' },
  showTestData: bool(false),
  discretize: bool(false),
  percTrainData: int(10, 90, 50),
  problem: pick(['classification', 'regression', 'multiclass'], 'classification'),
  loss: pick(['square', 'cross_entropy'], 'square'),
  ...Object.fromEntries(FEATURES.map((f) => [f, bool(f === 'x' || f === 'y')])),
});

export function defaults() {
  return Object.fromEntries(Object.entries(PARAMS).map(([k, p]) => [k, structuredClone(p.def)]));
}

function parseValue(spec, raw) {
  switch (spec.type) {
    case 'bool': return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'int': {
      const v = Number(raw);
      return Number.isFinite(v) ? Math.min(spec.max, Math.max(spec.min, Math.round(v))) : undefined;
    }
    case 'enum': {
      const v = spec.values.find((x) => String(x) === raw || (typeof x === 'number' && x === Number(raw)));
      return v;
    }
    case 'shape': {
      if (raw === '') return [];
      const v = raw.split(',').map(Number);
      if (v.some((n) => !Number.isInteger(n) || n < 1)) return undefined;
      return v.slice(0, MAX_LAYERS).map((n) => Math.min(MAX_NEURONS, n));
    }
    case 'seed': return /^[\w.-]{1,40}$/.test(raw) ? raw : undefined;
    default: return undefined;
  }
}

/** '#a=1&b=2' -> a full state (defaults for missing or invalid keys; unknown keys ignored). */
export function parseHash(hash) {
  const state = defaults();
  const params = new URLSearchParams(String(hash).replace(/^#/, ''));
  for (const [key, raw] of params) {
    if (!(key in PARAMS)) continue;
    const v = parseValue(PARAMS[key], raw);
    if (v !== undefined) state[key] = v;
  }
  return state;
}

/** state -> 'a=1&b=2' with every key, in schema order (stable, shareable). */
export function toHash(state) {
  return Object.keys(PARAMS).map((k) => {
    const v = state[k];
    const text = Array.isArray(v) ? v.join(',') : String(v);
    return `${k}=${encodeURIComponent(text).replace(/%2C/g, ',')}`;
  }).join('&');
}

/** A seed string -> a 32-bit integer for Python (digits are used as they are). */
export function seedNumber(seed) {
  if (/^\d{1,9}$/.test(seed)) return Number(seed);
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  return h;
}

/** The dataset key that applies to the current problem. */
export function datasetOf(state) {
  return { classification: state.dataset, regression: state.regDataset, multiclass: state.mcDataset }[state.problem];
}

/** The trainer config Python expects (nnlab.playground.trainer.Trainer). */
export function trainerConfig(state, points = null) {
  const loss = state.problem === 'multiclass' ? 'cross_entropy' : state.problem === 'regression' ? 'square' : state.loss;
  return {
    dataset: datasetOf(state), noise: state.noise, percTrainData: state.percTrainData,
    batchSize: state.batchSize, learningRate: state.learningRate, activation: state.activation,
    regularization: state.regularization, regularizationRate: state.regularizationRate,
    problem: state.problem, loss, networkShape: state.networkShape, seed: seedNumber(state.seed),
    features: FEATURES.filter((f) => state[f]), ...(points ? { points } : {}),
  };
}
