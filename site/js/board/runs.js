/**
 * The runs panel: every run with its colour, a show/hide checkbox each and a
 * regex filter. It owns no data: it reads and writes `state.hidden` and
 * `state.runFilter`, then calls `onChange()`.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { PALETTE, userRegex } from './dom.js';

/** Colour of each run: TensorBoard's palette by the run's index among all runs. */
export function runColors(runs) {
  return new Map(runs.map((r, i) => [r, PALETTE[i % PALETTE.length]]));
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
  list.replaceChildren(...state.runs.map((run) => {
    const box = el('input', { type: 'checkbox', 'data-testid': 'run-toggle' });
    box.checked = !state.hidden.has(run);
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(run); else state.hidden.add(run);
      onChange();
    });
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = state.colors.get(run);
    const name = run === '.' ? t('board.rootRun') : run;
    const item = el('li', { 'data-testid': 'run-item', dataset: { run }, title: run },
      [el('label', {}, [box, swatch, el('span', { class: 'run-name', text: name })])]);
    item.hidden = Boolean(re && !re.test(run));
    return item;
  }));
}
