"""Small numpy computations the landing page runs to show Python is alive and how fast."""

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


