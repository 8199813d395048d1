/**
 * The built-in examples while `build.py serve` trains them in the background:
 * data/examples-status.json (written by buildsys/examples.py `Status`) is read
 * every few seconds until it says ready or failed, its line shown to the user.
 * A static host or a copied folder has no such file, or one that says ready:
 * it is read once (never from file://, where the examples are already built).
 */
import { OFFLINE, siteFile } from './assets.js';
import { onLangChange, t } from './i18n.js';

const POLL_MS = 2000;
const BUSY = new Set(['preparing', 'training']);

/** The line a page shows for a status ('' when nothing is being built). */
export function statusText(status) {
  if (!status || !BUSY.has(status.state)) return status?.state === 'failed' ? t('examples.failed') : '';
  if (status.state === 'preparing') return t('examples.preparing');
  return t('examples.training', { name: String(status.current ?? ''), n: Number(status.ready) + 1,
    total: Number(status.total) });
}

async function readStatus() {
  try {
    const res = await siteFile('data/examples-status.json', { cache: 'no-store' });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

/**
 * Show the examples' build status in `node` and call `onMore()` each time the manifest may list more.
 * @param {HTMLElement} node a status element (hidden while nothing is being built)
 * @param {() => void} onMore re-read data/manifest.json: another example is ready
 */
export function watchExamples(node, onMore) {
  if (OFFLINE) return;
  let status = null;
  const show = () => {
    node.textContent = statusText(status);
    node.hidden = !node.textContent;
    node.dataset.state = status?.state ?? 'none';
  };
  onLangChange(show);
  const tick = async () => {
    const now = await readStatus();
    const more = now && Number(now.ready) !== Number(status?.ready ?? -1); // the page's list may predate it
    status = now;
    show();
    if (more) onMore();
    if (status && BUSY.has(status.state)) setTimeout(tick, POLL_MS);
  };
  tick();
}
