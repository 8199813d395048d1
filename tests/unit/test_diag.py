"""bench.sklearn_tsne (the benchmark's reference t-SNE) through the bench table, which pages serve only when asked."""

import numpy as np
import pytest

from nnlab import api
from nnlab.protocol import decode, encode


def call(server, type_, params, msg_id=1):
    """Submit one request and tick until its final reply."""
    server.submit({"v": 1, "id": msg_id, "type": type_, "params": encode(params)})
    for _ in range(1000):
        done = [r for r in server.tick() if r["id"] == msg_id and r["type"] in ("result", "error")]
        if done:
            return done
    raise AssertionError("no final reply")


def test_sklearn_tsne_handler():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(3, 8)) * 8)[np.arange(60) % 3] + rng.normal(size=(60, 8))
    [unknown] = call(api.make_server(), "bench.sklearn_tsne", {"data": X})  # not in the table pages serve
    assert unknown["type"] == "error" and "bench.sklearn_tsne" in unknown["data"]["message"]
    server = api.make_server(["bench"])
    [reply] = call(server, "bench.sklearn_tsne", {"data": X.astype(np.float32), "perplexity": 5, "max_iter": 250})
    assert reply["type"] == "result", reply
    out = decode(reply["data"])
    assert out["embedding"].shape == (60, 2) and out["embedding"].dtype == np.float32
    assert out["seconds"] > 0 and 0 < out["n_iter"] <= 250 and np.isfinite(out["kl"])
    [err] = call(server, "bench.sklearn_tsne", {"data": X[:3]}, msg_id=2)
    assert err["type"] == "error" and "4 <= N" in err["data"]["message"]


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((30_000, 2))])
def test_sklearn_tsne_rejects_shapes(bad):
    from nnlab import benchmarks
    with pytest.raises(ValueError, match="data must be"):
        benchmarks.sklearn_tsne(None, bad)
