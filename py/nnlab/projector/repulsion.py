"""The repulsive half of the t-SNE gradient, exactly or by FFT interpolation.

With ``w_ij = 1 / (1 + |y_i - y_j|^2)`` (Cauchy kernel, one degree of freedom)
t-SNE's gradient is ``4 (sum_j p_ij w_ij (y_i - y_j) - rep_i / Z)`` where::

    rep_i = sum_j w_ij^2 (y_i - y_j)      Z = sum_{i != j} w_ij

Both sums run over all pairs. `fft_repulsion` gets them in O(N + G log G) by
the FIt-SNE / openTSNE method (Linderman et al. 2019): split the bounding box
into boxes, put ``N_NODES`` equispaced Lagrange nodes per box and dimension
(a uniform grid overall), spread each point's charges onto the nodes of its
box, convolve the grid with the kernel ``w^2`` by FFT, and interpolate the
potentials back. One kernel serves both sums: with charges ``1, y, |y|^2``,
``w^2 (1 + |y_i - y_j|^2) = w`` gives Z from the same convolutions.

`exact_repulsion` does the O(N^2) sums in row chunks through BLAS: used for
small runs and for 3-D, where a grid fine enough for the kernel grows as
extent^3 (a 3-D embedding of 2,000 points spans ~100 units), and a capped grid
blurs the near field (measured on digits: KL 0.81 vs 0.65 exact, slower too).

Speed (native, one thread; the browser is ~2.5x slower): see `nnlab.projector.tsne`.
"""

import numpy as np

from ._blas import cross, tmatmul
from ._util import drain

N_NODES = 3            # Lagrange nodes per box and dimension (FIt-SNE's default)
BOX_WIDTH = 1.0        # target box width in embedding units; the kernel's scale is 1
# openTSNE uses at least 50 boxes; 20 keep boxes <= 1 unit until the embedding
# spans 20 units, and make the early (compact) iterations' grid 6x cheaper.
MIN_BOXES_2D, MAX_BOXES_2D = 20, 400
# 3-D grids grow as boxes^3, so they are capped, and wide 3-D embeddings get
# wide, inaccurate boxes: t-SNE uses exact repulsion in 3-D; this path is only
# taken on request (negative_gradient_method="fft").
MIN_BOXES_3D, MAX_BOXES_3D = 10, 20
EXACT_CHUNK = 1 << 19  # pairs per block of `exact_repulsion`: 2 MB of float32, cache-sized
YIELD_PAIRS = 1 << 22  # pairs between yields: ~15 ms native, ~40 ms in Pyodide


def iter_exact_repulsion(Y, dtype=np.float64):
    """All-pairs repulsion over square blocks of the pair matrix, products through BLAS.

    Each block (I, J), J >= I, is computed once and used for both sides (w is
    symmetric): ``1 + d2 = [y, |y|^2, 1] . [-2y, 1, |y|^2 + 1]`` is one gemm,
    then ``w = 1 / (1 + d2)`` and ``w^2`` in place, then ``w^2 @ [Y_J, 1]`` and
    ``(w^2).T @ [Y_I, 1]`` are two more. float32 roughly halves the time of the
    element-wise passes (sums are float64). A generator: yields None after every
    ~`YIELD_PAIRS` pairs, so one iteration at 10,000 points can be spread over
    several worker ticks.

    Parameters
    ----------
    Y : (N, dims) float64 embedding.
    dtype : float64 (gradient checks) or float32 (speed; ~1e-5 relative error).

    Returns
    -------
    rep : (N, dims) float64, ``sum_j w_ij^2 (y_i - y_j)``.
    Z : float, ``sum_{i != j} w_ij``.
    """
    n, dims = Y.shape
    centred = Y - Y.mean(0)  # smaller |y|^2: less cancellation in the expansion
    yc = centred.astype(dtype)
    sq = np.einsum("ij,ij->i", yc, yc)
    one = np.ones((n, 1), dtype=dtype)
    left = np.hstack([yc, sq[:, None], one])                  # [y, |y|^2, 1]
    right = np.hstack([-2.0 * yc, one, sq[:, None] + 1.0])    # [-2y, 1, |y|^2 + 1]
    ext = np.hstack([yc, one])                                # [y, 1]
    sums, z = np.zeros((n, dims + 1)), 0.0
    size = max(1, int(np.sqrt(EXACT_CHUNK)))
    starts = list(range(0, n, size))
    since_yield = 0
    for k, lo in enumerate(starts):
        rows = slice(lo, min(n, lo + size))
        for lo2 in starts[k:]:
            cols = slice(lo2, min(n, lo2 + size))
            w = cross(left[rows], right[cols])   # 1 + |y_i - y_j|^2
            np.reciprocal(w, out=w)
            z += float(w.sum(dtype=np.float64)) * (1 if lo2 == lo else 2)
            w *= w
            sums[rows] += cross(w, ext[cols].T)  # sum_j w^2 [y_j, 1]
            if lo2 != lo:
                sums[cols] += tmatmul(w, ext[rows])
            since_yield += w.size
            if since_yield >= YIELD_PAIRS:
                since_yield = 0
                yield None
    rep = centred * sums[:, -1:] - sums[:, :-1]
    return rep, z - n  # each point's own w_ii = 1 is not a pair


