/**
 * The SCALARS dashboard: controls (tag filter, split on underscores,
 * smoothing, horizontal axis, log y, ignore outliers) and one card per tag,
 * grouped by the tag's prefix. Smoothing runs in Python (board.smooth).
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { drawQueue, f64, natural, userRegex } from './dom.js';
import { ScalarCard } from './scalarcard.js';

/** Group name of a tag: the part before the first '/' (or '/' or '_' when splitting on underscores). */
export function groupOf(tag, splitUnderscores) {
  return tag.split(splitUnderscores ? /[/_]/ : '/', 1)[0];
}

function control(labelKey, input) {
  return el('label', {}, [el('span', { text: t(labelKey) }), input]);
}

export class ScalarsDashboard {
  /**
   * @param {{client, tooltip: HTMLElement}} env
   * @param {{smoothing: number, axis: string, logY: boolean, ignoreOutliers: boolean, tagFilter: string, split: boolean}} settings
   */
  constructor(env, settings) {
    this.env = { ...env, settings, enqueue: drawQueue() }; // the charts' redraws share the frames' time
    this.settings = settings;
    this.cache = new Map(); // run \0 tag -> series
    this.cards = [];
    this.smoothing = { busy: false, again: false };
  }

  /** Build the controls into `box`. */
  controls(box, rerender) {
    const s = this.settings;
    const filter = el('input', { type: 'search', 'data-testid': 'tag-filter', placeholder: t('board.tagFilter'), value: s.tagFilter });
    filter.addEventListener('input', () => { s.tagFilter = filter.value; rerender(); });
    const split = el('input', { type: 'checkbox', 'data-testid': 'split-underscores' });
    split.checked = s.split;
    split.addEventListener('change', () => { s.split = split.checked; rerender(); });
    const value = el('output', { 'data-testid': 'smoothing-value', text: s.smoothing.toFixed(3) });
    const slider = el('input', { type: 'range', min: '0', max: '0.999', step: '0.001', value: String(s.smoothing), 'data-testid': 'smoothing' });
    slider.addEventListener('input', () => { s.smoothing = Number(slider.value); value.textContent = s.smoothing.toFixed(3); this.resmooth(); });
    const axis = el('select', { 'data-testid': 'x-axis' }, ['step', 'relative', 'wall'].map((a) =>
      el('option', { value: a, text: t(`board.axis.${a}`) })));
    axis.value = s.axis;
    axis.addEventListener('change', () => { s.axis = axis.value; this.invalidate(); });
    const logY = el('input', { type: 'checkbox', 'data-testid': 'log-y' });
    logY.checked = s.logY;
    logY.addEventListener('change', () => { s.logY = logY.checked; this.invalidate(); });
    const outliers = el('input', { type: 'checkbox', 'data-testid': 'ignore-outliers' });
    outliers.checked = s.ignoreOutliers;
    outliers.addEventListener('change', () => { s.ignoreOutliers = outliers.checked; this.invalidate(); });
    box.replaceChildren(
      control('board.tagFilter', filter),
      el('label', { class: 'toggle' }, [split, el('span', { text: t('board.split') })]),
      el('label', { class: 'slider' }, [el('span', { text: t('board.smoothing') }), slider, value]),
      control('board.axis', axis),
      el('label', { class: 'toggle' }, [logY, el('span', { text: t('board.logY') })]),
      el('label', { class: 'toggle' }, [outliers, el('span', { text: t('board.outliers') })]),
      el('span', { class: 'hint', text: t('board.allPoints') }));
  }

  /**
   * Rebuild the cards for the visible runs.
   * @param {HTMLElement} dash
   * @param {object} summary board.summary's result
   * @param {string[]} runs visible runs
   * @param {Map} colors
   */
  render(dash, summary, runs, colors) {
    this.env.colors = colors;
    this.dash = dash;
    const re = userRegex(this.settings.tagFilter);
    const byTag = new Map();
    for (const run of runs) {
      for (const tag of Object.keys(summary.tags[run]?.scalars || {})) {
        if (re && !re.test(tag)) continue;
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(run);
      }
    }
    const groups = new Map();
    for (const tag of [...byTag.keys()].sort(natural)) {
      const g = groupOf(tag, this.settings.split);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(tag);
    }
    this.cards = [];
    const sections = [...groups.keys()].sort(natural).map((g) => {
      const cards = groups.get(g).map((tag) => new ScalarCard(tag, this.env));
      this.cards.push(...cards);
      return el('details', { class: 'bd-group', open: true, 'data-testid': 'tag-group', dataset: { group: g } }, [
        el('summary', {}, [el('span', { text: g }), el('span', { class: 'count', text: ` (${cards.length})` })]),
        el('div', { class: 'bd-grid' }, cards.map((c) => c.root))]);
    });
    dash.replaceChildren(...(sections.length ? sections : [el('p', { class: 'hint', text: t('board.noTags') })]));
    this.renders = (this.renders || 0) + 1;
    return this.load(byTag, this.renders);
  }

  async load(byTag, render) {
    for (const card of this.cards) {
      if (render !== this.renders) return; // rendered again meanwhile (more of the logdir was read): stop
      const series = [];
      const failed = [];
      for (const run of byTag.get(card.tag)) {
        // One unreadable series costs its own line, not the cards after it.
        try { series.push(await this.series(run, card.tag)); } catch (err) { failed.push([run, err.message]); }
        if (render !== this.renders) return;
      }
      card.setSeries(series);
      for (const [run, message] of failed) card.fail(run, message);
    }
  }

  async series(run, tag) {
    const key = `${run}\u0000${tag}`;
    const have = this.cache.get(key);
    if (have && have.weight === this.settings.smoothing) return have;
    const r = await this.env.client.call('board.scalars', { run, tag, smoothing: this.settings.smoothing });
    const s = { run, tag, steps: f64(r.steps), wall: f64(r.wall_times), values: f64(r.values), smoothed: f64(r.smoothed), weight: this.settings.smoothing };
    this.cache.set(key, s);
    return s;
  }

  /** Cards shown by another tab (CUSTOM SCALARS) that these controls redraw. */
  adopt(cards) {
    this.cards = cards;
  }

  /** New data was read: drop cached series. */
  forget() {
    this.cache.clear();
  }

  invalidate() {
    for (const c of this.cards) c.invalidate();
  }

  /** Re-smooth every loaded series in Python; slider moves during a call coalesce into one more call. */
  async resmooth() {
    if (this.smoothing.busy) { this.smoothing.again = true; return; }
    this.smoothing.busy = true;
    try {
      do {
        this.smoothing.again = false;
        const weight = this.settings.smoothing;
        const list = [...this.cache.values()];
        const out = await this.env.client.call('board.smooth', { series: list.map((s) => [s.run, s.tag]), smoothing: weight });
        list.forEach((s, i) => { s.smoothed = f64(out[i]); s.weight = weight; });
        for (const c of this.cards) c.redraw();
        this.dash.dataset.smoothed = String(weight); // every card redrawn with it: tests and benchmarks wait on this
      } while (this.smoothing.again);
    } finally {
      this.smoothing.busy = false;
    }
  }
}
