"""TensorBoard's scalar smoothing: a debiased exponential moving average.

Per series, by point index, TensorBoard keeps ``last = last*w + (1-w)*y`` over
the finite points and shows ``last / (1 - w**n)`` (n = finite points so far;
divisor 1 when w == 1). Non-finite points pass through unchanged and do not
advance n; a constant series is left as it is.

The recurrence is evaluated in blocks with numpy so a 200,000-point series
smooths in milliseconds: inside a block of B points the EMA started from zero is
``(1-w) * w**i * cumsum(y_j * w**-j)``; B is chosen so ``w**-B`` stays far from
overflow, and only the carry between blocks is a Python loop (n/B steps). Powers of w
are products, never pow(), so CPython and the browser give the same bits.
"""

import math

import numpy as np

MAX_WEIGHT = 0.999  # TensorBoard's slider maximum
DEFAULT_WEIGHT = 0.6
_SCALE_LIMIT = 1e12  # largest w**-j used inside a block; keeps cumsum terms finite and accurate


def _powers(w, n):
    """w**1 .. w**n, (n,) float64, by repeated multiplication: libm's pow differs in the last bit
    between CPython's and Pyodide's C libraries, products do not, so both runtimes smooth alike."""
    return np.cumprod(np.full(n, w, dtype=np.float64))


def _ema_finite(y, w):
    """Undebiased EMA ``last`` after each point of an all-finite (m,) series."""
    m = y.size
    p = _powers(w, 8192)
    b = max(1, int(np.count_nonzero(p >= 1.0 / _SCALE_LIMIT)))  # w**-b stays under the limit
    nb = -(-m // b)
    padded = np.zeros(nb * b)
    padded[:m] = y
    blocks = padded.reshape(nb, b)
    wj = np.concatenate([[1.0], p[:b - 1]])              # (b,): w**j, j = 0..b-1
    local = (1 - w) * wj * np.cumsum(blocks / wj, axis=1)  # (nb, b): EMA from 0 in each block
    wb = float(p[b - 1])
    carry = np.empty(nb)  # `last` entering each block
    c = 0.0
    ends = local[:, -1].tolist()
    for k in range(nb):
        carry[k] = c
        c = ends[k] + wb * c
    full = local + carry[:, None] * p[None, :b]
    return full.reshape(-1)[:m]


def smooth(values, weight=DEFAULT_WEIGHT):
    """TensorBoard's debiased EMA of one series.

    Parameters
    ----------
    values : (n,) array_like of float
    weight : float
        Smoothing weight w in [0, 1].

    Returns
    -------
    (n,) float64
        The smoothed series; non-finite inputs are copied through.
    """
    y = np.asarray(values, dtype=np.float64).reshape(-1)
    if not 0.0 <= weight <= 1.0 or math.isnan(weight):
        raise ValueError(f"smoothing weight must be in [0, 1], got {weight!r}")
    out = y.copy()
    if y.size == 0 or weight == 0.0 or np.all(y == y[0]):
        return out
    finite = np.isfinite(y)
    yf = y[finite]
    if yf.size == 0:
        return out
    if weight == 1.0:
        out[finite] = 0.0  # last never moves from 0 and the divisor is 1
        return out
    out[finite] = _ema_finite(yf, weight) / (1.0 - _powers(weight, yf.size))
    return out
