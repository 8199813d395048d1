"""Board math against TensorBoard: the debiased EMA and the distribution compressor."""

import math

import numpy as np
import pytest

from nnlab.board.histograms import BASIS_POINTS, compress, rebin
from nnlab.board.smoothing import smooth
from nnlab.events import Histogram


def tensorboard_smoothing(ys, w):
    """TensorBoard's classic smoothing written point by point, as its frontend does."""
    out, last, n = [], 0.0, 0
    constant = all(y == ys[0] for y in ys)
    for y in ys:
        if constant or not math.isfinite(y):
            out.append(y)
            continue
        last = last * w + (1 - w) * y
        n += 1
        out.append(last / (1 - w ** n) if w != 1 else last)
    return np.array(out, dtype=np.float64)


@pytest.mark.parametrize("w", [0.0, 0.1, 0.6, 0.9, 0.99, 0.999, 1.0])
def test_smoothing_equals_tensorboard_formula(w):
    rng = np.random.default_rng(1)
    ys = (rng.normal(size=20_000).cumsum() * 3 + 50).tolist()
    np.testing.assert_allclose(smooth(ys, w), tensorboard_smoothing(ys, w), rtol=1e-9, atol=1e-9)


def test_non_finite_points_pass_through_without_advancing_the_debias():
    ys = [1.0, float("nan"), 3.0, float("inf"), -float("inf"), 5.0, 2.0]
    got, want = smooth(ys, 0.6), tensorboard_smoothing(ys, 0.6)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12)
    assert got[3] == math.inf and got[4] == -math.inf
    assert got[0] == 1.0  # the debias makes the first smoothed point the first value


def test_constant_and_empty_series_are_left_alone():
    assert smooth([4.0] * 5, 0.9).tolist() == [4.0] * 5
    assert smooth([], 0.6).size == 0
    with pytest.raises(ValueError):
        smooth([1.0], 1.5)


def histograms_for_test():
    rng = np.random.default_rng(7)
    cases = []
    for k in (1, 2, 5, 30, 80):
        edges = np.sort(rng.normal(size=k + 1) * 3)
        counts = rng.integers(0, 50, size=k).astype(float)
        if k > 2:
            counts[1] = 0  # an empty bucket inside
        cases.append(np.stack([edges[:-1], edges[1:], counts], axis=1))
    cases.append(np.array([[2.0, 2.0, 10.0]]))  # a constant tensor
    cases.append(np.zeros((0, 3)))
    return cases


@pytest.mark.parametrize("buckets", histograms_for_test())
def test_distribution_equals_tensorboard_compressor(buckets):
    from tensorboard.plugins.distribution.compressor import compress_histogram
    want = [v for _, v in compress_histogram(buckets.tolist(), BASIS_POINTS)]
    np.testing.assert_allclose(compress(buckets), want, rtol=1e-12, atol=1e-12)


def test_compressor_on_real_histograms_of_the_fixtures():
    from tensorboard.plugins.distribution.compressor import compress_histogram
    from nnlab.events import read_logdir
    from conftest import ROOT
    for name in ("tf1", "tf2/train", "torch", "tbx"):
        reader = read_logdir(ROOT / "tests/fixtures/events" / name)
        for run in reader.runs:
            for tag in reader.tags(run)["histograms"]:
                for h in reader.histograms(run, tag).values:
                    want = [v for _, v in compress_histogram(h.buckets.tolist(), BASIS_POINTS)]
                    np.testing.assert_allclose(compress(h.buckets), want, rtol=1e-12)


def test_rebin_keeps_every_count():
    hs = [Histogram(buckets=b) for b in histograms_for_test()]
    edges, counts = rebin(hs, 30)
    assert edges.shape == (31,) and counts.shape == (len(hs), 30)
    np.testing.assert_allclose(counts.sum(axis=1), [b[:, 2].sum() for b in histograms_for_test()])
