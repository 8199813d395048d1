/**
 * The runs panel: every run with its colour, a show/hide checkbox each and a
 * regex filter. It owns no data: it reads and writes `state.hidden`, `state.runFilter`
 * and `state.colors` (a picked colour is also kept in localStorage), then calls `onChange()`.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { PALETTE, userRegex } from './dom.js';

const COLORS_KEY = 'nnlab.board.runColors'; // {run: '#rrggbb'}: the colours a user picked

function pickedColors() {
  try {
    const saved = JSON.parse(localStorage.getItem(COLORS_KEY) || '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch { // storage refused (private mode) or a damaged entry: the palette's colours
    return {};
  }
}

function pickColor(run, color) {
  const saved = { ...pickedColors(), [run]: color };
  try { localStorage.setItem(COLORS_KEY, JSON.stringify(saved)); } catch { /* kept for this page only */ }
}

/**
 * Colour of each run: the one the user picked (kept across reloads), else the one it had (`had`,
 * the same source read before: a run keeps its colour as runs are added), else the next of
 * TensorBoard's palette, in the order runs first appeared.
 */
export function runColors(runs, had = new Map()) {
  const saved = pickedColors();
  const valid = (c) => typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c);
  let next = had.size;
  return new Map(runs.map((r) => {
    const own = had.has(r) ? had.get(r) : PALETTE[next++ % PALETTE.length];
    return [r, valid(saved[r]) ? saved[r] : own];
  }));
}

/** Runs that pass the filter and are not hidden. */
export function visibleRuns(state) {
  const re = userRegex(state.runFilter);
  return state.runs.filter((r) => !state.hidden.has(r) && (!re || re.test(r)));
}

/**
 * Render the panel into `list`.
 * @param {HTMLElement} list the <ul data-testid="run-list">
 * @param {{runs: string[], hidden: Set<string>, runFilter: string, colors: Map}} state
 * @param {() => void} onChange
 */
export function renderRuns(list, state, onChange) {
  const re = userRegex(state.runFilter);
  list.replaceChildren(...state.runs.map((run, i) => {
    const box = el('input', { type: 'checkbox', 'data-testid': 'run-toggle', id: `bd-run-${i}`, 'aria-label': run });
    box.checked = !state.hidden.has(run);
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(run); else state.hidden.add(run);
      onChange();
    });
    const swatch = el('input', { type: 'color', class: 'swatch', 'data-testid': 'run-color', value: state.colors.get(run),
      title: t('board.runColor'), 'aria-label': t('board.runColor') });
    swatch.addEventListener('change', () => {
      state.colors.set(run, swatch.value);
      pickColor(run, swatch.value);
      onChange();
    });
    const name = run === '.' ? t('board.rootRun') : run;
    const item = el('li', { 'data-testid': 'run-item', dataset: { run }, title: run },
      [box, swatch, el('label', { for: `bd-run-${i}` }, [el('span', { class: 'run-name', text: name })])]);
    item.hidden = Boolean(re && !re.test(run));
    return item;
  }));
}
