/**
 * TEXT, IMAGES and AUDIO cards. Text is shown through textContent only (a
 * summary holding HTML stays text); images and audio play from blob: URLs made
 * from the encoded bytes Python hands over.
 */
import { t } from '../core/i18n.js';
import { el } from '../core/dom.js';
import { markdownNode, markdownTable } from './markdown.js';
import { digest, digestsWanted } from './dom.js';

const runLabel = (run) => (run === '.' ? t('board.rootRun') : run);

/** A card frame shared by the media dashboards. */
export function card(kind, run, tag, colors, body, count) {
  const sw = el('span', { class: 'swatch' });
  sw.style.background = colors.get(run);
  return el('div', { class: `bd-card ${kind}`, 'data-testid': 'chart-card', dataset: { tag, run, kind } }, [
    el('div', { class: 'card-title', title: tag }, [el('span', { text: tag })]),
    el('div', { class: 'card-run' }, [sw, el('span', { text: runLabel(run) })]),
    ...body,
    el('div', { class: 'card-foot' }, [el('span', { class: 'points', 'data-testid': 'points-shown',
      dataset: { points: String(count) }, text: t('board.steps', { n: count }) })])]);
}

/** Set data-digest (sha256 of the steps as float64) on a card's step count, when tests want it. */
export async function stampSteps(node, steps) {
  if (!digestsWanted()) return;
  const foot = node.querySelector('[data-testid="points-shown"]');
  foot.dataset.digest = await digest(steps);
}

/** A card that says why a run's tag could not be shown; the other cards carry on. */
export function errorCard(kind, run, tag, colors, message) {
  return card(kind, run, tag, colors, [el('p', { class: 'card-error', 'data-testid': 'card-error',
    text: t('board.cardFailed', { message }) })], 0);
}

/** Text summaries of one run and tag: every step, newest first, as plain text. */
export function textCard(run, tag, data, colors) {
  const entries = data.items.map((item, i) => el('div', { class: 'text-entry', 'data-testid': 'text-entry' }, [
    el('div', { class: 'step', text: t('board.step', { step: data.steps.data[i] }) }),
    item.rows ? markdownTable(item.rows) : markdownNode(item.markdown ?? ''),
    ...(item.reduced ? [el('p', { class: 'hint', text: t('board.textReduced', { shape: item.shape.join(' × ') }) })] : []),
  ])).reverse();
  return card('text', run, tag, colors, [el('div', { class: 'text-list' }, entries)], data.items.length);
}

function mimeOf(bytes, fallback) {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  return fallback;
}

/** A step slider that calls `show(index)`, starting at the newest step. */
export function stepSlider(steps, show) {
  const label = el('span', { class: 'step', 'data-testid': 'step-label' });
  const slider = el('input', { type: 'range', min: '0', max: String(steps.length - 1), step: '1',
    value: String(steps.length - 1), 'data-testid': 'step-slider' });
  const update = () => {
    const i = Number(slider.value);
    label.textContent = t('board.step', { step: steps[i] });
    show(i);
  };
  slider.addEventListener('input', update);
  return { node: el('div', { class: 'step-row' }, [label, slider]), update };
}

/** One blob: URL at a time per element, revoked when replaced. */
function setBlob(node, attr, bytes, type) {
  if (node.dataset.url) URL.revokeObjectURL(node.dataset.url);
  const url = bytes ? URL.createObjectURL(new Blob([bytes], { type })) : '';
  node.dataset.url = url;
  if (url) node.setAttribute(attr, url); else node.removeAttribute(attr);
}

/** Image cards of one run and tag: one per sample index, each with a step slider. */
export function imageCards(run, tag, data, colors) {
  const samples = Math.max(1, ...data.items.map((it) => it.images.length));
  const steps = Array.from(data.steps.data);
  return Array.from({ length: samples }, (_, k) => {
    const img = el('img', { class: 'bd-image', 'data-testid': 'image', alt: `${tag} ${k + 1}` });
    const show = (i) => {
      const rec = data.items[i].images[k];
      setBlob(img, 'src', rec?.data, rec ? mimeOf(rec.data, 'image/png') : '');
    };
    const slider = stepSlider(steps, show);
    slider.update();
    const sample = el('div', { class: 'hint', text: t('board.sample', { i: k + 1, n: samples }) });
    return card('image', run, tag, colors, [slider.node, sample, el('div', { class: 'img-box' }, [img])], steps.length);
  });
}

/** Audio cards of one run and tag: a step slider and a player per clip index. */
export function audioCards(run, tag, data, colors) {
  const clips = Math.max(1, ...data.items.map((it) => it.clips.length));
  const steps = Array.from(data.steps.data);
  return Array.from({ length: clips }, (_, k) => {
    const player = el('audio', { controls: true, preload: 'none', 'data-testid': 'audio' });
    const label = el('div', { class: 'hint' });
    const show = (i) => {
      const item = data.items[i];
      setBlob(player, 'src', item.clips[k]?.data, item.content_type || 'audio/wav');
      label.textContent = item.labels[k] || '';
    };
    const slider = stepSlider(steps, show);
    slider.update();
    return card('audio', run, tag, colors, [slider.node, player, label], steps.length);
  });
}
