"""Custom projections on a synthetic set whose axes are known."""

import numpy as np
import pytest

from nnlab.projector.custom import custom_projection


@pytest.fixture
def data():
    """Points of four kinds: cat/dog along axis 0, big/small along axis 1, noise elsewhere."""
    rng = np.random.default_rng(0)
    kinds = [("cat", "big"), ("cat", "small"), ("dog", "big"), ("dog", "small")] * 25
    X = rng.standard_normal((100, 6)) * 0.3
    X[:, 0] += [(-4 if a == "cat" else 4) for a, _ in kinds]
    X[:, 1] += [(3 if b == "big" else -3) for _, b in kinds]
    labels = [f"{a} {b}" for a, b in kinds]
    return X.astype(np.float32), labels


def test_axes_follow_the_centroids(data):
    X, labels = data
    pos, counts = custom_projection(X, labels, left="cat", right="DOG", up="big", down="small")
    assert pos.shape == (100, 2) and pos.dtype == np.float32
    assert counts == {"left": 50, "right": 50, "up": 50, "down": 50}
    is_dog = np.array(["dog" in s for s in labels])
    is_big = np.array(["big" in s for s in labels])
    assert (pos[is_dog, 0] > 0).all() and (pos[~is_dog, 0] < 0).all()
    assert (pos[is_big, 1] > 0).all() and (pos[~is_big, 1] < 0).all()
    # unit directions: the x spread is the centroid distance along axis 0 (~8)
    assert 7 < pos[is_dog, 0].mean() - pos[~is_dog, 0].mean() < 9


def test_regex_queries_and_no_match(data):
    X, labels = data
    pos, counts = custom_projection(X, labels, "^cat", "^dog", "nothing-matches", "small", regex=True, seed=1)
    assert counts == {"left": 50, "right": 50, "up": 0, "down": 50}
    assert np.isfinite(pos).all()
    again, _ = custom_projection(X, labels, "^cat", "^dog", "nothing-matches", "small", regex=True, seed=1)
    np.testing.assert_array_equal(pos, again)  # the random stand-in is seeded


def test_invalid_regex_and_length_mismatch(data):
    X, labels = data
    with pytest.raises(ValueError, match="invalid regular expression"):
        custom_projection(X, labels, "[cat", "dog", "big", "small", regex=True)
    with pytest.raises(ValueError, match="metadata values"):
        custom_projection(X, labels[:-1], "cat", "dog", "big", "small")
