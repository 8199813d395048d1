"""Small numpy computations the landing page runs to show Python is alive and how fast,
and `sklearn_tsne`, the reference t-SNE that bench/projector.py times in the worker."""

import sys
import time

import numpy as np

from . import __version__

MAX_N = 1000
MAX_ROUNDS = 100


def matmul_check(ctx, n=200, rounds=5, seed=0):
    """Multiply a seeded n x n float32 matrix by its transpose, `rounds` times.

    Yields progress after each round, so the page shows it and can cancel.

    Returns
    -------
    dict
        ``checksum``: trace of A @ A.T (float), ``ms_per_round``,
        ``first_row``: (min(n, 8),) float32 of A @ A.T.
    """
    n, rounds = int(n), int(rounds)
    # One round is one uninterruptible chunk: keep it well under a second in the browser.
    if not 1 <= n <= MAX_N:
        raise ValueError(f"n must be between 1 and {MAX_N}, got {n}")
    if not 1 <= rounds <= MAX_ROUNDS:
        raise ValueError(f"rounds must be between 1 and {MAX_ROUNDS}, got {rounds}")
    a = np.random.default_rng(int(seed)).standard_normal((n, n), dtype=np.float32)
    times = []
    for r in range(rounds):
        t0 = time.perf_counter()
        b = a @ a.T
        times.append((time.perf_counter() - t0) * 1000)
        yield {"round": r + 1, "rounds": rounds, "ms": times[-1]}
    return {"checksum": float(np.trace(b, dtype=np.float64)), "ms_per_round": float(np.median(times)),
            "first_row": b[0, :8].astype(np.float32)}


def scale(ctx, x, factor=2.0):
    """Return `x` times `factor` with x's dtype: the typed-array round trip."""
    x = np.asarray(x)
    return (x * x.dtype.type(factor)).astype(x.dtype)


def versions(ctx):
    """Versions of Python, numpy and nnlab as the worker sees them."""
    return {"python": sys.version.split()[0], "numpy": np.__version__, "nnlab": __version__}


SKLEARN_TSNE_MAX_N = 20_000


def sklearn_tsne(ctx, data, perplexity=30.0, seed=0, max_iter=1000):
    """scikit-learn's TSNE on `data` with its defaults (2-D, PCA init, learning rate "auto").

    For the benchmark (bench/projector.py): the reference t-SNE timed in the
    same worker as ours. One uninterruptible call (seconds to minutes); the page
    must load scikit-learn first (``client.load(['scikit-learn'])``).

    Parameters
    ----------
    data : (N, d) array, 4 <= N <= 20,000.

    Returns
    -------
    dict
        ``embedding``: (N, 2) float32, ``seconds``: fit time (float),
        ``n_iter``: iterations run, ``kl``: final KL divergence, ``sklearn``: version.
    """
    X = np.asarray(data, dtype=np.float32)
    if X.ndim != 2 or not 4 <= len(X) <= SKLEARN_TSNE_MAX_N:
        raise ValueError(f"data must be an (N, d) array with 4 <= N <= {SKLEARN_TSNE_MAX_N}, got {list(X.shape)}")
    import sklearn  # lazily: the worker starts with numpy alone
    from sklearn.manifold import TSNE

    tsne = TSNE(perplexity=float(perplexity), random_state=int(seed), max_iter=int(max_iter))
    t0 = time.perf_counter()
    emb = tsne.fit_transform(X)
    return {"embedding": emb.astype(np.float32), "seconds": time.perf_counter() - t0,
            "n_iter": int(tsne.n_iter_), "kl": float(tsne.kl_divergence_), "sklearn": sklearn.__version__}


def playground_timing(ctx, config, epochs=200, frames=30, resolution=50):
    """How fast the Playground engine runs in this Python, without the page around it.

    For bench/playground.py: the worker's own share of a frame, beside the page's rate.

    Returns
    -------
    dict
        ``epochs_per_s`` (training alone), and per-frame milliseconds (medians) of
        ``epoch``, ``evaluate`` (loss readouts), ``heatmaps`` and ``step`` (the
        handler the page calls: one epoch, losses, heatmaps, weights).
    """
    from .playground import service
    from .playground.trainer import Trainer
    if not 1 <= int(epochs) <= 5000 or not 1 <= int(frames) <= 500:
        raise ValueError("epochs must be in [1, 5000] and frames in [1, 500]")
    trainer = Trainer(config)
    trainer.train(3)
    t0 = time.perf_counter()
    trainer.train(int(epochs))
    rate = int(epochs) / (time.perf_counter() - t0)
    parts = {"epoch": lambda: trainer.train(1), "evaluate": trainer.evaluate,
             "heatmaps": lambda: trainer.heatmaps(resolution),
             "step": lambda: service.step(ctx, epochs=1, heatmaps=True, resolution=resolution)}
    ctx.store[service.STORE_KEY] = trainer
    out = {"epochs_per_s": rate}
    for name, fn in parts.items():
        times = []
        for _ in range(int(frames)):
            trainer._version += name == "evaluate"  # a fresh evaluation, not the cached one
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = float(np.median(times))
    return out
