"""Stepped t-SNE: affinities, gradient, reproducibility and quality against sklearn.

The hard product requirement: trustworthiness@10 of our 2-D embedding is
within 0.02 of sklearn TSNE's on the same data (1,000 sklearn digits).
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness
from threadpoolctl import threadpool_limits

from nnlab.projector import affinity
from nnlab.projector.neighbors import all_nearest
from nnlab.projector.repulsion import exact_repulsion, fft_repulsion
from nnlab.projector.tsne import TSNE, auto_learning_rate, sample_indices


def _blobs(n=300, d=10, k=5, seed=0, spread=5.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    return (rng.standard_normal((k, d))[y] * spread + rng.standard_normal((n, d))).astype(np.float32), y


def _knn_accuracy(Y, labels, k=5):
    idx, _ = all_nearest(Y, k)
    votes = labels[idx]
    pred = np.array([np.bincount(v.astype(np.intp)).argmax() for v in votes])  # intp: int32 in Pyodide
    return float(np.mean(pred == labels))


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread, as in the browser: on 2 busy cores more threads only thrash."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.data[:1000].astype(np.float32), data.target[:1000]


@pytest.fixture(scope="module")
def reference(digits):
    X, _ = digits
    with threadpool_limits(1):
        return SkTSNE(n_components=2, init="pca", random_state=0).fit_transform(X)


@pytest.fixture(scope="module", params=["auto", "fft"])
def ours(digits, request):
    """Our run on the digits: "auto" is exact repulsion at this size, "fft" the 10k-point path."""
    X, _ = digits
    run = TSNE(random_state=0, negative_gradient_method=request.param).prepare(X)
    start = run.embedding_.copy()
    return start, run.step(1000)


def test_conditional_rows_sum_to_one_with_entropy_log_perplexity():
    X, _ = _blobs()
    _, dist = all_nearest(X, 90, squared=True)
    P, beta = affinity.conditional_probabilities(dist, 30.0)
    np.testing.assert_allclose(P.sum(1), 1.0, rtol=1e-12)
    entropy = -np.sum(P * np.log(np.where(P > 0, P, 1.0)), axis=1)
    np.testing.assert_allclose(entropy, np.log(30.0), atol=1e-4)
    assert (beta > 0).all()


def test_joint_p_is_symmetric_sums_to_one_and_matches_sklearn():
    from scipy.sparse import csr_matrix
    from sklearn.manifold._t_sne import _joint_probabilities_nn

    X, _ = _blobs()
    n = len(X)
    idx, dist = all_nearest(X, 90, squared=True)
    P, _ = affinity.conditional_probabilities(dist, 30.0)
    i, j, p = affinity.joint_probabilities(idx, P)
    assert (i < j).all()
    dense = affinity.to_dense(i, j, p, n)
    np.testing.assert_allclose(dense, dense.T)
    np.testing.assert_allclose(dense.sum(), 1.0, rtol=1e-12)
    graph = csr_matrix((dist.ravel(), idx.ravel(), np.arange(0, n * 90 + 1, 90)), shape=(n, n))
    ref = _joint_probabilities_nn(graph, 30.0, 0).toarray()
    np.testing.assert_allclose(dense, ref, rtol=1e-4, atol=1e-6 * ref.max())  # sklearn's P is float32


def test_supervision_moves_mass_within_classes():
    X, y = _blobs(n=200, k=3, seed=1, spread=0.7)  # overlapping classes
    labels = np.array([str(v) for v in y], dtype=object)
    labels[:20] = ""  # unlabelled points keep their rows
    idx, dist = all_nearest(X, 30, squared=True)
    P, _ = affinity.conditional_probabilities(dist, 10.0)
    codes = affinity.label_codes(labels)
    assert codes[0] == -1 and len(set(codes[20:])) == 3

    def same_mass(Q):
        return np.sum(Q * (y[idx] == y[:, None]), axis=1)[20:].mean()

    half, full = affinity.supervise(P, idx, codes, 0.5), affinity.supervise(P, idx, codes, 1.0)
    np.testing.assert_allclose(full.sum(1), 1.0)
    assert same_mass(P) < same_mass(half) < same_mass(full)
    np.testing.assert_array_equal(full[:20], P[:20])
    with pytest.raises(ValueError):
        affinity.supervise(P, idx, codes, 1.5)


def test_gradient_matches_finite_differences_of_kl():
    X, _ = _blobs(n=60)
    run = TSNE(perplexity=10, random_state=0, negative_gradient_method="exact").prepare(X)
    Y = np.random.default_rng(1).standard_normal((60, 2))
    grad, kl = run.gradient(Y)
    eps, num = 1e-6, np.zeros(6)
    for k, (a, b) in enumerate([(0, 0), (0, 1), (7, 0), (30, 1), (59, 0), (59, 1)]):
        Yp, Ym = Y.copy(), Y.copy()
        Yp[a, b] += eps
        Ym[a, b] -= eps
        num[k] = (run.gradient(Yp)[1] - run.gradient(Ym)[1]) / (2 * eps)
    np.testing.assert_allclose(num, grad[[0, 0, 7, 30, 59, 59], [0, 1, 0, 1, 0, 1]], rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("dims, scale, tol", [(2, 1e-3, 1e-4), (2, 4.0, 0.03), (2, 40.0, 0.08), (3, 3.0, 0.03)])
def test_fft_repulsion_matches_exact(dims, scale, tol):
    rng = np.random.default_rng(dims)
    Y = rng.standard_normal((1500, dims)) * scale
    Y[:500] += 2 * scale  # two lumps, as in an embedding
    rep, z = exact_repulsion(Y)
    rep_f, z_f = fft_repulsion(Y)
    assert abs(z_f / z - 1) < 2e-3
    assert np.linalg.norm(rep_f - rep) / np.linalg.norm(rep) < tol


def test_same_seed_same_embedding_and_learning_rate():
    X, _ = _blobs(n=250)
    a = TSNE(init="random", random_state=5).prepare(X).step(60)
    b = TSNE(init="random", random_state=5).prepare(X).step(60)
    c = TSNE(init="random", random_state=6).prepare(X).step(60)
    np.testing.assert_array_equal(a["positions"], b["positions"])
    assert a["kl"] == b["kl"] and a["iteration"] == 60
    assert not np.array_equal(a["positions"], c["positions"])
    assert auto_learning_rate(10000) == pytest.approx(10000 / 48) and auto_learning_rate(100) == 50


def test_trustworthiness_within_002_of_sklearn(digits, ours, reference):
    X, _ = digits
    _, result = ours
    assert result["iteration"] == 1000 and result["positions"].shape == (1000, 2)
    t_ours = trustworthiness(X, result["positions"], n_neighbors=10)
    t_ref = trustworthiness(X, reference, n_neighbors=10)
    assert t_ours >= t_ref - 0.02, (t_ours, t_ref)
    assert result["kl"] < 1.2


def test_knn_accuracy_rises_after_optimisation(digits, ours):
    _, y = digits
    start, result = ours
    before, after = _knn_accuracy(start, y), _knn_accuracy(result["positions"], y)
    assert after > 0.95 and after > before + 0.2, (before, after)


def test_three_dimensions():
    X, y = _blobs(n=400, k=4)
    for method in ("auto", "exact"):  # float32 and float64 exact repulsion
        run = TSNE(n_components=3, perplexity=20, random_state=0, negative_gradient_method=method).prepare(X)
        out = run.step(300)
        assert out["positions"].shape == (400, 3) and np.isfinite(out["positions"]).all()
        assert _knn_accuracy(out["positions"], y) > 0.95
        assert trustworthiness(X, out["positions"], n_neighbors=10) > 0.9


def test_perturb_stays_inside_and_centred():
    X, _ = _blobs(n=200)
    run = TSNE(random_state=0).prepare(X)
    before = run.step(50)["positions"].astype(np.float64)
    radius = np.linalg.norm(before - before.mean(0), axis=1).max()
    after = run.perturb(0.05).astype(np.float64)
    assert not np.allclose(after, before)
    assert np.linalg.norm(after, axis=1).max() <= radius * 1.01  # clipped, then re-centred
    np.testing.assert_allclose(after.mean(0), 0, atol=1e-6 * radius)  # float32 positions
    assert run.step(5)["iteration"] == 55


def test_phases_and_validation():
    with pytest.raises(ValueError, match="perplexity"):
        TSNE(perplexity=150)
    with pytest.raises(ValueError, match="n_components"):
        TSNE(n_components=4)
    run = TSNE()
    with pytest.raises(RuntimeError, match="prepare"):
        run.step()
    X, _ = _blobs(n=40)
    phases = {p["phase"] for p in run.iter_prepare(X)}
    assert phases == {"neighbors", "affinities"}
    assert run.effective_perplexity_ == pytest.approx(13.0)  # (N - 1) / 3 for tiny N


def test_sample_indices_fixed_sorted_unique():
    a = sample_indices(25_000, 10_000, seed=3)
    assert len(a) == 10_000 and len(np.unique(a)) == 10_000 and (np.diff(a) > 0).all()
    np.testing.assert_array_equal(a, sample_indices(25_000, 10_000, seed=3))
    np.testing.assert_array_equal(sample_indices(50, 100), np.arange(50))
