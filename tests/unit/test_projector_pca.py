"""Projector PCA against sklearn.decomposition.PCA."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
from sklearn.decomposition import PCA

from nnlab.projector import pca
from nnlab.projector._util import drain


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread, as in the browser: on 2 busy cores more threads only thrash."""
    with threadpool_limits(1):
        yield


def _data(n=600, d=24, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.geomspace(10, 0.1, d)  # distinct variances: components are well defined
    basis = np.linalg.qr(rng.standard_normal((d, d)))[0]
    return ((rng.standard_normal((n, d)) * scales) @ basis + 3.0).astype(np.float32)


def test_matches_sklearn_up_to_sign():
    X = _data()
    fit = pca.pca(X)
    ref = PCA(n_components=10).fit(X.astype(np.float64))
    assert fit.components.shape == (10, 24)
    dots = np.abs(np.sum(fit.components * ref.components_, axis=1))
    np.testing.assert_allclose(dots, 1.0, atol=1e-6)
    np.testing.assert_allclose(fit.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(fit.explained_variance, ref.explained_variance_, rtol=1e-6)
    np.testing.assert_allclose(np.abs(pca.transform(X, fit)), np.abs(ref.transform(X)), atol=1e-4)


def test_sign_convention_is_deterministic():
    X = _data(seed=1)
    a, b = pca.pca(X), pca.pca(X[::-1].copy())  # same data, other order: same components
    np.testing.assert_allclose(a.components, b.components, atol=1e-8)
    big = np.argmax(np.abs(a.components), axis=1)
    assert (a.components[np.arange(10), big] > 0).all()


def test_fewer_components_when_few_dimensions():
    X = _data(d=4)
    fit = pca.pca(X)
    assert fit.components.shape == (4, 4)
    np.testing.assert_allclose(fit.explained_variance_ratio.sum(), 1.0, rtol=1e-9)


def test_chunked_covariance_matches_one_chunk():
    X = _data(n=257)
    steps = []
    fit = drain(pca.iter_pca(X, rows_per_chunk=50), steps.append)
    assert steps[-1] == (257, 257) and len(steps) == 6
    np.testing.assert_allclose(fit.components, pca.pca(X).components, atol=1e-9)


def test_sphereize_centres_and_unit_normalises():
    out = pca.sphereize(_data())
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError):
        pca.pca(np.zeros((1, 3)))
