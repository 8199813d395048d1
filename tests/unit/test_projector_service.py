"""Projector handlers driven through nnlab.protocol.Server, as the browser worker does."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nnlab.projector.service import HANDLERS
from nnlab.protocol import Server, decode, encode


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread, as in the browser: on 2 busy cores more threads only thrash."""
    with threadpool_limits(1):
        yield


def call(server, type_, params=None, msg_id=1):
    """Submit one request (encoded as on the wire) and tick until its final reply."""
    server.submit({"v": 1, "id": msg_id, "type": type_, "params": encode(params or {})})
    replies = []
    for _ in range(100_000):
        replies += [r for r in server.tick() if r["id"] == msg_id]
        if replies and replies[-1]["type"] in ("result", "error"):
            return replies
    raise AssertionError("no final reply")


def result(server, type_, params=None):
    *progress, last = call(server, type_, params)
    assert last["type"] == "result", last["data"]
    return decode(last["data"]), [decode(p["data"]) for p in progress]


def _dataset(n=120, d=6, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = (rng.standard_normal((3, d))[y] * 4 + rng.standard_normal((n, d))).astype(np.float32)
    tsv = "\n".join("\t".join(f"{v:.6f}" for v in row) for row in X) + "\n"
    meta = "kind\tname\n" + "".join(f"{'abc'[k]}\tpoint {i}\n" for i, k in enumerate(y))
    return X, y, tsv, meta


@pytest.fixture
def server():
    return Server(HANDLERS)


@pytest.fixture
def loaded(server):
    X, y, tsv, meta = _dataset()
    info, progress = result(server, "projector.load", {"vectors": tsv, "metadata": meta, "name": "blobs.tsv"})
    return server, X, y, info, progress


def test_load_tsv_with_metadata(loaded):
    _, _, _, info, progress = loaded
    assert progress and progress[-1] == {"phase": "parse", "done": 120, "total": 120}
    assert {k: info[k] for k in ("name", "n", "dim", "sampled", "tsne_points")} == \
        {"name": "blobs.tsv", "n": 120, "dim": 6, "sampled": False, "tsne_points": 120}
    columns = [{k: v for k, v in c.items() if k != "values"} for c in info["columns"]]
    assert columns == [{"name": "kind", "unique": 3, "numeric": False, "categorical": True},
                       {"name": "name", "unique": 120, "numeric": False, "categorical": False}]
    y = loaded[2]
    assert info["columns"][0]["values"] == ["abc"[k] for k in y]
    assert info["columns"][1]["values"] == [f"point {i}" for i in range(120)]


@pytest.mark.parametrize("header", [False, True])
def test_load_gives_the_page_its_labels_blank_lines_skipped(server, header):
    """The page labels and colours points from these values: a blank line must not shift them.

    Without a header a metadata file has one column (a tab in line 1 means a header)."""
    X = _dataset(n=5)[0]
    rows = [f"w{i}\tg{i % 2}" if header else f"w{i}" for i in range(5)]
    meta = ("word\tgroup\n" if header else "") + "\n".join(rows[:2] + [""] + rows[2:]) + "\n\n"
    info, _ = result(server, "projector.load", {"vectors": X, "metadata": meta})
    names = [c["name"] for c in info["columns"]]
    values = [c["values"] for c in info["columns"]]
    assert names == (["word", "group"] if header else ["label"])
    assert values == [[f"w{i}" for i in range(5)], [f"g{i % 2}" for i in range(5)]][:len(names)]


def test_classify_tells_vectors_from_metadata(server):
    heads = ["\n0.5\t-1e3\t2\n", "word\tcount\n", "apple\n", "1\t2\tnan\n", "", "3\n4\n", "1\tx"]
    out, _ = result(server, "projector.classify", {"heads": heads})
    assert out["vectors"] == [True, False, False, False, False, True, False]


def test_load_array_and_bytes(server):
    X = _dataset()[0]
    info, _ = result(server, "projector.load", {"vectors": X})
    assert info["n"] == 120 and info["columns"] == []
    info, _ = result(server, "projector.load", {"vectors": X.astype("<f4").tobytes(), "shape": [120, 6]})
    assert info["dim"] == 6


def test_bad_files_are_error_replies_naming_file_and_line(server):
    [err] = call(server, "projector.load", {"vectors": "1\t2\n3\tx\n", "name": "v.tsv"})
    assert err["type"] == "error" and err["data"]["type"] == "ParseError"
    assert err["data"]["message"].startswith("v.tsv, line 2:")
    *_, err = call(server, "projector.load", {"vectors": "1\t2\n3\t4\n", "metadata": "a\nb\nc\nd\n"})
    assert err["data"]["message"].startswith("metadata.tsv, line 3:")
    [err] = call(server, "projector.pca")  # nothing loaded: the failed loads stored nothing
    assert "no dataset loaded" in err["data"]["message"]


def test_pca_positions_and_variance(loaded):
    server, X, *_ = loaded
    out, _ = result(server, "projector.pca")
    assert out["positions"].shape == (120, 3) and out["positions"].dtype == np.float32
    assert len(out["variance"]) == 6 and out["variance"] == sorted(out["variance"], reverse=True)
    again, _ = result(server, "projector.pca", {"components": [2, 0, 1]})
    np.testing.assert_array_equal(again["positions"][:, 1], out["positions"][:, 0])


def test_tsne_start_step_perturb_supervise(loaded):
    server, X, y, *_ = loaded
    started, progress = result(server, "projector.tsne.start", {"perplexity": 10, "seed": 1})
    assert {p["phase"] for p in progress} == {"neighbors", "affinities"}
    assert started["n"] == 120 and started["indices"] is None and started["iteration"] == 0
    assert started["positions"].shape == (120, 2) and started["learning_rate"] == 50.0
    out, _ = result(server, "projector.tsne.step", {"n": 300, "budget_ms": 10_000})
    assert out["iteration"] == 300 and out["positions"].dtype == np.float32
    assert isinstance(out["kl"], float) and out["kl"] > 0
    short, _ = result(server, "projector.tsne.step", {"n": 1000, "budget_ms": 0})
    assert short["iteration"] == 301  # the budget stops it after one
    moved, _ = result(server, "projector.tsne.perturb", {"scale": 0.1})
    assert moved["iteration"] == 301 and not np.allclose(moved["positions"], short["positions"])
    sup, _ = result(server, "projector.tsne.supervise", {"column": "kind", "weight": 0.5})
    assert sup == {"column": "kind", "weight": 0.5}


def test_tsne_3d_with_supervision_from_start(loaded):
    server, *_ = loaded
    started, _ = result(server, "projector.tsne.start",
                        {"dims": 3, "perplexity": 5, "supervise_column": "kind", "supervise_weight": 1.0})
    assert started["positions"].shape == (120, 3)
    out, _ = result(server, "projector.tsne.step", {"n": 20})
    assert out["positions"].shape == (120, 3)


def test_neighbors_search_custom(loaded):
    server, X, y, *_ = loaded
    nb, _ = result(server, "projector.neighbors", {"index": 4, "k": 5, "metric": "euclidean"})
    d = np.linalg.norm(X - X[4], axis=1)
    d[4] = np.inf
    np.testing.assert_array_equal(nb["indices"], np.argsort(d)[:5])
    assert nb["indices"].dtype == np.int32 and nb["distances"].dtype == np.float32
    found, _ = result(server, "projector.search", {"query": "point 1", "column": "name", "limit": 3})
    assert found["count"] == 31 and list(found["indices"]) == [1, 10, 11]  # 1, 10-19, 100-119
    found, _ = result(server, "projector.search", {"query": "^b$", "column": "kind", "regex": True})
    assert found["count"] == 40 and (y[found["indices"]] == 1).all()
    cust, _ = result(server, "projector.custom", {"left": "a", "right": "b", "up": "c", "down": "a",
                                                  "column": "kind"})
    assert cust["positions"].shape == (120, 2) and cust["counts"] == {"left": 40, "right": 40, "up": 40, "down": 40}
    assert cust["positions"][y == 1, 0].mean() > cust["positions"][y == 0, 0].mean()


def test_errors_for_missing_state_bad_column_and_regex(loaded):
    server, *_ = loaded
    [err] = call(server, "projector.tsne.step")
    assert "tsne.start" in err["data"]["message"]
    [err] = call(server, "projector.search", {"query": "a", "column": "colour"})
    assert "unknown metadata column" in err["data"]["message"]
    [err] = call(server, "projector.search", {"query": "(", "regex": True})
    assert err["data"]["type"] == "ValueError" and "invalid regular expression" in err["data"]["message"]


def test_large_dataset_is_sampled_for_tsne(server):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 4)).astype(np.float32)
    info, _ = result(server, "projector.load", {"vectors": X})
    started, _ = result(server, "projector.tsne.start", {"max_points": 250, "perplexity": 5})
    assert started["sampled"] and started["n"] == 250 and started["indices"].dtype == np.int32
    assert len(np.unique(started["indices"])) == 250