def exact_repulsion(Y, dtype=np.float64):
    """`iter_exact_repulsion` run to the end: (rep (N, dims), Z)."""
    return drain(iter_exact_repulsion(Y, dtype))


def _fast_len(n):
    """Smallest 2,3,5,7-smooth integer >= n: FFT sizes that pocketfft does fast."""
    while True:
        m = n
        for p in (2, 3, 5, 7):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def _lagrange(t, p):
    """Lagrange basis weights of `p` nodes at ((k + 0.5) / p) for positions t in [0, 1].

    Parameters
    ----------
    t : (N, dims) float64

    Returns
    -------
    (N, dims, p) float64; sums to 1 over the last axis.
    """
    nodes = (np.arange(p) + 0.5) / p
    w = np.ones(t.shape + (p,))
    for k in range(p):
        for m in range(p):
            if m != k:
                w[..., k] *= (t - nodes[m]) / (nodes[k] - nodes[m])
    return w


def _grid_stencil(Y, lo, box, n_boxes, p):
    """Flat grid index and weight of every (point, node) pair of each point's box.

    Returns
    -------
    idx : (N, p**dims) intp flat indices into the (n_boxes * p)^dims grid.
    weight : (N, p**dims) float64 interpolation weights.
    """
    n, dims = Y.shape
    side = n_boxes * p
    u = (Y - lo) / box
    b = np.minimum(u.astype(np.int64), n_boxes - 1)
    lag = _lagrange(u - b, p)                      # (N, dims, p)
    node = b[:, :, None] * p + np.arange(p)       # (N, dims, p) grid coordinates
    idx, weight = node[:, 0], lag[:, 0]
    for d in range(1, dims):  # outer products over dimensions, row-major flat index
        idx = (idx[:, :, None] * side + node[:, d, None, :]).reshape(n, -1)
        weight = (weight[:, :, None] * lag[:, d, None, :]).reshape(n, -1)
    return idx.astype(np.intp), weight  # bincount wants intp: int32 in Pyodide


def _kernel_hat(fft_len, spacing, dims, fft):
    """Spectrum of ``w^2`` at node offsets, laid out for circular convolution.

    The kernel is even in every axis, so its spectrum is real: (L, ..., L//2 + 1) float32.
    """
    k = np.arange(fft_len)
    off = (np.minimum(k, fft_len - k) * spacing) ** 2  # offsets past +-side are never read
    d2 = off
    for _ in range(1, dims):
        d2 = d2[..., None] + off
    return fft.rfftn((1.0 / (1.0 + d2) ** 2).astype(np.float32)).real


