"""A stepped t-SNE for the Projector, in the openTSNE style: named phases, explicit seed.

``TSNE(...).prepare(X)`` computes the affinities (exact kNN with
k = 3 x perplexity, per-row perplexity bisection, sparse symmetric P) and the
PCA initialisation; each ``step(n)`` then runs n iterations of gradient descent
with sklearn's optimiser (momentum 0.5 then 0.8, per-coordinate gains,
early exaggeration 12 for the first 250 iterations, learning rate "auto" =
max(N / 12 / 4, 50)) and returns the positions. There is no iteration cap:
the caller steps for as long as the page wants, as in the Projector.

The gradient: attraction over the sparse edges of P (`nnlab.projector.attraction`);
repulsion (`nnlab.projector.repulsion`) by FFT-accelerated interpolation in 2-D,
exactly (float32, BLAS, O(N^2)) for small 2-D runs and in 3-D. The FFT method,
like openTSNE's, ends with a KL ~5% above exact repulsion's (digits: 0.79 vs
0.74) at the same trustworthiness.

Speed, measured on 10 Gaussian clusters in 50-d (one thread, a busy 2-core
machine; "wasm" is Pyodide 0.27.7 under Node 20, the same V8 as Chromium):

=======================  ==============  ==============
                         native          wasm
=======================  ==============  ==============
affinities, 10,000       2.0 s           6.4 s (kNN 5.5 s)
2-D, 1,000 points        170-220 it/s    80-120 it/s
2-D, 5,000 points        43-118 it/s     18-38 it/s
2-D, 10,000 points       29-41 it/s      13-21 it/s
3-D, 5,000 points        15 it/s         4.7 it/s
3-D, 10,000 points       4.7 it/s        1.4 it/s
=======================  ==============  ==============

2-D slows as the embedding spreads (the FFT grid grows with its extent: 20
boxes early, ~70 by iteration 700 at 10,000 points). 3-D cost is O(N^2)
whatever the layout; `iter_step` yields inside such iterations.
"""

import numpy as np

from . import affinity
from ._util import drain, with_phase
from .attraction import Edges
from .neighbors import METRICS, iter_all_nearest
from .pca import pca, transform
from .repulsion import fft_repulsion, iter_exact_repulsion

MAX_POINTS = 10_000      # the Projector's t-SNE sample size; the caller samples beyond it
EXACT_MAX_2D = 1_500     # up to this many points 2-D repulsion is exact (float32): as fast as the grid
MIN_GAIN = 0.01
MAX_STEP_NORM = 5.0      # openTSNE's clip on one point's move: keeps perturbed runs stable


def sample_indices(n, max_n=MAX_POINTS, seed=0):
    """A fixed random sample of ``min(n, max_n)`` indices of range(n), sorted.

    Returns
    -------
    (min(n, max_n),) int64; ``arange(n)`` when n <= max_n.
    """
    n, max_n = int(n), int(max_n)
    if n <= max_n:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).permutation(n)[:max_n]).astype(np.int64)


def auto_learning_rate(n, early_exaggeration=12.0):
    """sklearn's "auto" learning rate: max(N / early_exaggeration / 4, 50)."""
    return max(n / early_exaggeration / 4.0, 50.0)


