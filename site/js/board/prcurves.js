/**
 * PR CURVES: one card per run and tag, precision against recall at the chosen step (a step
 * slider, newest first), and a tooltip with the nearest threshold's precision, recall and the
 * four counts, as TensorBoard's pr_curves dashboard shows them. Python sends the rows.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { UnitChart } from '../render/xychart.js';
import { card, stepSlider } from './media.js';

const ROWS = ['tp', 'fp', 'tn', 'fn', 'precision', 'recall'];
const num = (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

function tooltipRows(data, step, i) {
  const item = data.items[step];
  const value = (k) => item[k].data[i];
  return [['board.prThreshold', data.thresholds.data[i]], ...ROWS.map((k) => [`board.pr.${k}`, value(k)])]
    .map(([key, v]) => el('tr', {}, [el('th', { text: t(key) }), el('td', { text: num(v) })]));
}

/** The card of one run and tag. */
export function prCard(run, tag, data, colors) {
  const canvas = el('canvas', { class: 'pr-canvas', 'data-testid': 'pr-chart' });
  const tip = el('table', { class: 'pr-tip', 'data-testid': 'pr-tooltip', hidden: true });
  const chart = new UnitChart(canvas, { x: t('board.pr.recall'), y: t('board.pr.precision') });
  const color = colors.get(run);
  let step = data.items.length - 1;
  const line = () => ({ xs: data.items[step].recall.data, ys: data.items[step].precision.data, color });
  const slider = stepSlider(Array.from(data.steps.data), (i) => {
    step = i;
    tip.hidden = true;
    chart.draw([line()]);
  });
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const hit = chart.nearest(e.clientX - r.left, e.clientY - r.top);
    if (!hit) return;
    tip.replaceChildren(...tooltipRows(data, step, hit.index));
    tip.dataset.index = String(hit.index);
    tip.hidden = false;
    chart.draw([line()], { x: line().xs[hit.index], y: line().ys[hit.index], color });
  });
  canvas.addEventListener('mouseleave', () => { tip.hidden = true; chart.draw([line()]); });
  const node = card('pr', run, tag, colors, [slider.node, el('div', { class: 'pr-box' }, [canvas, tip])], data.items.length);
  return { node, draw: () => slider.update() };
}
