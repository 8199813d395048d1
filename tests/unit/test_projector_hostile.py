"""Hostile Projector files: our ParseError naming file and line, in linear time and bounded depth.

Never numpy's reshape message, a RecursionError or a JSON traceback; sizes here
would not finish (or would overflow the stack) with the quadratic or recursive
readers, but the tests assert results, never wall time.
"""

import numpy as np
import pytest

from nnlab import protocol
from nnlab.projector import io, service
from nnlab.projector._util import drain
from nnlab.projector.errors import MAX_DEPTH, ParseError


def _load(**params):
    ctx = protocol.Context()
    gen = service.load(ctx, **params)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def test_bytes_length_against_shape_names_file_and_byte_counts():
    flat = np.zeros(11, np.float32)  # 44 bytes from the page, config says [3, 4]
    with pytest.raises(ParseError, match=r"^w.bytes: 44 bytes, but shape \[3, 4\] of float32 needs 48$"):
        _load(vectors=flat, shape=[3, 4], name="Word2Vec", vectors_name="w.bytes")
    with pytest.raises(ParseError, match=r"^w.bytes: 52 bytes, but shape \[3, 4\] of float32 needs 48$"):
        io.parse_vectors_bytes(b"\0" * 52, [3, 4], "w.bytes")
    with pytest.raises(ParseError, match=r"^v: 24 bytes, but shape \[2, 2\] of float32 needs 16$"):
        _load(vectors=np.zeros(6), shape=[2, 2], name="v")  # float64 values, counted as float32
    info = _load(vectors=np.arange(12, dtype=np.float32), shape=[3, 4], name="Word2Vec", vectors_name="w.bytes")
    assert (info["name"], info["n"], info["dim"]) == ("Word2Vec", 3, 4)


def test_array_record_of_wrong_length_is_a_protocol_error():
    record = {"$nd": "float32", "shape": [3, 4], "data": np.zeros(11, np.float32).tobytes()}
    with pytest.raises(protocol.ProtocolError, match=r"shape \[3, 4\] holds 11 values"):
        protocol.decode(record)


def test_metadata_header_of_a_million_columns():
    n = 10**6
    names = [f"c{i}" for i in range(n)]
    meta = io.parse_metadata_tsv("\t".join(names) + "\n" + "\t".join(["x"] * n) + "\n", "m.tsv", n_rows=1)
    assert len(meta.names) == n and meta.names[-1] == f"c{n - 1}" and meta.columns[-1] == ["x"]
    dup = "\t".join(names + ["c5"])
    with pytest.raises(ParseError, match=r"^m.tsv, line 1: column name 'c5' appears twice"):
        io.parse_metadata_tsv(dup + "\n" + "\t".join(["x"] * (n + 1)), "m.tsv")


def test_config_json_with_a_long_line_of_embeddings():
    n = 50_000
    one_line = '{"embeddings": [' + ", ".join(f'{{"tensorPath": "t{i}.tsv"}}' for i in range(n)) + "]}"
    emb = io.parse_config_json(one_line, "c.json")
    assert len(emb) == n and emb[-1]["tensor_path"] == f"t{n - 1}.tsv"
    assert {e["line"] for e in emb} == {1}
    many_lines = '{"embeddings": [\n' + ",\n".join(f'{{"tensorPath": "t{i}"}}' for i in range(n)) + "\n]}"
    emb = io.parse_config_json(many_lines, "c.json")
    assert [e["line"] for e in emb[:3]] == [2, 3, 4] and emb[-1]["line"] == n + 1


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a": ', "}")])
def test_config_json_nested_deeply(opener, closer):
    deep = '{"embeddings": [\n{"tensorPath": "a", "x": ' + opener * 100_000 + "1" + closer * 100_000 + "}]}"
    with pytest.raises(ParseError, match=rf"^c.json, line 2: not valid JSON: nested deeper than {MAX_DEPTH}"):
        io.parse_config_json(deep, "c.json")
    with pytest.raises(ParseError, match=r"^c.json, line 1: not valid JSON"):  # unclosed: still ours
        io.parse_config_json(opener * 100_000, "c.json")


def test_config_json_brackets_in_strings_do_not_count():
    ok = '{"embeddings": [{"tensorPath": "' + "[{" * 1000 + '\\"]"}]}'
    assert io.parse_config_json(ok, "c.json")[0]["tensor_path"] == "[{" * 1000 + '"]'
    nested = "[" * (MAX_DEPTH - 3) + "1" + "]" * (MAX_DEPTH - 3)  # 3 levels above it: at the limit
    assert len(io.parse_config_json('{"embeddings": [{"tensorPath": "a", "x": ' + nested + "}]}", "c.json")) == 1


