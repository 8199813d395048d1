"""t-SNE input affinities P from a kNN graph (the exact sparse method of sklearn/openTSNE).

For each point i, ``p_{j|i} = exp(-beta_i d_ij) / sum_k exp(-beta_i d_ik)`` over
its k nearest neighbours, with beta_i found by bisection so that the row's
entropy is ``log(perplexity)`` (nats). ``d`` is the squared euclidean (or the
cosine) distance, as in sklearn. The joint ``p_ij = (p_{j|i} + p_{i|j}) / 2N``
is symmetric, sums to 1 and is kept as its upper triangle of edges.
"""

import numpy as np

ENTROPY_TOL = 1e-5     # nats, sklearn's tolerance
MAX_BISECTIONS = 100   # sklearn's cap
ROWS_PER_CHUNK = 1000  # rows per bisection chunk: ~8 ms native, ~25 ms in Pyodide at k = 90


def _entropy(D, beta):
    """Row distributions and their entropies for shifted distances D (m, k) >= 0."""
    P = np.exp(-D * beta[:, None])
    total = P.sum(1)  # >= 1: each row's nearest has shifted distance 0
    H = np.log(total) + beta * np.einsum("ij,ij->i", D, P) / total
    return P / total[:, None], H


def conditional_probabilities(D, perplexity):
    """Per-row Gaussian kernels of entropy log(perplexity), by vectorised bisection.

    Parameters
    ----------
    D : (m, k) float64, distances to each row's k neighbours.
    perplexity : float, must be < k.

    Returns
    -------
    P : (m, k) float64, each row sums to 1.
    beta : (m,) float64, the precisions found.
    """
    D = np.asarray(D, dtype=np.float64)
    D = D - D.min(1, keepdims=True)  # exp(-beta d) is then never all-underflow; P unchanged
    target = np.log(perplexity)
    beta = 1.0 / np.maximum(D.mean(1), 1e-12)  # near the answer: fewer halvings than beta = 1
    lo, hi = np.full(len(D), -np.inf), np.full(len(D), np.inf)
    active = np.arange(len(D))
    for _ in range(MAX_BISECTIONS):
        if not len(active):
            break
        b = beta[active]
        _, H = _entropy(D[active], b)
        live = np.abs(H - target) > ENTROPY_TOL
        active, b, H = active[live], b[live], H[live]
        up = H > target  # too flat: raise the precision
        lo[active[up]], hi[active[~up]] = b[up], b[~up]
        l, h = lo[active], hi[active]
        beta[active] = np.where(up, np.where(np.isinf(h), b * 2, (b + h) / 2),
                                np.where(np.isinf(l), b / 2, (b + l) / 2))
    P, _ = _entropy(D, beta)
    return P, beta


def iter_conditional(D, perplexity, rows_per_chunk=ROWS_PER_CHUNK):
    """`conditional_probabilities` in row chunks; yields ``(rows_done, m)``, returns P."""
    P = np.empty(np.shape(D))
    for lo in range(0, len(P), rows_per_chunk):
        P[lo:lo + rows_per_chunk] = conditional_probabilities(D[lo:lo + rows_per_chunk], perplexity)[0]
        yield min(len(P), lo + rows_per_chunk), len(P)
    return P


def supervise(P, neighbors, labels, weight):
    """Blend each labelled row towards its same-label neighbours.

    Row i becomes ``(1 - weight) p_{.|i} + weight q_{.|i}`` where q is p
    restricted to neighbours with i's label (or no label) and renormalised.
    At weight 1 a point attracts only its own class. Unlabelled points
    (label < 0) and rows with no such neighbour are unchanged. This is our
    bounded form of the Projector's "Supervise" prior (`bh_tsne.ts` boosts
    same-label p_ij by 1/N + f/n_same and cuts the others).

    Parameters
    ----------
    P : (N, k) float64 conditional probabilities, rows sum to 1.
    neighbors : (N, k) int, indices of each row's neighbours.
    labels : (N,) int class codes, -1 for unlabelled.
    weight : float in [0, 1].

    Returns
    -------
    (N, k) float64, rows sum to 1.
    """
    weight = float(weight)
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"supervise weight must be in [0, 1], got {weight}")
    labels = np.asarray(labels)
    nl = labels[neighbors]
    keep = (nl == labels[:, None]) | (nl < 0)
    mass = np.einsum("ij,ij->i", P, keep)
    rows = (labels >= 0) & (mass > 0)
    out = P.copy()
    out[rows] = (1.0 - weight) * P[rows] + weight * np.where(keep[rows], P[rows], 0.0) / mass[rows, None]
    return out


def joint_probabilities(neighbors, P):
    """Symmetrise conditional P into joint ``p_ij``, as upper-triangle edges.

    Parameters
    ----------
    neighbors : (N, k) int, never a row's own index.
    P : (N, k) float64 conditional probabilities.

    Returns
    -------
    i, j : (E,) int64 with i < j, sorted by (i, j).
    p : (E,) float64, ``p_ij``; the full symmetric matrix (both triangles) sums to 1.
    """
    n, k = neighbors.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = np.asarray(neighbors, dtype=np.int64).ravel()
    key = np.minimum(rows, cols) * n + np.maximum(rows, cols)  # one key per unordered pair
    pairs, inverse = np.unique(key, return_inverse=True)
    p = np.bincount(inverse.ravel(), np.ravel(P), minlength=len(pairs))
    p /= 2.0 * p.sum()  # both triangles together sum to 1
    return pairs // n, pairs % n, p


def to_dense(i, j, p, n):
    """The full symmetric (n, n) matrix of upper-triangle edges (tests, small n)."""
    out = np.zeros((n, n))
    out[i, j] = p
    out[j, i] = p
    return out


def label_codes(values):
    """Class codes of labels: (N,) int64, equal labels equal codes, "" / None -> -1."""
    text = np.array(["" if v is None else str(v) for v in values], dtype=object)
    uniq, codes = np.unique(text, return_inverse=True)
    codes = codes.ravel().astype(np.int64)
    if len(uniq) and uniq[0] == "":
        codes -= 1  # "" sorts first: it becomes -1 and the rest shift down
    return codes
