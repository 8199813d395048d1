"""PCA for the Projector: the top 10 principal components of centred data.

The d x d covariance is accumulated in row chunks through BLAS syrk, then
eigendecomposed; there is no SVD of the whole N x d matrix, so 10,000 x 128
takes a few ms natively and stays fast in Pyodide (whose numpy has no BLAS).
Signs are fixed like sklearn's ``svd_flip(u_based_decision=False)``: the
largest-magnitude entry of each component is positive.

Unlike the Projector (which skips centring unless "Sphereize" is on), data is
always centred; `sphereize` gives the Projector's normalisation as an option.
"""

from typing import NamedTuple

import numpy as np

from ._blas import gram, matmul
from ._util import drain

MAX_COMPONENTS = 10
CHUNK_WORK = 60_000_000  # multiply-adds per covariance chunk (~20 ms native)


class PCAFit(NamedTuple):
    """A fitted PCA.

    Attributes
    ----------
    mean : (d,) float64
    components : (k, d) float64, orthonormal rows, largest variance first.
    explained_variance : (k,) float64, eigenvalues of the covariance (divided by N - 1).
    explained_variance_ratio : (k,) float64, share of the total variance.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray


def sphereize(X):
    """The Projector's "Sphereize data": centre, then scale rows to unit length.

    Parameters
    ----------
    X : (N, d) array

    Returns
    -------
    (N, d) float32; zero rows stay zero.
    """
    X = np.asarray(X, dtype=np.float64)
    X = X - X.mean(0)
    norm = np.sqrt(np.einsum("ij,ij->i", X, X))
    return (X / np.where(norm > 0, norm, 1.0)[:, None]).astype(np.float32)


def _top_eigh(C, k):
    """The k largest eigenpairs of symmetric C (d, d), largest first."""
    d = len(C)
    try:
        from scipy.linalg import eigh
        vals, vecs = eigh(C, subset_by_index=[d - k, d - 1])  # LAPACK: fast even in Pyodide
    except ImportError:
        vals, vecs = np.linalg.eigh(C)
        vals, vecs = vals[d - k:], vecs[:, d - k:]
    return vals[::-1], vecs[:, ::-1].T


def iter_pca(X, n_components=MAX_COMPONENTS, rows_per_chunk=None):
    """Fit PCA, a generator yielding ``(rows_done, N)`` after each covariance chunk.

    Parameters
    ----------
    X : (N, d) array, N >= 2.
    n_components : int, clipped to min(d, N - 1... N).

    Returns
    -------
    PCAFit, as the generator's return value.
    """
    X = np.asarray(X)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"PCA needs an (N, d) array with N >= 2, got shape {X.shape}")
    n, d = X.shape
    k = max(1, min(int(n_components), d, n))
    mean = X.mean(0, dtype=np.float64)
    cov = np.zeros((d, d))
    step = rows_per_chunk or max(1, CHUNK_WORK // (d * d))
    for lo in range(0, n, step):
        cov += gram(np.asarray(X[lo:lo + step], dtype=np.float64) - mean)
        yield min(n, lo + step), n
    cov /= n - 1
    vals, comps = _top_eigh(cov, k)
    vals = np.maximum(vals, 0.0)  # round-off can leave -1e-17 on rank-deficient data
    big = np.argmax(np.abs(comps), axis=1)
    comps *= np.sign(comps[np.arange(k), big])[:, None]
    total = np.trace(cov)
    ratio = vals / total if total > 0 else np.zeros(k)
    return PCAFit(mean, comps, vals, ratio)


def pca(X, n_components=MAX_COMPONENTS):
    """`iter_pca` run to the end: a PCAFit."""
    return drain(iter_pca(X, n_components))


def transform(X, fit, rows_per_chunk=65536):
    """Coordinates of X on the fitted components.

    Parameters
    ----------
    X : (N, d) array
    fit : PCAFit

    Returns
    -------
    (N, k) float64.
    """
    X = np.asarray(X)
    out = np.empty((len(X), len(fit.components)))
    for lo in range(0, len(X), rows_per_chunk):
        out[lo:lo + rows_per_chunk] = matmul(np.asarray(X[lo:lo + rows_per_chunk], dtype=np.float64) - fit.mean,
                                             fit.components.T)
    return out
