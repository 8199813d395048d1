/**
 * The Projector's form controls bound to the state object (state.js): each
 * control, by data-testid, shows one field; an edit writes the field and calls
 * onChange(key, eventType). `sync()` writes the whole state back to the controls
 * (after a bookmark or a new dataset).
 */
import { FIELDS } from './state.js';

/** data-testid -> state field. */
export const CONTROLS = Object.freeze({
  'pca-x': 'pcaX', 'pca-y': 'pcaY', 'pca-z': 'pcaZ', sphereize: 'sphereize',
  perplexity: 'perplexity', 'learning-rate': 'learningRate',
  'supervise-column': 'superviseColumn', 'supervise-weight': 'superviseWeight',
  'custom-left': 'customLeft', 'custom-right': 'customRight', 'custom-up': 'customUp',
  'custom-down': 'customDown', 'custom-regex': 'customRegex',
  'color-by': 'colorBy', 'label-by': 'labelBy',
  search: 'searchQuery', 'search-column': 'searchColumn', 'search-regex': 'searchRegex',
  'neighbor-k': 'neighborK', 'neighbor-metric': 'neighborMetric',
});

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

function readControl(el, field, current) {
  if (el.type === 'checkbox') return el.checked;
  if (field.type === 'int') {
    const v = Math.round(Number(el.value));
    return Number.isFinite(v) ? Math.min(field.max, Math.max(field.min, v)) : current;
  }
  if (field.type === 'enum') return field.values.find((v) => String(v) === el.value) ?? current;
  return el.value;
}

/** Bind every control and the 2-D / 3-D choice to `state`; returns {sync}. */
export function bindControls(state, onChange) {
  const sync = () => {
    for (const [id, key] of Object.entries(CONTROLS)) {
      const el = $(id);
      if (el.type === 'checkbox') el.checked = state[key];
      else el.value = String(state[key]);
    }
    $(`dims-${state.dims}`).checked = true;
    $('perplexity-value').textContent = String(state.perplexity);
    document.querySelectorAll('.pj-tabs [data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === state.projection)));
    document.querySelectorAll('.pj-panel').forEach((p) => { p.hidden = p.dataset.panel !== state.projection; });
  };
  for (const [id, key] of Object.entries(CONTROLS)) {
    const el = $(id);
    const edited = (ev) => {
      state[key] = readControl(el, FIELDS[key], state[key]);
      onChange(key, ev.type);
    };
    el.addEventListener('input', edited);
    el.addEventListener('change', edited);
  }
  document.querySelectorAll('input[name="pj-dims"]').forEach((r) => r.addEventListener('change', () => {
    state.dims = Number(r.value);
    onChange('dims', 'change');
  }));
  document.querySelectorAll('.pj-tabs [data-tab]').forEach((b) => b.addEventListener('click', () => {
    state.projection = b.dataset.tab;
    sync();
    onChange('projection', 'change');
  }));
  return { sync };
}
