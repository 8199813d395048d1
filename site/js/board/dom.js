/**
 * Small DOM and data helpers of the Board (site-wide ones are in core/dom.js).
 * Data strings (tags, runs, text) only ever reach the page through textContent.
 */

/** TensorBoard's run palette (webapp/util/colors.ts), by run index. */
export const PALETTE = ['#425066', '#12b5cb', '#e52592', '#f9ab00', '#9334e6', '#7cb342', '#e8710a'];

/** A case-insensitive RegExp from user input, or null when it is empty or invalid (TensorBoard ignores those). */
export function userRegex(text) {
  if (!text) return null;
  try {
    return new RegExp(text, 'i');
  } catch {
    return null;
  }
}

/** A file-name-safe form of a run or tag. */
export function safeName(s) {
  return s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
}

/** Natural sort (numbers inside names compare by value), as TensorBoard groups tags. */
export const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;

/** The Float64Array of a protocol array record. */
export const f64 = (rec) => (rec.data instanceof Float64Array ? rec.data : Float64Array.from(rec.data));

/**
 * Whether cards stamp data-digest: tests ask for it (globalThis.nnlabDigests, or ?digests=1 in the
 * URL); users do not pay for hashing every point they are shown.
 */
export function digestsWanted() {
  return globalThis.nnlabDigests === true || new URLSearchParams(location.search).has('digests');
}

/**
 * sha256 (hex) of the arrays' float64 bytes, one after the other: what a card
 * received, in a form tests compare with CPython's reader point for point.
 * @param {...ArrayLike<number>} arrays
 * @returns {Promise<string>}
 */
export async function digest(...arrays) {
  const n = arrays.reduce((k, a) => k + a.length, 0);
  const all = new Float64Array(n);
  let k = 0;
  for (const a of arrays) { all.set(a, k); k += a.length; }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all.buffer));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Format a number compactly for axes and tooltips. */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(5)));
}

/** Seconds as a short duration (relative axis). */
export function duration(sec) {
  if (!Number.isFinite(sec)) return String(sec);
  if (Math.abs(sec) < 120) return `${fmt(sec)} s`;
  if (Math.abs(sec) < 7200) return `${fmt(sec / 60)} min`;
  return `${fmt(sec / 3600)} h`;
}

/** Seconds since the epoch as local date-time. */
export function clock(sec, withDate = true) {
  const d = new Date(sec * 1000);
  return withDate ? d.toLocaleString() : d.toLocaleTimeString();
}

const DRAW_BUDGET_MS = 40; // drawing per animation frame: a page of 100-run charts never freezes
// Strokes are rasterised after the frame's scripts (the paint): their cost shows as vertices, not time.
const FRAME_VERTICES = 40_000;

/**
 * A queue of redraws (one per dashboard, shared by its charts; returns `enqueue(fn)`, where
 * asking for the same `fn` again before it ran is a no-op; `fn` may return the vertices it stroked):
 * each animation frame runs the waiting ones in the order they were asked for until DRAW_BUDGET_MS
 * is spent or FRAME_VERTICES stroked, the rest in the next frames. (A chart
 * of 100 runs takes ~100-200 ms to stroke in a software canvas: eight of them in one frame froze
 * the page for over half a second.)
 */
export function drawQueue() {
  const waiting = new Set();
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const end = performance.now() + DRAW_BUDGET_MS;
    let vertices = 0;
    for (const fn of waiting) {
      waiting.delete(fn);
      vertices += Number(fn()) || 0;
      if (performance.now() > end || vertices >= FRAME_VERTICES) break;
    }
    if (waiting.size) schedule();
  };
  const schedule = () => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(run); }
  };
  return (fn) => { waiting.add(fn); schedule(); };
}
