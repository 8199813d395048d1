/**
 * The Playground's one state object and its URL-hash form.
 * The schema (keys, types, ranges, defaults) is py/nnlab/playground/schema.py,
 * generated into the site by the build: this module only reads hashes with it.
 * Pure functions only: parseHash(hash) -> state, toHash(state) -> string.
 */

import { SCHEMA } from '../../generated/playground-schema.js';

/** The schema: every key, its type, range and default (TF Playground's defaults). */
export const PARAMS = SCHEMA.params;
export const FEATURES = SCHEMA.features;
/** Which dataset key applies to which problem. */
export const DATASET_KEY = SCHEMA.datasetKey;
export const MAX_LAYERS = PARAMS.networkShape.max_layers;
export const MAX_NEURONS = PARAMS.networkShape.max_neurons;
const SEED = new RegExp(PARAMS.seed.pattern);

export function defaults() {
  return Object.fromEntries(Object.entries(PARAMS).map(([k, p]) => [k, structuredClone(p.default)]));
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
      return v.slice(0, spec.max_layers).map((n) => Math.min(spec.max_neurons, n));
    }
    case 'seed': return SEED.test(raw) ? raw : undefined;
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
  if (activeFeatures(state).length < SCHEMA.minFeatures) FEATURES.forEach((f) => { state[f] = PARAMS[f].default; });
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

/** The names of the features that are on. */
export function activeFeatures(state) {
  return FEATURES.filter((f) => state[f]);
}

/** Whether feature `name` may be switched (the last one on stays on: a network needs an input). */
export function canToggleFeature(state, name) {
  return !state[name] || activeFeatures(state).length > SCHEMA.minFeatures;
}

/** The dataset key that applies to the current problem. */
export function datasetOf(state) {
  return state[DATASET_KEY[state.problem]];
}

/** The trainer config Python expects (nnlab.playground.trainer.Trainer). */
export function trainerConfig(state, points = null) {
  const loss = state.problem === 'multiclass' ? 'cross_entropy' : state.problem === 'regression' ? 'square' : state.loss;
  return {
    dataset: datasetOf(state), noise: state.noise, percTrainData: state.percTrainData,
    batchSize: state.batchSize, learningRate: state.learningRate, activation: state.activation,
    regularization: state.regularization, regularizationRate: state.regularizationRate,
    problem: state.problem, loss, networkShape: state.networkShape, seed: seedNumber(state.seed),
    initZero: state.initZero,
    features: activeFeatures(state), ...(points ? { points } : {}),
  };
}
