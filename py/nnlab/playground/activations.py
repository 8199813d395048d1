"""The Playground's activations: one table, every form each one is computed in.

Each entry of `ACTIVATIONS` is a class used as a namespace (never instantiated)
with, for one activation f:

``forward(z, wide)``       f(z) in float64 (training, losses, exports); `wide`: many samples.
``slope(z, a)``            df/dz from z and a = f(z) (whichever is cheaper); hidden ones only.
``calls(x)``               numpy calls that apply f to x in place with `forward`'s arithmetic,
                           for `nnlab.playground.update.EpochPlan` (samples are columns).
``slope_calls(a, out)``    numpy calls writing df/dz into `out` from a = f(z).
``draw(x, scratch, out)``  f in place on float32 rows (neurons, grid points), for heatmaps only:
                           hidden tanh and sigmoid through `fast_tanh`; the output layer is exact,
                           and a sigmoid output p is drawn as 2p - 1 so binary outputs colour in [-1, 1].

Softmax is an output activation only: its slope is never needed, because
softmax + cross-entropy gives the output delta ``o - t`` directly.

This module imports only numpy: `nnlab.playground.export` copies its source into
standalone scripts.
"""

import numpy as np

F32 = np.float32
# tanh(x) ~ x P(x^2) / Q(x^2), the [7/6] Pade approximant, with x clamped to +-4.79,
# where it is within 7.1e-5 of tanh everywhere (about 1/900 of a colour shade).
TANH_CLAMP = F32(4.79)
_NUM = tuple(map(F32, (378.0, 17325.0, 135135.0)))
_DEN = tuple(map(F32, (28.0, 3150.0, 62370.0, 135135.0)))


def tanh_wide(z):
    """tanh through one exp, for many values at once: within 4e-16 of np.tanh (absolute).

    In the browser's numpy np.tanh costs about three np.exp; for a few values
    the extra calls cost more than they save, so training keeps np.tanh.
    """
    t = np.exp(-2.0 * np.abs(z))
    out = (1.0 - t) / (1.0 + t)
    return np.copysign(out, z, out=out)


def fast_tanh(x, scratch):
    """tanh of float32 `x` in place, within 7.1e-5, using `scratch` (same shape).

    In the browser's numpy np.tanh costs about 35 ns per value and np.exp 19 ns;
    this rational form is a dozen passes of multiply-and-add, about 12 ns in all.
    NaN stays NaN.
    """
    np.clip(x, -TANH_CLAMP, TANH_CLAMP, out=x)
    s = np.multiply(x, x, out=scratch)
    num = s + _NUM[0]
    num *= s
    num += _NUM[1]
    num *= s
    num += _NUM[2]
    num *= x
    np.multiply(s, _DEN[0], out=x)
    x += _DEN[1]
    x *= s
    x += _DEN[2]
    x *= s
    x += _DEN[3]
    np.divide(num, x, out=x)


def _softmax_down_columns(x):
    """Softmax down each column of x (classes, samples) in place; shifting by the max avoids overflow."""
    x -= x.max(axis=0)
    np.exp(x, out=x)
    x /= x.sum(axis=0)


class Tanh:
    hidden = True

    def forward(z, wide=False):
        return tanh_wide(z) if wide else np.tanh(z)

    def slope(z, a):
        return 1.0 - a * a

    def calls(x):
        return [(np.tanh, (x, x))]

    def slope_calls(a, out):
        return [(np.multiply, (a, a, out)), (np.subtract, (1.0, out, out))]

    def draw(x, scratch, output):
        np.tanh(x, out=x) if output else fast_tanh(x, scratch)


class Relu:
    hidden = True

    def forward(z, wide=False):
        return np.maximum(z, 0.0)

    def slope(z, a):
        return (z > 0).astype(z.dtype)  # 0 at z = 0, as in the anchor

    def calls(x):
        return [(np.maximum, (x, 0.0, x))]

    def slope_calls(a, out):
        return [(np.greater, (a, 0.0, out))]  # a > 0 exactly where z > 0

    def draw(x, scratch, output):
        np.maximum(x, F32(0.0), out=x)


class Sigmoid:
    """Logistic function written with tanh, 0.5 (1 + tanh(z / 2)): the same values, no overflow warning."""
    hidden = True

    def forward(z, wide=False):
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def slope(z, a):
        return a * (1.0 - a)

    def calls(x):
        return [(np.multiply, (x, 0.5, x)), (np.tanh, (x, x)), (np.add, (x, 1.0, x)), (np.multiply, (x, 0.5, x))]

    def slope_calls(a, out):
        return [(np.subtract, (1.0, a, out)), (np.multiply, (a, out, out))]

    def draw(x, scratch, output):
        np.multiply(x, F32(0.5), out=x)
        if output:  # drawn as 2p - 1 = tanh(z / 2)
            np.tanh(x, out=x)
            return
        fast_tanh(x, scratch)
        np.add(x, F32(1.0), out=x)
        np.multiply(x, F32(0.5), out=x)


class Linear:
    hidden = True

    def forward(z, wide=False):
        return z

    def slope(z, a):
        return 1.0  # broadcasting a scalar skips an array of ones

    def calls(x):
        return []

    def slope_calls(a, out):
        return []  # slope 1: callers skip the multiply

    def draw(x, scratch, output):
        pass


class Softmax:
    """Row-wise softmax of (n, k) logits (columns in `calls` and `draw`); output layer only."""
    hidden = False

    def forward(z, wide=False):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def calls(x):
        return [(_softmax_down_columns, (x,))]

    def draw(x, scratch, output):
        _softmax_down_columns(x)


ACTIVATIONS = {"relu": Relu, "tanh": Tanh, "sigmoid": Sigmoid, "linear": Linear, "softmax": Softmax}
HIDDEN_ACTIVATIONS = tuple(name for name, f in ACTIVATIONS.items() if f.hidden)