class TSNE:
    """t-SNE with explicit phases: `prepare` once, then `step` as often as wanted.

    Parameters
    ----------
    n_components : 2 or 3
    perplexity : float in [2, 100]
    learning_rate : "auto" or float > 0
    early_exaggeration : float, P is multiplied by it for `early_exaggeration_iter` iterations.
    early_exaggeration_iter : int
    metric : "euclidean" (squared distances, as sklearn) or "cosine" (1 - cos).
    init : "pca" (sklearn's: PCA scaled to std 1e-4) or "random".
    random_state : int, numpy Generator or None. Only "random" init and `perturb` draw from it.
    negative_gradient_method : "auto", "fft", "exact" (float64) or "exact32".
        "auto" is exact32 in 3-D and for N <= `EXACT_MAX_2D`, else fft.
    """

    def __init__(self, n_components=2, perplexity=30.0, learning_rate="auto", early_exaggeration=12.0,
                 early_exaggeration_iter=250, metric="euclidean", init="pca", random_state=None,
                 negative_gradient_method="auto"):
        if n_components not in (2, 3):
            raise ValueError(f"n_components must be 2 or 3, got {n_components!r}")
        if not 2 <= float(perplexity) <= 100:
            raise ValueError(f"perplexity must be between 2 and 100, got {perplexity!r}")
        if learning_rate != "auto" and not float(learning_rate) > 0:
            raise ValueError(f"learning_rate must be 'auto' or a positive number, got {learning_rate!r}")
        if metric not in METRICS or init not in ("pca", "random"):
            raise ValueError(f"metric must be one of {METRICS} and init 'pca' or 'random'")
        if negative_gradient_method not in ("auto", "fft", "exact", "exact32"):
            raise ValueError(f"negative_gradient_method must be auto, fft, exact or exact32, "
                             f"got {negative_gradient_method!r}")
        self.n_components, self.perplexity = int(n_components), float(perplexity)
        self.learning_rate, self.early_exaggeration = learning_rate, float(early_exaggeration)
        self.early_exaggeration_iter, self.metric, self.init = int(early_exaggeration_iter), metric, init
        self.negative_gradient_method = negative_gradient_method
        self._rng = np.random.default_rng(random_state)
        self.embedding_ = None
        self.iteration = 0

    # ---- phase 1: affinities and initialisation -------------------------------------------

    def iter_prepare(self, X, labels=None, supervise_weight=0.0):
        """Affinities and initial positions, a generator of progress dicts.

        Yields ``{"phase": "neighbors" | "affinities" | "supervise", "done": int, "total": int}``
        between chunks of work (each ~20 ms native, ~50 ms in Pyodide at 10,000 points).

        Parameters
        ----------
        X : (N, d) array, 4 <= N.
        labels, supervise_weight : see `set_supervision`.
        """
        X = np.asarray(X)
        n = len(X)
        if X.ndim != 2 or n < 4:
            raise ValueError(f"t-SNE needs an (N, d) array with N >= 4, got shape {X.shape}")
        k = min(n - 1, int(3 * self.perplexity + 1))  # sklearn's neighbour count
        self.neighbors_, dist = yield from with_phase(iter_all_nearest(X, k, self.metric, squared=True),
                                                      "neighbors")
        # openTSNE's rule: with few points the asked perplexity may be unreachable.
        self.effective_perplexity_ = min(self.perplexity, (n - 1) / 3.0)
        self.conditional_p_ = yield from with_phase(affinity.iter_conditional(dist, self.effective_perplexity_),
                                                    "affinities")
        yield from self.iter_set_supervision(labels, supervise_weight)
        self.embedding_ = self._initial_positions(X)
        self.lr_ = (auto_learning_rate(n, self.early_exaggeration) if self.learning_rate == "auto"
                    else float(self.learning_rate))
        self.iteration = 0
        self._reset_optimizer()

    def prepare(self, X, labels=None, supervise_weight=0.0):
        """`iter_prepare` run to the end. Returns self."""
        drain(self.iter_prepare(X, labels, supervise_weight))
        return self

    def iter_set_supervision(self, labels=None, weight=0.0):
        """`set_supervision` as a generator: yields progress between its ~0.1-0.2 s steps (Pyodide, 10k)."""
        P, n = self.conditional_p_, len(self.conditional_p_)
        if labels is not None and float(weight) > 0:
            codes = affinity.label_codes(labels)
            if len(codes) != n:
                raise ValueError(f"got {len(codes)} labels for {n} points")
            P = affinity.supervise(P, self.neighbors_, codes, weight)
            yield {"phase": "supervise", "done": n, "total": n}
        joint = affinity.joint_probabilities(self.neighbors_, P)
        yield {"phase": "affinities", "done": n, "total": n}
        self._edges = Edges(*joint, n)

    def set_supervision(self, labels=None, weight=0.0):
        """Sharpen P within classes of `labels` (see `affinity.supervise`), or undo it.

        Keeps the neighbours and conditional P: only the joint P is rebuilt.

        Parameters
        ----------
        labels : (N,) sequence of str/int or None; "" and None mean unlabelled.
        weight : float in [0, 1]; 0 (or no labels) is plain t-SNE.
        """
        drain(self.iter_set_supervision(labels, weight))

    def _initial_positions(self, X):
        dims = self.n_components
        if self.init == "pca" and X.shape[1] >= dims:
            Y = transform(X, pca(X, dims))[:, :dims]
            std = Y[:, 0].std()
            if std > 0:
                return Y / std * 1e-4  # sklearn: PCA scaled so column 0 has std 1e-4
        return self._rng.standard_normal((len(X), dims)) * 1e-4

    def _reset_optimizer(self):
        self._update = np.zeros_like(self.embedding_)
        self._gains = np.ones_like(self.embedding_)

    # ---- phase 2: optimisation -----------------------------------------------------------

    def _iter_repulsion(self, Y):
        """Repulsion by the chosen method; a generator (exact yields between row chunks)."""
        method = self.negative_gradient_method
        if method == "auto":
            small = len(Y) <= EXACT_MAX_2D if self.n_components == 2 else True
            method = "exact32" if small else "fft"
        if method == "fft":
            return fft_repulsion(Y)
        return (yield from iter_exact_repulsion(Y, np.float64 if method == "exact" else np.float32))

    def iter_gradient(self, Y, exaggeration=1.0, with_kl=True):
        """KL gradient at Y and the KL divergence (of the un-exaggerated P) there.

        A generator (yields None between chunks of exact repulsion); see `gradient`.
        """
        attract, plogw = self._edges.attraction(Y, with_kl)
        rep, z = yield from self._iter_repulsion(Y)
        # KL(P || Q) with q_ij = w_ij / Z: sum p log p - sum p log w + log Z (P sums to 1)
        kl = None if plogw is None else self._edges.plogp - plogw + float(np.log(z))
        return 4.0 * (exaggeration * attract - rep / z), kl

    def gradient(self, Y, exaggeration=1.0, with_kl=True):
        """KL gradient at Y and the KL divergence (of the un-exaggerated P) there.

        Parameters
        ----------
        Y : (N, dims) float64
        exaggeration : float, multiplies P in the attraction.
        with_kl : bool, also compute the KL divergence (one log per edge).

        Returns
        -------
        grad : (N, dims) float64, ``4 (exaggeration * attraction - repulsion / Z)``.
        kl : float, or None when not `with_kl`.
        """
        return drain(self.iter_gradient(Y, exaggeration, with_kl))

    def iter_step(self, kl=True):
        """One iteration of gradient descent, as a generator yielding None between chunks.

        Only 3-D runs (exact repulsion) yield: a 10,000-point 3-D iteration takes
        longer than one worker tick should. Returns what `step` returns.
        """
        if self.embedding_ is None:
            raise RuntimeError("call prepare(X) before step()")
        early = self.iteration < self.early_exaggeration_iter
        if self.iteration == self.early_exaggeration_iter:
            self._reset_optimizer()  # sklearn starts its second phase afresh
        grad, kl_value = yield from self.iter_gradient(self.embedding_, self.early_exaggeration if early else 1.0,
                                                       with_kl=kl)
        self._descend(grad, 0.5 if early else 0.8)
        self.iteration += 1
        return self._result(kl_value)

    def _result(self, kl):
        return {"positions": self.embedding_.astype(np.float32), "iteration": self.iteration, "kl": kl}

    def step(self, n=1, kl=True):
        """Run n iterations of gradient descent.

        Parameters
        ----------
        n : int >= 0
        kl : bool, compute the KL divergence at the last iteration (one log per edge).

        Returns
        -------
        dict
            ``positions``: (N, dims) float32, ``iteration``: int (total so far),
            ``kl``: float, KL divergence where the last iteration started
            (None if n == 0 or not `kl`).
        """
        if self.embedding_ is None:
            raise RuntimeError("call prepare(X) before step()")
        out = self._result(None)
        for left in range(int(n) - 1, -1, -1):
            out = drain(self.iter_step(kl=kl and left == 0))  # KL only for the reply: one log per edge
        return out

    def _descend(self, grad, momentum):
        """sklearn's update: gains grow where the step keeps direction, shrink where it flips."""
        flip = self._update * grad < 0.0
        self._gains = np.where(flip, self._gains + 0.2, self._gains * 0.8)
        np.maximum(self._gains, MIN_GAIN, out=self._gains)
        self._update = momentum * self._update - self.lr_ * self._gains * grad
        norm = np.sqrt(np.einsum("nd,nd->n", self._update, self._update))
        big = norm > MAX_STEP_NORM
        self._update[big] *= (MAX_STEP_NORM / norm[big])[:, None]
        self.embedding_ += self._update
        self.embedding_ -= self.embedding_.mean(0)  # keep the view centred; the gradient ignores shifts

    def perturb(self, scale=0.05):
        """Jitter every point by up to ``scale`` x the embedding's radius, as the Projector's Perturb.

        Points stay inside the current radius; the embedding is re-centred.
        Returns the new positions, (N, dims) float32.
        """
        if self.embedding_ is None:
            raise RuntimeError("call prepare(X) before perturb()")
        Y = self.embedding_ - self.embedding_.mean(0)
        radius = np.sqrt(np.einsum("nd,nd->n", Y, Y).max())
        Y = Y + float(scale) * radius * self._rng.uniform(-1.0, 1.0, Y.shape)
        r = np.sqrt(np.einsum("nd,nd->n", Y, Y))
        out = r > radius
        Y[out] *= (radius / r[out])[:, None]
        self.embedding_ = Y - Y.mean(0)
        return self.embedding_.astype(np.float32)
