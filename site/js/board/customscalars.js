/**
 * CUSTOM SCALARS: the layout runs store (TensorBoard's custom_scalars plugin; merged and matched
 * by nnlab.events.custom_scalars): a section per category, a multiline chart per regex chart
 * (every matching run and tag on one chart: TensorBoard #597) and a margin chart per band
 * (a value line over its lower..upper area). Cards are SCALARS cards, with its controls.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { PALETTE } from './dom.js';
import { ScalarCard } from './scalarcard.js';

const label = (s) => `${s.run === '.' ? t('board.rootRun') : s.run}: ${s.tag}`;
const byIndex = { colorOf: (s, i) => PALETTE[i % PALETTE.length], labelOf: label };

async function loadMultiline(view, card, chart, shown) {
  const out = [];
  const failed = [];
  for (const [run, tag] of chart.series.filter(([run]) => shown.has(run))) {
    try { out.push(await view.scalars.series(run, tag)); } catch (err) { failed.push([run, err.message]); }
  }
  card.setSeries(out);
  for (const [run, message] of failed) card.fail(run, message);
}

async function loadMargin(view, card, chart, shown) {
  const out = [];
  const failed = [];
  for (const run of chart.runs.filter((r) => shown.has(r))) {
    for (const m of chart.series) {
      try {
        const [value, lower, upper] = [await view.scalars.series(run, m.value), await view.scalars.series(run, m.lower),
          await view.scalars.series(run, m.upper)];
        const aligned = lower.values.length === value.values.length && upper.values.length === value.values.length;
        out.push({ ...value, band: aligned ? { lower: lower.values, upper: upper.values } : null });
      } catch (err) {
        failed.push([run, err.message]);
      }
    }
  }
  card.setSeries(out);
  for (const [run, message] of failed) card.fail(run, message);
}

/**
 * Show the tab (SCALARS' controls in `box`, the cards in `dash`).
 * @param {object} view the page's view (main.js)
 * @param {HTMLElement} box @param {HTMLElement} dash @param {string[]} runs visible runs
 * @param {() => void} rerender
 */
export async function renderCustomScalars(view, box, dash, runs, rerender) {
  const token = view.token;
  view.scalars.controls(box, rerender);
  const { categories } = await view.client.call('board.custom_scalars');
  if (token !== view.token) return;
  const shown = new Set(runs);
  const env = { ...view.scalars.env, colors: view.state.colors };
  view.scalars.unwatch();
  const jobs = [];
  const sections = categories.map((cat) => {
    const cards = cat.charts.map((chart) => {
      const card = new ScalarCard(chart.title, env, chart.kind === 'multiline' ? byIndex : { labelOf: label });
      card.root.dataset.chart = chart.kind;
      // whole series: the slider and axis controls only need them smoothed again (cached per weight)
      card.reload = () => (chart.kind === 'multiline' ? loadMultiline : loadMargin)(view, card, chart, shown);
      jobs.push([card, chart]);
      return card;
    });
    return el('details', { class: 'bd-group', open: !cat.closed, 'data-testid': 'custom-category', dataset: { category: cat.title } }, [
      el('summary', {}, [el('span', { text: cat.title }), el('span', { class: 'count', text: ` (${cards.length})` })]),
      el('div', { class: 'bd-grid' }, cards.map((c) => c.root))]);
  });
  dash.replaceChildren(...(sections.length ? sections : [el('p', { class: 'hint', text: t('board.customNone') })]));
  view.scalars.adopt(jobs.map(([card]) => card)); // the smoothing slider and axis controls redraw these cards
  for (const [card] of jobs) {
    if (token !== view.token) return;
    await card.reload();
  }
}
