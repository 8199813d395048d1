"""Exact nearest neighbours against brute force; metadata search."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nnlab.projector import neighbors, search


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread, as in the browser: on 2 busy cores more threads only thrash."""
    with threadpool_limits(1):
        yield


def _brute(X, metric):
    X = X.astype(np.float64)
    if metric == "cosine":
        U = X / np.linalg.norm(X, axis=1, keepdims=True)
        D = 1.0 - U @ U.T
    else:
        D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(D, np.inf)
    return D


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    return rng.standard_normal((150, 7)).astype(np.float32)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_one_point_matches_brute_force(X, metric):
    D = _brute(X, metric)
    for index in (0, 17, 149):
        idx, dist = neighbors.nearest(X, index, 12, metric)
        order = np.argsort(D[index], kind="stable")[:12]
        np.testing.assert_array_equal(idx, order)
        np.testing.assert_allclose(dist, D[index, order], rtol=1e-6, atol=1e-7)
        assert index not in idx and (np.diff(dist) >= 0).all()


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_all_points_chunked_match_brute_force(X, metric):
    D = _brute(X, metric)
    idx, dist = neighbors.all_nearest(X, 9, metric)
    gen = neighbors.iter_all_nearest(X, 9, metric, chunk_rows=40)
    progress = [next(gen) for _ in range(4)]
    assert progress == [(40, 150), (80, 150), (120, 150), (150, 150)]
    expected = np.argsort(D, axis=1, kind="stable")[:, :9]
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_allclose(dist, np.take_along_axis(D, expected, 1), rtol=1e-6, atol=1e-7)


def test_squared_distances_duplicates_and_k_clipping():
    X = np.array([[0, 0], [0, 0], [3, 4], [6, 8]], dtype=np.float32)
    idx, dist = neighbors.all_nearest(X, 10, "euclidean", squared=True)
    assert idx.shape == (4, 3)  # k clipped to N - 1
    np.testing.assert_array_equal(idx[0], [1, 2, 3])  # its duplicate counts, itself does not
    np.testing.assert_allclose(dist[0], [0, 25, 100])
    i1, d1 = neighbors.nearest(X, 1, 5, "euclidean")
    np.testing.assert_array_equal(i1, [0, 2, 3])
    np.testing.assert_allclose(d1, [0, 5, 10])


def test_bad_arguments():
    X = np.ones((5, 2))
    with pytest.raises(ValueError, match="metric"):
        neighbors.nearest(X, 0, 2, "manhattan")
    with pytest.raises(ValueError, match="out of range"):
        neighbors.nearest(X, 5, 2)


def test_search_substring_regex_and_limit():
    values = ["The cat", "dog", "CATALOG", None, "bird"]
    np.testing.assert_array_equal(search.search(values, "cat"), [0, 2])
    np.testing.assert_array_equal(search.search(values, "^d|rd$", regex=True), [1, 4])
    np.testing.assert_array_equal(search.search(values, "cat", limit=1), [0])
    assert len(search.search(values, "")) == 0
    with pytest.raises(ValueError, match="invalid regular expression"):
        search.search(values, "ca(t", regex=True)
