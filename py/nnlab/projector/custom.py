"""Custom projections: axes between the centroids of metadata queries.

As the Projector's ``reprojectCustom``: each of the four queries (left,
right, up, down) selects points by a metadata search; its centroid in the
original space stands for it (a random vector if nothing matches); then
``x = (v - mean) . (right - left)`` and ``y = (v - mean) . (up - down)``,
each direction scaled to unit length so both axes are in data units.
"""

import numpy as np

from .search import search

QUERIES = ("left", "right", "up", "down")


def _centroid(X, values, query, regex, rng):
    """Centroid (d,) of the points whose value matches, and how many matched."""
    hits = search(values, query, regex)
    if len(hits):
        return X[hits].mean(0, dtype=np.float64), len(hits)
    # The Projector falls back to a random vector; ours has the data's spread so
    # it does not swamp (or vanish next to) the other centroid.
    return X.mean(0, dtype=np.float64) + rng.standard_normal(X.shape[1]) * X.std(0, dtype=np.float64), 0


def custom_projection(X, values, left, right, up, down, regex=False, seed=0):
    """Project X onto the left->right and down->up centroid directions.

    Parameters
    ----------
    X : (N, d) array
    values : (N,) sequence of str, the metadata column searched.
    left, right, up, down : str queries (substring, or regex if `regex`).
    seed : int, for the random stand-in of a query with no match.

    Returns
    -------
    positions : (N, 2) float32
    counts : dict, matches per query: {"left": int, "right": int, "up": int, "down": int}

    Raises
    ------
    ValueError
        For an invalid regular expression, or values not matching X.
    """
    X = np.asarray(X)
    if len(values) != len(X):
        raise ValueError(f"got {len(values)} metadata values for {len(X)} points")
    rng = np.random.default_rng(seed)
    cents, counts = {}, {}
    for key, query in zip(QUERIES, (left, right, up, down)):
        cents[key], counts[key] = _centroid(X, values, query, regex, rng)
    mean = X.mean(0, dtype=np.float64)
    out = np.empty((len(X), 2), dtype=np.float32)
    for col, (a, b) in enumerate((("left", "right"), ("down", "up"))):
        direction = cents[b] - cents[a]
        norm = np.linalg.norm(direction)
        direction = direction / norm if norm > 0 else direction  # same centroids: a flat axis
        out[:, col] = (np.asarray(X, dtype=np.float64) - mean) @ direction
    return out, counts
