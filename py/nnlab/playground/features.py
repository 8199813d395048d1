"""Input features of the Playground: functions of a point's raw (x, y).

Names are TensorFlow Playground's URL keys and the order is its input order.
Coordinates are used raw, in [-6, 6], not normalised (as in the anchor).

This module imports only numpy: `nnlab.playground.export` copies its source into
standalone scripts.
"""

import numpy as np


def feature_x(X):
    """X1: (n, 2) -> (n,)."""
    return X[:, 0]


def feature_y(X):
    """X2: (n, 2) -> (n,)."""
    return X[:, 1]


def feature_x_squared(X):
    """X1 squared: (n, 2) -> (n,)."""
    return X[:, 0] * X[:, 0]


def feature_y_squared(X):
    """X2 squared: (n, 2) -> (n,)."""
    return X[:, 1] * X[:, 1]


def feature_x_times_y(X):
    """X1 * X2: (n, 2) -> (n,)."""
    return X[:, 0] * X[:, 1]


def feature_sin_x(X):
    """sin(X1): (n, 2) -> (n,)."""
    return np.sin(X[:, 0])


def feature_sin_y(X):
    """sin(X2): (n, 2) -> (n,)."""
    return np.sin(X[:, 1])


# The schema's feature names (nnlab.playground.schema.FEATURES, same order) -> how to compute each.
FEATURE_FUNCTIONS = {
    "x": feature_x,
    "y": feature_y,
    "xSquared": feature_x_squared,
    "ySquared": feature_y_squared,
    "xTimesY": feature_x_times_y,
    "sinX": feature_sin_x,
    "sinY": feature_sin_y,
}


def inputs(X, names):
    """The network's input matrix: one column per named feature, in the given order.

    Parameters
    ----------
    X : (n, 2) array
        Raw coordinates.
    names : sequence of str
        Keys of `FEATURE_FUNCTIONS`.

    Returns
    -------
    (n, len(names)) float64
    """
    X = np.asarray(X, dtype=np.float64)
    out = np.empty((len(X), len(names)))
    for j, name in enumerate(names):
        if name not in FEATURE_FUNCTIONS:
            raise ValueError(f"unknown feature {name!r}; known: {', '.join(FEATURE_FUNCTIONS)}")
        out[:, j] = FEATURE_FUNCTIONS[name](X)
    return out


def grid(resolution, limit=6.0):
    """Points of an R x R grid over [-limit, limit]^2, row-major from the top left.

    Row 0 is y = +limit and column 0 is x = -limit, so values over the grid
    draw directly as an image.

    Returns
    -------
    (R*R, 2) float64
    """
    xs = np.linspace(-limit, limit, resolution)
    gx, gy = np.meshgrid(xs, xs[::-1])
    return np.column_stack([gx.ravel(), gy.ravel()])
