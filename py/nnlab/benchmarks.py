"""Requests only the benchmarks (bench/) and tests use, kept out of the table every page serves.

A page's worker adds this table when the page is opened with ``?handlers=bench``
(see `nnlab.api.make_server`).

- ``bench.sklearn_tsne`` {data*, perplexity, seed, max_iter}: scikit-learn's t-SNE in the worker
- ``bench.playground_timing`` {config*, epochs, frames, resolution}: the Playground engine's own speed
"""

import time

import numpy as np

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
    parts = {"epoch": lambda: trainer.train(1), "evaluate": lambda: trainer.evaluate(fresh=True),
             "heatmaps": lambda: trainer.heatmaps(resolution),
             "step": lambda: service.step(ctx, epochs=1, heatmaps=True, resolution=resolution)}
    ctx.store[service.STORE_KEY] = trainer
    out = {"epochs_per_s": rate}
    for name, fn in parts.items():
        times = []
        for _ in range(int(frames)):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = float(np.median(times))
    return out


HANDLERS = {
    "bench.sklearn_tsne": sklearn_tsne,  # bench/projector.py's reference t-SNE
    "bench.playground_timing": playground_timing,  # bench/playground.py: the worker's share
}
