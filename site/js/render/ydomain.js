/** A chart's y range from its values (no DOM: tests run it in Node.js). */

/** The k-th smallest of a[0..n) (moves a's elements): Hoare's selection, linear on average. */
function select(a, n, k) {
  let lo = 0; let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo; let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const x = a[i]; a[i] = a[j]; a[j] = x; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k];
  }
  return a[k];
}

/**
 * [lo, hi] of the y domain: the 5th-95th percentile of the values when ignoring outliers
 * (TensorBoard's rule). Two selections, not a sort: a card of 100 runs x 10,000 points stays
 * well under a frame's worth of the main thread.
 */
export function yDomain(arrays, { logY, ignoreOutliers }) {
  let n = 0;
  for (const a of arrays) n += a.length;
  const all = new Float64Array(n);
  let k = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { const v = a[i]; if (Number.isFinite(v) && (!logY || v > 0)) all[k++] = v; }
  if (!k) return logY ? [0.1, 10] : [0, 1];
  // TensorBoard's 5th-95th percentile rule; on short series (< 100 points) it hides real points, so all are kept.
  const [i0, i1] = ignoreOutliers && k >= 100 ? [Math.ceil((k - 1) * 0.05), Math.floor((k - 1) * 0.95)] : [0, k - 1];
  let lo = select(all, k, i0); let hi = select(all, k, i1);
  if (logY) return lo === hi ? [lo / 2, hi * 2] : [lo, hi];
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}
