"""Histogram summaries for the DISTRIBUTIONS and HISTOGRAMS dashboards.

`compress` follows TensorBoard's distribution compressor: cumulative counts
scaled to 10,000 basis points, each basis point located with searchsorted and
linearly interpolated inside its bucket (edges clamped to the histogram's
min/max). `rebin` spreads every step's buckets over shared uniform bins, each
bucket's count split by overlap fraction, as TensorBoard's histogram chart does.
"""

import numpy as np

# The normal CDF at -inf, -1.5σ, -1σ, -0.5σ, 0, 0.5σ, 1σ, 1.5σ, +inf, in 1/100 of a percent.
BASIS_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)
BINS = 30


def _point(bp, weights, right, lo, hi):
    """The value at basis point `bp`, or None once past the last non-empty bucket."""
    i = int(np.searchsorted(weights, bp, side="right"))
    while i < weights.size:
        prev = weights[i - 1] if i > 0 else 0.0
        if weights[i] == prev:  # an empty bucket holds no mass to interpolate in
            i += 1
            continue
        left = lo if (i == 0 or prev == 0) else max(right[i - 1], lo)
        edge = min(right[i], hi)
        return left + (bp - prev) / (weights[i] - prev) * (edge - left)
    return None


def compress(buckets, bps=BASIS_POINTS):
    """Values of one histogram at the given basis points.

    Parameters
    ----------
    buckets : (k, 3) array_like
        ``[left, right, count]`` rows, as `nnlab.events.Histogram.buckets`.
    bps : sequence of int
        Increasing basis points in [0, 10000].

    Returns
    -------
    (len(bps),) float64
        0 everywhere for an empty histogram.
    """
    b = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    out = np.zeros(len(bps))
    if b.shape[0] == 0:
        return out
    lo, hi = b[0, 0], b[-1, 1]
    counts = b[:, 2]
    weights = np.cumsum(counts * bps[-1] / (counts.sum() or 1.0))
    right = b[:, 1]
    for k, bp in enumerate(bps):
        v = _point(bp, weights, right, lo, hi)
        if v is None:
            out[k:] = hi
            break
        out[k] = v
    return out


def compress_series(histograms, bps=BASIS_POINTS):
    """(n, len(bps)) float64: `compress` of each histogram of a series."""
    return np.array([compress(h.buckets, bps) for h in histograms]).reshape(len(histograms), len(bps))


def _rebin_one(b, edges):
    counts = np.zeros(edges.size - 1)
    width = edges[1] - edges[0]
    for left, right, count in b:
        if right <= left:  # a zero-width bucket lands whole in one bin
            k = min(int((left - edges[0]) / width) if width > 0 else 0, counts.size - 1)
            counts[max(k, 0)] += count
            continue
        overlap = np.clip(np.minimum(edges[1:], right) - np.maximum(edges[:-1], left), 0, None)
        counts += count * overlap / (right - left)
    return counts


def rebin(histograms, bins=BINS):
    """Every histogram of a series over one set of uniform bins.

    Parameters
    ----------
    histograms : list of n `Histogram`
    bins : int

    Returns
    -------
    edges : (bins + 1,) float64
        Spanning the smallest left and largest right edge over all steps.
    counts : (n, bins) float64
    """
    rows = [np.asarray(h.buckets, dtype=np.float64).reshape(-1, 3) for h in histograms]
    filled = [r for r in rows if r.shape[0]]
    lo = min((r[0, 0] for r in filled), default=0.0)
    hi = max((r[-1, 1] for r in filled), default=1.0)
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.array([_rebin_one(r, edges) for r in rows]).reshape(len(rows), bins)
    return edges, counts
