"""A dataset of snapshots (a Playground layer at each logged epoch): the PCA keeps its axes across epochs."""


import numpy as np
import pytest

from nnlab.projector import service
from nnlab.projector.errors import ParseError
from tests.handlers import Ctx
from tests.handlers import finish as run


@pytest.fixture
def frames():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(300, 4)) * [5, 2, 1, 0.2]
    return np.stack([base * (1 + k) + rng.normal(scale=0.1, size=base.shape) for k in range(3)]).astype(np.float32)


def test_earlier_epochs_are_projected_on_the_last_epochs_axes(frames):
    from sklearn.decomposition import PCA  # the reference, in both runtimes
    ctx = Ctx()
    info = run(service.load(ctx, frames, metadata="label\tsplit\n" + "a\ttrain\n" * 300, epochs=[0, 10, 20]))
    assert info["epochs"] == [0, 10, 20] and info["n"] == 300 and info["dim"] == 4
    last = run(service.run_pca(ctx))["positions"]
    ref = PCA(n_components=3).fit(frames[-1])
    signs = np.sign((ref.transform(frames[-1]) * last).sum(axis=0))  # PCA axes are defined up to sign
    assert service.frame(ctx, 0) == {"index": 0, "epoch": 0}
    first = run(service.run_pca(ctx))["positions"]
    np.testing.assert_allclose(first, ref.transform(frames[0]) * signs, atol=1e-3)
    assert not np.allclose(first, last)  # the points moved, on the same axes
    # The neighbours follow the shown epoch too.
    near = service.find_neighbors(ctx, 0, k=5, metric="euclidean")["indices"]
    d = np.linalg.norm(frames[0] - frames[0][0], axis=1)
    assert set(near.tolist()) == set(np.argsort(d)[1:6].tolist())


def test_bad_snapshots_and_indices_are_refused(frames):
    ctx = Ctx()
    with pytest.raises(ParseError, match="snapshots must be"):
        run(service.load(ctx, frames, epochs=[0, 10]))
    bad = frames.copy()
    bad[1, 5, 2] = np.nan
    with pytest.raises(ParseError, match="not finite"):
        run(service.load(ctx, bad, epochs=[0, 10, 20]))
    run(service.load(ctx, frames, epochs=[0, 10, 20]))
    with pytest.raises(ValueError, match=r"index must be an integer in \[0, 2\]"):
        service.frame(ctx, 3)
    run(service.load(ctx, frames[0]))
    with pytest.raises(ValueError, match="one snapshot"):
        service.frame(ctx, 0)
