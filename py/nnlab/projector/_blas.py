"""Dense products routed through BLAS when scipy is present.

Pyodide's numpy has no BLAS: ``a @ b`` on large matrices runs 50-100x slower
than native, while ``scipy.linalg.blas`` (OpenBLAS compiled to wasm) is only
~5x slower. scipy is imported on first use, so importing `nnlab.projector`
never requires it; without scipy these fall back to numpy.
"""

import numpy as np


def _blas():
    try:
        from scipy.linalg import blas
    except ImportError:  # numpy-only environment: slower but correct
        return None
    return blas


def cross(a, b):
    """``a @ b.T`` through BLAS gemm.

    Parameters
    ----------
    a : (m, d) float32 or float64
    b : (n, d) same dtype as `a`

    Returns
    -------
    (m, n) C-contiguous array of the same dtype.
    """
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    blas = _blas()
    if blas is None or a.dtype != b.dtype or a.dtype not in (np.float32, np.float64):
        return a @ b.T
    gemm = blas.sgemm if a.dtype == np.float32 else blas.dgemm
    # a.T and b.T are Fortran-contiguous views, so f2py copies nothing. gemm gives
    # (b @ a.T) in Fortran order, whose transpose is a @ b.T in C order.
    return gemm(1.0, b.T, a.T, trans_a=1).T


def gram(x):
    """``x.T @ x`` through BLAS syrk (half the work of gemm).

    Parameters
    ----------
    x : (n, d) float64

    Returns
    -------
    (d, d) float64 symmetric.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    blas = _blas()
    if blas is None:
        return x.T @ x
    upper = blas.dsyrk(1.0, x.T)  # x.T is (d, n) Fortran-contiguous: no copy
    return np.triu(upper) + np.triu(upper, 1).T


def tmatmul(a, b):
    """``a.T @ b`` through BLAS gemm for (k, m), (k, n) of one float dtype: (m, n)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    blas = _blas()
    if blas is None or a.dtype != b.dtype or a.dtype not in (np.float32, np.float64):
        return a.T @ b
    gemm = blas.sgemm if a.dtype == np.float32 else blas.dgemm
    return gemm(1.0, a.T, b)  # a.T is Fortran-contiguous: no copy of the big operand


def matmul(a, b):
    """``a @ b`` through BLAS gemm for (m, k) @ (k, n) of one float dtype."""
    return cross(a, np.ascontiguousarray(np.asarray(b).T))
