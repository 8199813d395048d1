"""The attractive half of the t-SNE gradient, over the sparse edges of P.

``attract_i = sum_j p_ij w_ij (y_i - y_j)`` with ``w_ij = 1 / (1 + |y_i - y_j|^2)``.
Each undirected edge is stored once (i < j, sorted by i): the i side is an
``np.repeat`` of the row's coordinate and an ``np.add.reduceat`` over the row's
contiguous run, the j side a gather and a ``np.bincount``. Work runs in blocks
of whole rows of ~`BLOCK_EDGES` edges: temporaries of that size stay in cache
and are reused by the allocator, where 700k-edge temporaries cost more in
page faults than in arithmetic (measured: 28 ms -> 16 ms at 10,000 points).
Coordinates are handled column by column as 1-D arrays, because fancy
indexing of (N, 2) rows is ~6x slower than of 1-D arrays.
"""

import numpy as np

BLOCK_EDGES = 65536


class Edges:
    """Upper-triangle edges of the joint P, laid out for `attraction`.

    Parameters
    ----------
    i, j : (E,) int, i < j, sorted by i.
    p : (E,) float64, p_ij (both triangles of P together sum to 1).
    n : int, number of points.
    """

    def __init__(self, i, j, p, n):
        self.n = int(n)
        self.j = np.asarray(j, dtype=np.intp)
        self.p = np.asarray(p, dtype=np.float64)
        counts = np.bincount(np.asarray(i, dtype=np.intp), minlength=self.n)
        ends = np.cumsum(counts)
        self.blocks = []  # (row_lo, row_hi, edge_lo, edge_hi, counts, has_edges, run_starts)
        row = 0
        while row < self.n:
            e_lo = int(ends[row - 1]) if row else 0
            hi = max(row + 1, int(np.searchsorted(ends, e_lo + BLOCK_EDGES, side="right")))
            hi = min(hi, self.n)
            c = counts[row:hi]
            has = c > 0
            starts = np.concatenate([[0], np.cumsum(c[has])[:-1]]).astype(np.intp)
            self.blocks.append((row, hi, e_lo, int(ends[hi - 1]), c, has, starts))
            row = hi
        p_pos = self.p[self.p > 0]
        self.plogp = 2.0 * float(np.dot(p_pos, np.log(p_pos)))  # sum over both triangles

    def attraction(self, Y, with_kl=False):
        """Attractive forces at Y, and ``sum_ij p_ij log w_ij`` (both triangles) if asked.

        Parameters
        ----------
        Y : (N, dims) float64

        Returns
        -------
        attract : (N, dims) float64
        plogw : float or None
        """
        dims = Y.shape[1]
        cols = [np.ascontiguousarray(Y[:, d]) for d in range(dims)]
        out = np.zeros((dims, self.n))
        plogw = 0.0
        for row, hi, e_lo, e_hi, counts, has, starts in self.blocks:
            if e_hi == e_lo:
                continue
            j, p = self.j[e_lo:e_hi], self.p[e_lo:e_hi]
            diffs = [np.repeat(c[row:hi], counts) - c[j] for c in cols]
            w = 1.0 + diffs[0] * diffs[0]
            for dd in diffs[1:]:
                w += dd * dd
            np.reciprocal(w, out=w)
            if with_kl:
                plogw += float(np.dot(p, np.log(w)))
            w *= p
            for d, dd in enumerate(diffs):
                dd *= w
                out[d, row:hi][has] += np.add.reduceat(dd, starts)
                out[d] -= np.bincount(j, dd, self.n)
        return out.T.copy(), (2.0 * plogw if with_kl else None)
