"""Trustworthiness of many embeddings of one dataset, exact and in bounded memory (bench helper).

`trustworthiness_many(X, [Y1, Y2, ...], k)` equals sklearn.manifold.trustworthiness(X, Yi, n_neighbors=k)
for each Yi (euclidean; ties aside), but works on row blocks: the (block, N) ranks in the original
space are computed once per block and shared by every embedding, so 10,000 points and 40 snapshots
take seconds and ~100 MB instead of sklearn's two (N, N) int64/float64 matrices per call.
"""

import numpy as np
from scipy.spatial import cKDTree

BLOCK = 500


def trustworthiness_many(X, embeddings, k=5):
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    # the k nearest neighbours of each point in each embedding (without the point itself)
    nbs = [cKDTree(np.asarray(Y, dtype=np.float64)).query(Y, k + 1)[1][:, 1:] for Y in embeddings]
    sq = np.einsum("ij,ij->i", X, X)
    penalty = np.zeros(len(embeddings))
    for lo in range(0, n, BLOCK):
        rows = np.arange(lo, min(n, lo + BLOCK))
        d = sq[rows, None] + sq[None, :] - 2.0 * (X[rows] @ X.T)
        d[np.arange(len(rows)), rows] = np.inf
        order = np.argsort(d, axis=1)
        rank = np.empty(d.shape, dtype=np.int32)  # rank[r, j]: 1 for i's nearest neighbour in X
        np.put_along_axis(rank, order, np.arange(1, n + 1, dtype=np.int32)[None, :], axis=1)
        for e, nb in enumerate(nbs):
            r = np.take_along_axis(rank, nb[rows], axis=1) - k
            penalty[e] += r[r > 0].sum()
    return [float(1.0 - p * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))) for p in penalty]