def _convolve(grid, k_hat, fft_len, fft):
    """Linear convolution of (C, side, ...) grids with the kernel, by zero-padded FFTs.

    Transforms one axis at a time so the all-zero padding rows are never
    transformed forward, nor the unneeded output rows backward (~25% less work
    in 2-D, more in 3-D). float32 halves the time; the interpolation error
    (~1e-2) dwarfs float32 rounding.
    """
    side, dims = grid.shape[1], grid.ndim - 1
    a = fft.rfft(grid, n=fft_len, axis=-1)
    for ax in range(-2, -dims - 1, -1):
        a = fft.fft(a, n=fft_len, axis=ax)
    a *= k_hat
    for ax in range(-dims, -1):
        a = fft.ifft(a, axis=ax)[(Ellipsis, slice(0, side)) + (slice(None),) * (-ax - 1)]
    return fft.irfft(a, n=fft_len, axis=-1)[..., :side]


def _self_terms(weight, p, dims, spacing):
    """Each point's interpolated interaction with itself: (N,) float64.

    Exactly it is w_ii = 1, but through the grid it is ``W K W`` over the
    point's own stencil, off by a few % where the kernel peaks. Z must drop
    exactly these terms, not N: subtracting N biased Z by ~1% late in runs
    (Z ~ 10 N), enough to shrink embeddings visibly. The self terms cancel
    in the forces.
    """
    node = np.stack(np.meshgrid(*[np.arange(p)] * dims, indexing="ij"), -1).reshape(-1, dims)
    d2 = (((node[:, None, :] - node[None, :, :]) * spacing) ** 2).sum(-1)
    return np.einsum("na,na->n", weight @ (1.0 / (1.0 + d2) ** 2), weight)


def _fft_module():
    try:
        import scipy.fft as fft
    except ImportError:
        import numpy.fft as fft
    return fft


def fft_repulsion(Y, n_nodes=N_NODES, box_width=BOX_WIDTH, min_boxes=None, max_boxes=None):
    """Repulsion by FFT-accelerated interpolation on a uniform grid (2-D or 3-D).

    Parameters
    ----------
    Y : (N, dims) float64 embedding, dims 2 or 3.
    n_nodes : int
        Interpolation nodes per box and dimension.
    box_width : float
        Wanted box width; the box count is clipped to [min_boxes, max_boxes].

    Returns
    -------
    rep : (N, dims) float64 and Z : float, as `exact_repulsion`.
    """
    n, dims = Y.shape
    lo_b, hi_b = (MIN_BOXES_2D, MAX_BOXES_2D) if dims == 2 else (MIN_BOXES_3D, MAX_BOXES_3D)
    lo_b, hi_b = min_boxes or lo_b, max_boxes or hi_b
    lo, hi = Y.min(), Y.max()  # one square/cubic grid: the kernel is isotropic
    extent = max(hi - lo, 1e-12)
    n_boxes = int(np.clip(np.ceil(extent / box_width), lo_b, hi_b))
    box = extent / n_boxes * (1 + 1e-9)  # keep the top edge inside the last box
    side = n_boxes * n_nodes
    fft_len = _fast_len(2 * side - 1)
    fft = _fft_module()
    centre = lo + extent / 2  # charges relative to the centre keep |y|^2 small
    yc = Y - centre
    charges = np.column_stack([np.ones(n), yc, np.einsum("ij,ij->i", yc, yc)])  # (N, C)
    idx, weight = _grid_stencil(Y, lo, box, n_boxes, n_nodes)
    flat_idx = idx.ravel()
    grid = np.stack([np.bincount(flat_idx, (weight * q[:, None]).ravel(), minlength=side ** dims)
                     for q in charges.T]).astype(np.float32).reshape((-1,) + (side,) * dims)
    k_hat = _kernel_hat(fft_len, box / n_nodes, dims, fft)
    pot = _convolve(grid, k_hat, fft_len, fft).reshape(len(grid), -1).astype(np.float64)
    phi = np.einsum("cnk,nk->cn", pot[:, idx], weight)  # (C, N) potentials at the points
    total = np.sum((1.0 + charges[:, -1]) * phi[0] - 2.0 * np.einsum("nd,dn->n", yc, phi[1:-1]) + phi[-1])
    z = total - _self_terms(weight, n_nodes, dims, box / n_nodes).sum()
    rep = yc * phi[0][:, None] - phi[1:-1].T
    return rep, float(z)
