/**
 * The SCALARS dashboard: controls (tag filter, split on underscores,
 * smoothing, horizontal axis, log y, ignore outliers) and one card per tag,
 * grouped by the tag’s prefix. Smoothing runs in Python, and so does cutting each series to the
 * points its chart draws (board.chart): the page holds per chart only what it draws.
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
    const cardOf = new WeakMap();
    // Only cards on screen (or about to be) are drawn: the others draw when they are scrolled to.
    this.observer = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => { for (const e of entries) cardOf.get(e.target)?.shown(e.isIntersecting); },
        { rootMargin: '300px 0px' })
      : null;
    const watch = this.observer ? (card) => { cardOf.set(card.root, card); this.observer.observe(card.root); } : undefined;
    // the charts' redraws share the frames' time; `full` gives every point of a series (downloads aside, only tests ask)
    this.env = { ...env, settings, enqueue: drawQueue(), watch, full: (run, tag) => this.series(run, tag) };
    this.settings = settings;
    this.cache = new Map(); // run \0 tag -> every point of a series (custom charts and content checks)
    this.cards = [];
    this.reloading = { busy: false, again: false };
  }

  /** Stop watching the cards shown so far (new ones are about to replace them). */
  unwatch() {
    this.observer?.disconnect();
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
    slider.addEventListener('input', () => { s.smoothing = Number(slider.value); value.textContent = s.smoothing.toFixed(3); this.reloadAll(); });
    const axis = el('select', { 'data-testid': 'x-axis' }, ['step', 'relative', 'wall'].map((a) =>
      el('option', { value: a, text: t(`board.axis.${a}`) })));
    axis.value = s.axis;
    axis.addEventListener('change', () => { s.axis = axis.value; this.reloadAll(); });
    const logY = el('input', { type: 'checkbox', 'data-testid': 'log-y' });
    logY.checked = s.logY;
    logY.addEventListener('change', () => { s.logY = logY.checked; this.reloadAll(); });
    const outliers = el('input', { type: 'checkbox', 'data-testid': 'ignore-outliers' });
    outliers.checked = s.ignoreOutliers;
    outliers.addEventListener('change', () => { s.ignoreOutliers = outliers.checked; this.reloadAll(); });
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
    this.unwatch();
    const sections = [...groups.keys()].sort(natural).map((g) => {
      const cards = groups.get(g).map((tag) => {
        const card = new ScalarCard(tag, this.env);
        card.reload = () => this.fill(card, byTag.get(tag), this.renders);
        return card;
      });
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
      await this.fill(card, byTag.get(card.tag), render);
    }
  }

  /**
   * Fetch a card's series, each cut in the worker to the points the card's columns draw
   * (nnlab.board.chart): one call per card. One unreadable series costs its own line, not the card.
   */
  async fill(card, runs, render) {
    const { smoothing, axis, logY } = this.settings;
    const geometry = card.geometry(runs.length * (smoothing > 0 ? 2 : 1));
    let r;
    try {
      r = await this.env.client.call('board.chart', { series: runs.map((run) => [run, card.tag]), smoothing, axis, log_y: logY, geometry });
    } catch (err) {
      if (render !== this.renders) return;
      card.setSeries([]);
      card.fail(runs.join(', '), err.message);
      return;
    }
    if (render !== this.renders) return;
    const series = [];
    const failed = [];
    r.series.forEach((s, i) => {
      if (s.error) failed.push([runs[i], s.error]);
      else series.push({ run: runs[i], tag: card.tag, points: s.points, steps: f64(s.steps), wall: f64(s.wall_times), values: f64(s.values), smoothed: f64(s.smoothed) });
    });
    card.geometryUsed = { ...geometry, smoothing, axis, log_y: logY }; // what the series were cut for (tests read it)
    card.setSeries(series, r.x);
    for (const [run, message] of failed) card.fail(run, message);
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

  /**
   * A setting changed (smoothing, axis, log, outliers): every card on screen fetches its series again,
   * the others when they are scrolled to; changes meanwhile coalesce into one more pass. data-smoothed
   * on the dashboard then says which weight every card on screen shows (tests and benchmarks wait on it).
   */
  async reloadAll() {
    if (this.reloading.busy) { this.reloading.again = true; return; }
    this.reloading.busy = true;
    try {
      do {
        this.reloading.again = false;
        const weight = this.settings.smoothing;
        for (const c of this.cards) c.outdated = !c.onScreen; // those off screen fetch theirs when shown
        for (const c of this.cards.filter((x) => x.onScreen)) {
          if (this.reloading.again) break; // the slider moved on: start again
          await c.refill();
        }
        if (!this.reloading.again && this.dash) this.dash.dataset.smoothed = String(weight);
      } while (this.reloading.again);
    } finally {
      this.reloading.busy = false;
    }
  }
}