@pytest.mark.parametrize("opener, closer", [("x {", "}"), ("x: <", ">")])
def test_config_pbtxt_nested_deeply(opener, closer):
    deep = 'embeddings {\n  tensor_path: "a"\n' + (opener + "\n") * 100_000 + closer * 100_000 + "}"
    with pytest.raises(ParseError, match=rf"^p.pbtxt, line {MAX_DEPTH + 2}: blocks nested deeper than {MAX_DEPTH}"):
        io.parse_config_pbtxt(deep, "p.pbtxt")
    ok = 'embeddings {\n tensor_path: "a"\n' + "x {" * (MAX_DEPTH - 1) + "}" * (MAX_DEPTH - 1) + "}"
    assert io.parse_config_pbtxt(ok, "p.pbtxt")[0]["tensor_path"] == "a"


def test_config_pbtxt_long_line():
    n = 50_000
    text = " ".join(f'embeddings {{ tensor_path: "t{i}" }}' for i in range(n))
    emb = io.parse_config_pbtxt(text, "p.pbtxt")
    assert len(emb) == n and emb[-1]["tensor_path"] == f"t{n - 1}" and emb[-1]["line"] == 1


def _wide(n, d, seed=0):
    """(n, d) float32 with distinct variances along n - 1 random directions."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d, n)))[0].T  # (n, d) orthonormal rows
    return ((rng.standard_normal((n, n)) * np.geomspace(10, 0.1, n)) @ basis + 3.0).astype(np.float32)


@pytest.mark.parametrize("n, d", [(50, 2000), (3, 20_000)])
def test_pca_with_more_dimensions_than_points_matches_sklearn(n, d):
    from sklearn.decomposition import PCA

    from nnlab.projector import pca

    X = _wide(n, d)
    fit = pca.pca(X)  # a (d, d) covariance would be 32 MB and 3.2 GB
    k = min(10, n)
    ref = PCA(n_components=k, svd_solver="full").fit(X.astype(np.float64))
    assert fit.components.shape == (k, d)
    np.testing.assert_allclose(fit.components @ fit.components.T, np.eye(k), atol=1e-9)
    ours, theirs = pca.transform(X, fit), ref.transform(X.astype(np.float64))
    sign = np.sign(np.sum(ours * theirs, axis=0))  # per component; 0 only if both are ~0
    np.testing.assert_allclose(ours * np.where(sign == 0, 1, sign), theirs, atol=1e-6 * np.abs(theirs).max())
    np.testing.assert_allclose(fit.explained_variance, ref.explained_variance_, atol=1e-9 * ref.explained_variance_[0])
    np.testing.assert_allclose(fit.explained_variance_ratio, ref.explained_variance_ratio_, atol=1e-9)
    big = np.argmax(np.abs(fit.components), axis=1)
    assert (fit.components[np.arange(k), big] > 0).all()


def test_pca_wide_is_deterministic_and_chunked_like_one_chunk():
    from nnlab.projector import pca

    X = _wide(20, 3000, seed=2)
    steps = []
    fit = drain(pca.iter_pca(X, rows_per_chunk=700), steps.append)
    assert steps == [(700, 3000), (1400, 3000), (2100, 3000), (2800, 3000), (3000, 3000)]
    whole = pca.pca(X)
    np.testing.assert_allclose(fit.components, whole.components, atol=1e-9)
    np.testing.assert_allclose(pca.pca(X[::-1].copy()).components, whole.components, atol=1e-8)
    flat = pca.pca(np.full((3, 5000), 2.0, np.float32))  # no variance at all: still orthonormal, zero ratios
    np.testing.assert_allclose(flat.components @ flat.components.T, np.eye(3), atol=1e-12)
    assert not flat.explained_variance_ratio.any()


def test_numbers_too_long_for_int_and_long_tokens_are_ours():
    digits = "9" * 100_000
    with pytest.raises(ParseError, match=r"^c.json, line 2: not valid JSON: a number of more than 4300 digits"):
        io.parse_config_json('{"embeddings": [\n{"tensorPath": "a", "tensorShape": [' + digits + ", 2]}]}", "c.json")
    with pytest.raises(ParseError, match=r"^p.pbtxt, line 2: integer of 100000 digits is too long"):
        io.parse_config_pbtxt('embeddings {\n tensor_shape: ' + digits + " }", "p.pbtxt")
    with pytest.raises(ParseError, match=r"^p.pbtxt, line 1: expected ':' after 'xxx") as info:
        io.parse_config_pbtxt("x" * 100_000 + " 1", "p.pbtxt")
    assert len(str(info.value)) < 200  # the message quotes a hostile token only in part
    with pytest.raises(ParseError, match=r"^t.bytes: tensor shape must be \[N, d\], got \[inf, 2\]"):
        io.parse_vectors_bytes(b"\0" * 8, [float("inf"), 2], "t.bytes")
