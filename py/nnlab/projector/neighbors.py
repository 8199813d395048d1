"""Exact k nearest neighbours by cosine or euclidean distance.

Distances are ``|x - y|`` (euclidean) or ``1 - cos(x, y)`` (cosine; a zero
vector is at distance 1 from everything). Results are sorted ascending, ties
by lower index, and never include the query point itself (duplicates of it
do count). `nearest` answers the Inspector for one point; `iter_all_nearest`
builds the kNN graph of every point for t-SNE in row chunks, so the browser
worker can yield between chunks and memory stays at one chunk x N.
"""

import numpy as np

from ._blas import cross
from ._util import drain

METRICS = ("euclidean", "cosine")
ROW_BLOCK = 16384         # rows of the data per step of the one-point scan
CHUNK_WORK = 60_000_000   # ~multiply-adds per kNN chunk: ~20 ms native, ~50 ms in Pyodide
EXTRA_CANDIDATES = 4      # float32 candidates beyond k, re-ranked in float64


def _check(X, metric):
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    X = np.asarray(X)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"need an (N, d) array with N >= 2, got shape {X.shape}")
    return X


def _unit_rows(X):
    """Rows scaled to unit length, zero rows left zero: (N, d) float64."""
    X = np.asarray(X, dtype=np.float64)
    norm = np.sqrt(np.einsum("ij,ij->i", X, X))
    return X / np.where(norm > 0, norm, 1.0)[:, None]


def _sorted_k(dist, idx, k):
    """Sort each row by distance and keep k: (m, k) indices, (m, k) distances.

    `idx` must be ascending along each row: the stable sort then breaks ties
    by lower index (np.lexsort would too, but is ~8x slower in Pyodide).
    """
    order = np.argsort(dist, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(idx, order, -1), np.take_along_axis(dist, order, -1)


def point_distances(X, x, metric="euclidean"):
    """Distances from one vector `x` (d,) to every row of X (N, d): (N,) float64."""
    X, x = np.asarray(X), np.asarray(x, dtype=np.float64)
    out = np.empty(len(X))
    if metric == "cosine":
        xu = x / (np.linalg.norm(x) or 1.0)
    for lo in range(0, len(X), ROW_BLOCK):  # blocks bound the float64 temporaries
        block = np.asarray(X[lo:lo + ROW_BLOCK], dtype=np.float64)
        if metric == "cosine":
            out[lo:lo + ROW_BLOCK] = 1.0 - _unit_rows(block) @ xu
        else:
            diff = block - x
            out[lo:lo + ROW_BLOCK] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return out


def nearest(X, index, k, metric="cosine"):
    """The k nearest neighbours of row `index` of X, by exact search.

    Parameters
    ----------
    X : (N, d) array
    index : int, 0 <= index < N
    k : int, clipped to N - 1
    metric : "cosine" or "euclidean"

    Returns
    -------
    indices : (k,) int64, nearest first, never `index`.
    distances : (k,) float64, ascending.
    """
    X = _check(X, metric)
    index = int(index)
    if not 0 <= index < len(X):
        raise ValueError(f"index {index} is out of range for {len(X)} points")
    k = max(1, min(int(k), len(X) - 1))
    dist = point_distances(X, X[index], metric)
    dist[index] = np.inf
    cand = np.sort(np.argpartition(dist, k - 1)[:k]) if k < len(X) - 1 else np.flatnonzero(np.isfinite(dist))
    idx, d = _sorted_k(dist[cand][None], cand[None], k)
    return idx[0], d[0]


def _exact_rows(Xe, rows, cand, metric):
    """float64 distances from rows (m,) to their candidates (m, c) of Xe (N, d)."""
    out = np.empty(cand.shape)
    step = max(1, 4_000_000 // max(1, cand.shape[1] * Xe.shape[1]))  # bounds the gather
    for lo in range(0, len(rows), step):
        a, b = Xe[rows[lo:lo + step], None, :], Xe[cand[lo:lo + step]]
        if metric == "cosine":
            out[lo:lo + step] = 1.0 - np.einsum("mkd,mkd->mk", np.broadcast_to(a, b.shape), b)
        else:
            diff = b - a
            out[lo:lo + step] = np.einsum("mkd,mkd->mk", diff, diff)
    return out


def _augmented(X32, metric):
    """Factors whose product is the distance matrix: (N, d + 2) or (N, d + 1) float32 each."""
    one = np.ones((len(X32), 1), dtype=np.float32)
    if metric == "cosine":
        return np.hstack([X32, one]), np.hstack([-X32, one])
    sq = np.einsum("ij,ij->i", X32, X32)[:, None]
    return np.hstack([X32, sq, one]), np.hstack([-2.0 * X32, one, sq])


def iter_all_nearest(X, k, metric="euclidean", squared=False, chunk_rows=None):
    """kNN graph of all rows, a generator yielding ``(rows_done, N)`` after each chunk.

    Candidates come from one float32 BLAS product per chunk that yields the
    squared distances directly, ``[x, |x|^2, 1] . [-2y, 1, |y|^2]`` (cosine:
    ``[x, 1] . [-y, 1]`` on unit rows); then ``k + EXTRA_CANDIDATES`` of them
    are re-ranked with float64 distances, so float32 rounding cannot reorder
    neighbours beyond ties.

    Parameters
    ----------
    X : (N, d) array
    k : int, clipped to N - 1
    squared : bool
        Return squared euclidean distances (what t-SNE wants).
    chunk_rows : int, optional
        Rows per chunk; default keeps each chunk ~`CHUNK_WORK` multiply-adds.

    Returns
    -------
    (indices (N, k) int64, distances (N, k) float64), as the generator's return value.
    """
    X = _check(X, metric)
    n, dim = X.shape
    k = max(1, min(int(k), n - 1))
    n_cand = min(k + EXTRA_CANDIDATES, n - 1)
    # Centring leaves euclidean distances alone and keeps |x|^2 small in float32.
    Xe = _unit_rows(X) if metric == "cosine" else np.asarray(X, dtype=np.float64) - X.mean(0, dtype=np.float64)
    left, right = _augmented(np.asarray(Xe, dtype=np.float32), metric)
    rows_per = chunk_rows or max(1, CHUNK_WORK // (n * (dim + 16)))
    indices, dists = np.empty((n, k), dtype=np.int64), np.empty((n, k))
    for lo in range(0, n, rows_per):
        rows = np.arange(lo, min(n, lo + rows_per))
        d = cross(left[rows], right)             # (rows, N) distances, float32
        d[np.arange(len(rows)), rows] = np.inf  # never one's own neighbour
        cand = np.sort(np.argpartition(d, n_cand - 1, axis=1)[:, :n_cand], axis=1)
        exact = _exact_rows(Xe, rows, cand, metric)
        indices[rows], dists[rows] = _sorted_k(exact, cand, k)
        yield int(rows[-1] + 1), n
    if metric == "euclidean":
        np.maximum(dists, 0.0, out=dists)
        if not squared:
            np.sqrt(dists, out=dists)
    return indices, dists


def all_nearest(X, k, metric="euclidean", squared=False):
    """`iter_all_nearest` run to the end: (indices (N, k), distances (N, k))."""
    return drain(iter_all_nearest(X, k, metric, squared))
