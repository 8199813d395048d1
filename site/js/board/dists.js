/** DISTRIBUTIONS and HISTOGRAMS cards, from board.histograms (computed in Python). */
import { t } from '../core/i18n.js';
import { drawDistribution, drawHistograms } from '../render/histchart.js';
import { f64, fmt } from './dom.js';
import { card } from './media.js';

/**
 * A distribution or histogram card; drawn once it is in the page.
 * @param {'distributions'|'histograms'} kind
 * @param {{mode: string}} settings histogram mode ('offset' | 'overlay')
 * @returns {{root: HTMLElement, draw: () => void}}
 */
export function histogramCard(kind, run, tag, data, colors, settings) {
  const canvas = document.createElement('canvas');
  canvas.className = 'chart';
  canvas.dataset.testid = 'chart';
  const steps = f64(data.steps);
  const root = card(kind, run, tag, colors, [canvas], steps.length);
  const color = colors.get(run);
  const draw = () => {
    if (kind === 'distributions') drawDistribution(canvas, steps, f64(data.distribution), color, fmt);
    else drawHistograms(canvas, f64(data.edges), f64(data.counts), steps, { mode: settings.mode, color, fmt });
  };
  return { root, draw };
}

/** The histogram mode selector (OFFSET / OVERLAY), as TensorBoard offers it. */
export function modeSelect(settings, onChange) {
  const select = document.createElement('select');
  select.dataset.testid = 'hist-mode';
  for (const m of ['offset', 'overlay']) {
    const o = document.createElement('option');
    o.value = m;
    o.textContent = t(`board.mode.${m}`);
    select.append(o);
  }
  select.value = settings.mode;
  select.addEventListener('change', () => { settings.mode = select.value; onChange(); });
  return select;
}
