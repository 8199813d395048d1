"""PCA for the Projector: the top 10 principal components of centred data.

The d x d covariance is accumulated in row chunks through BLAS syrk, then
eigendecomposed; there is no SVD of the whole N x d matrix, so 10,000 x 128
takes a few ms natively and stays fast in Pyodide (whose numpy has no BLAS).
With more dimensions than points (d > N) the N x N Gram matrix of the centred
rows takes the covariance's place, in column chunks; it has the same nonzero
eigenvalues, and the components follow from it by one product.
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


def _covariance_eig(X, k, step):
    """The k top eigenpairs of the (d, d) covariance, accumulated in row chunks (n >= d).

    Yields ``(rows_done, N)``; returns (mean (d,), vals (k,), comps (k, d), total variance).
    """
    n, d = X.shape
    mean = X.mean(0, dtype=np.float64)
    cov = np.zeros((d, d))
    step = step or max(1, CHUNK_WORK // (d * d))
    for lo in range(0, n, step):
        cov += gram(np.asarray(X[lo:lo + step], dtype=np.float64) - mean)
        yield min(n, lo + step), n
    cov /= n - 1
    vals, comps = _top_eigh(cov, k)
    return mean, vals, comps, np.trace(cov)


def _null_complement(comps, count):
    """`count` unit rows orthogonal to the orthonormal rows of `comps` (r, d) and to each other.

    Gram-Schmidt over the standard basis in order, so the result is deterministic.
    Vectors orthogonal to every non-null component project centred data to 0,
    as sklearn's zero-variance components do.
    """
    basis, out = list(comps), []
    for j in range(comps.shape[1] if count else 0):
        v = np.zeros(comps.shape[1])
        v[j] = 1.0
        for b in basis:
            v -= (b @ v) * b
        norm = np.sqrt(v @ v)
        if norm > 0.5:  # mostly outside the span so far: well conditioned
            basis.append(v / norm)
            out.append(v / norm)
            if len(out) == count:
                break
    return np.array(out).reshape(count, comps.shape[1])


def _gram_eig(X, k, step):
    """The k top eigenpairs of the covariance through the (n, n) Gram matrix (d > n).

    The covariance's nonzero eigenvalues are those of Xc Xc^T / (n - 1), and
    its eigenvectors are Xc^T u normalised, so memory is n^2 + k d, not d^2.
    Yields ``(columns_done, d)``; returns what `_covariance_eig` returns.
    """
    n, d = X.shape
    mean = X.mean(0, dtype=np.float64)
    G = np.zeros((n, n))
    step = step or max(1, CHUNK_WORK // (n * n))
    for lo in range(0, d, step):
        G += gram((np.asarray(X[:, lo:lo + step], dtype=np.float64) - mean[lo:lo + step]).T)
        yield min(d, lo + step), d
    G /= n - 1
    vals, U = _top_eigh(G, k)
    comps = np.empty((k, d))
    for lo in range(0, d, step):
        comps[:, lo:lo + step] = matmul(U, np.asarray(X[:, lo:lo + step], dtype=np.float64) - mean[lo:lo + step])
    # Eigenvalues within eigh's round-off of zero have no direction of their own:
    # Xc^T u is noise there, so those components are completed orthogonally.
    live = vals > max(vals[0], 0.0) * 64 * n * np.finfo(float).eps
    comps[live] /= np.sqrt(np.einsum("ij,ij->i", comps[live], comps[live]))[:, None]
    comps[~live] = _null_complement(comps[live], int((~live).sum()))
    return mean, vals, comps, np.trace(G)


def iter_pca(X, n_components=MAX_COMPONENTS, rows_per_chunk=None):
    """Fit PCA, a generator yielding ``(done, total)`` after each chunk.

    Chunks are rows of the (d, d) covariance when N >= d, else columns of the
    (N, N) Gram matrix (3 rows of 20,000 values need 72 bytes, not 3 GB).

    Parameters
    ----------
    X : (N, d) array, N >= 2.
    n_components : int, clipped to min(d, N).
    rows_per_chunk : int, optional; rows (or Gram columns) per chunk.

    Returns
    -------
    PCAFit, as the generator's return value.
    """
    X = np.asarray(X)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"PCA needs an (N, d) array with N >= 2, got shape {X.shape}")
    n, d = X.shape
    k = max(1, min(int(n_components), d, n))
    eig = _gram_eig if d > n else _covariance_eig
    mean, vals, comps, total = yield from eig(X, k, rows_per_chunk)
    vals = np.maximum(vals, 0.0)  # round-off can leave -1e-17 on rank-deficient data
    big = np.argmax(np.abs(comps), axis=1)
    comps *= np.sign(comps[np.arange(k), big])[:, None]
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
