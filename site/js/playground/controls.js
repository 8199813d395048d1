/**
 * Binds the Playground's form controls to the state object: every element with
 * data-key reads and writes state[key]; `onChange(key)` is called after a change.
 */
import { t } from '../core/i18n.js';
import { PARAMS } from './state.js';

const LABELS = {
  activation: { relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', linear: 'Linear' },
  regularization: { none: 'pg.none', L1: 'L1', L2: 'L2' },
  problem: { classification: 'pg.classification', regression: 'pg.regression', multiclass: 'pg.multiclass' },
  loss: { square: 'pg.squareLoss', cross_entropy: 'pg.crossEntropy' },
};

function optionText(key, value) {
  const label = LABELS[key]?.[value];
  return label ? (label.startsWith('pg.') ? t(label) : label) : String(value);
}

function fillSelect(select, key) {
  select.replaceChildren(...PARAMS[key].values.map((v) => {
    const opt = document.createElement('option');
    opt.value = String(v);
    opt.textContent = optionText(key, v);
    return opt;
  }));
}

function readControl(el, key) {
  if (el.type === 'checkbox') return el.checked;
  const spec = PARAMS[key];
  if (spec.type === 'enum') return spec.values.find((v) => String(v) === el.value);
  return Number(el.value);
}

export function bindControls(root, state, onChange) {
  const controls = [...root.querySelectorAll('[data-key]')];
  controls.forEach((el) => {
    const key = el.dataset.key;
    if (el.tagName === 'SELECT') fillSelect(el, key);
    el.addEventListener(el.type === 'range' ? 'input' : 'change', () => {
      state[key] = readControl(el, key);
      showValues(root, state);
      onChange(key);
    });
  });
  return {
    /** Push state values into the controls (after a reset or a hash change). */
    sync() {
      controls.forEach((el) => {
        const v = state[el.dataset.key];
        if (el.type === 'checkbox') el.checked = v;
        else el.value = String(v);
      });
      controls.filter((el) => el.dataset.key === 'loss').forEach((el) => {
        el.disabled = state.problem !== 'classification';
      });
      showValues(root, state);
    },
    relabel() {
      controls.filter((el) => el.tagName === 'SELECT').forEach((el) => {
        const v = el.value;
        fillSelect(el, el.dataset.key);
        el.value = v;
      });
    },
  };
}

function showValues(root, state) {
  root.querySelectorAll('[data-show]').forEach((el) => { el.textContent = String(state[el.dataset.show]); });
}

/** '000,123' like the anchor's epoch counter. */
export function formatEpoch(n) {
  const s = String(n).padStart(6, '0');
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