def test_resolve_handler_makes_paths_relative_to_the_root(server):
    out, _ = result(server, "projector.resolve", {"text": 'embeddings { tensor_path: "a.tsv" }',
                                                  "path": "run1/projector_config.pbtxt"})
    assert out["embeddings"][0]["tensor_path"] == "run1/a.tsv" and out["need"] == []


def test_config_choice_prefers_a_run_config(server):
    paths = ["a.json", "r/sub/projector_config.pbtxt", "r/projector_config.pbtxt"]
    out, _ = result(server, "projector.config_choice", {"paths": paths})
    assert out["path"] == "r/projector_config.pbtxt"  # the top-most of a folder's configs


def test_warmup_imports_scipy_in_steps(server):
    out, progress = result(server, "projector.warmup")
    assert [p["module"] for p in progress] == ["scipy.linalg", "scipy.fft"] and out["scipy"]


def test_load_takes_a_checkpoint_variable_with_its_metadata(server):
    from pathlib import Path
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints" / "tf2"
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    res, _ = result(server, "projector.resolve", {"text": files["projector_config.pbtxt"].decode(),
                                                  "path": "projector_config.pbtxt"})
    assert res["need"] == ["checkpoint"]
    res, _ = result(server, "projector.resolve", {"text": files["projector_config.pbtxt"].decode(),
                                                  "path": "projector_config.pbtxt",
                                                  "files": {"checkpoint": files["checkpoint"].decode()}})
    res, _ = result(server, "projector.resolve", {"text": files["projector_config.pbtxt"].decode(),
                                                  "path": "projector_config.pbtxt",
                                                  "files": {"checkpoint": files["checkpoint"].decode(),
                                                            res["need"][0]: np.frombuffer(files[res["need"][0]], np.uint8)}})
    [emb] = res["embeddings"]
    var = emb["checkpoint"]["variable"]
    data = files[emb["checkpoint"]["data_path"]][var["offset"]:var["offset"] + var["size"]]
    info, _ = result(server, "projector.load", {"vectors": np.frombuffer(data, np.uint8), "variable": var,
                                                "name": emb["tensor_name"], "metadata": files["metadata.tsv"].decode()})
    assert info["n"] == 40 and info["dim"] == 6
    assert info["columns"][0]["values"][0] == "word0" and info["columns"][0]["values"][-1] == "word39"
