"""Checkpoints read without TensorFlow equal what tf.train.load_checkpoint read from them.

The fixtures (tests/fixtures/checkpoints, made by make_checkpoints.py with
TensorFlow 2.21) are written by tf.train.Checkpoint + the projector plugin's
visualize_embeddings (tf2) and by a TF1 Saver (tf1); expected.json is
TensorFlow's own reading of them.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from nnlab.projector import checkpoint as ck
from nnlab.projector import runfolder
from nnlab.projector._util import drain
from nnlab.projector.errors import ParseError
from tests.damage import damaged

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints"
EXPECTED = json.loads((ROOT / "expected.json").read_text())
PREFIXES = {"tf2": "embedding.ckpt-1", "tf1": "model.ckpt-7"}
TF_DTYPES = {"float32": 1, "float64": 2, "half": 19, "float16": 19, "int32": 3, "int64": 9, "string": 7}


def _files(folder, root=""):
    """Every file of a fixture folder, keyed by path relative to `root` (as a picked folder gives them)."""
    base = ROOT / folder
    return {(f"{root}/" if root else "") + p.relative_to(base).as_posix(): p.read_bytes()
            for p in base.rglob("*") if p.is_file()}


def _resolve(files, config):
    """Answer resolve's requests from `files` until it needs nothing, as the page does."""
    got = {}
    for _ in range(4):
        out = runfolder.resolve(files[config], config, got)
        if not out["need"]:
            return out["embeddings"]
        got.update({p: files.get(p) for p in out["need"]})
    raise AssertionError("resolve kept asking")


def _tensor(files, emb):
    var = ck.variable_from(emb["checkpoint"]["variable"])
    data = files[emb["checkpoint"]["data_path"]][var.offset:var.offset + var.size]
    return ck.read_tensor(var, data, emb["checkpoint"]["data_path"])


@pytest.mark.parametrize("folder", ["tf2", "tf1"])
def test_index_lists_what_tensorflow_lists(folder):
    index = ck.read_index((ROOT / folder / f"{PREFIXES[folder]}.index").read_bytes())
    want = {k: v for k, v in EXPECTED[folder].items() if k != "_CHECKPOINTABLE_OBJECT_GRAPH"}
    got = {k: v for k, v in index.variables.items() if k != "_CHECKPOINTABLE_OBJECT_GRAPH"}
    assert sorted(got) == sorted(want)
    for name, var in got.items():
        assert list(var.shape) == want[name]["shape"], name
        assert var.dtype == TF_DTYPES[want[name]["dtype"]], name
    assert sorted(v.name for v in ck.projectable(index)) == sorted(k for k, v in want.items() if "values" in v)


@pytest.mark.parametrize("folder", ["tf2", "tf1"])
def test_every_2d_float_variable_has_tensorflows_values(folder):
    files = _files(folder)
    index = ck.read_index(files[f"{PREFIXES[folder]}.index"])
    for var in ck.projectable(index):
        data = files[ck.data_file(PREFIXES[folder], var.shard, index.num_shards)]
        got = ck.read_tensor(var, data[var.offset:var.offset + var.size], "data")
        want = np.array(EXPECTED[folder][var.name]["values"], dtype=np.float32)
        assert got.dtype == np.float32 and np.array_equal(got, want), var.name


def test_tutorial_config_names_the_variable_and_its_metadata():
    files = _files("tf2", root="run")
    [emb] = _resolve(files, "run/projector_config.pbtxt")
    assert emb["tensor_shape"] == [40, 6] and emb["metadata_path"] == "run/metadata.tsv"
    assert emb["checkpoint"]["data_path"] == "run/embedding.ckpt-1.data-00000-of-00001"
    want = EXPECTED["tf2"]["embedding/.ATTRIBUTES/VARIABLE_VALUE"]["values"]
    assert np.array_equal(_tensor(files, emb), np.array(want, dtype=np.float32))


def test_an_absolute_checkpoint_path_is_found_beside_the_config():
    files = _files("tf1")
    [emb] = _resolve(files, "projector_config.pbtxt")
    assert emb["tensor_name"] == "emb" and emb["checkpoint"]["data_path"] == "model.ckpt-7.data-00000-of-00001"
    assert np.array_equal(_tensor(files, emb), np.array(EXPECTED["tf1"]["emb"]["values"], dtype=np.float32))


def test_a_config_without_embeddings_lists_every_2d_float_variable():
    files = _files("tf1")
    embs = _resolve(files, "bare/projector_config.pbtxt")
    assert [e["tensor_name"] for e in embs] == ["emb", "nce_w"]
    half = _tensor(files, embs[1])
    assert np.array_equal(half, np.array(EXPECTED["tf1"]["nce_w"]["values"], dtype=np.float32))


def test_missing_checkpoint_and_unknown_variable_say_what_is_wrong():
    files = _files("tf2")
    del files["checkpoint"]
    with pytest.raises(ParseError, match="no 'checkpoint' file"):
        _resolve(files, "projector_config.pbtxt")
    files = _files("tf2")
    files["projector_config.pbtxt"] = b'embeddings { tensor_name: "nope" }'
    with pytest.raises(ParseError, match=r"no variable 'nope'.*embedding/\.ATTRIBUTES"):
        _resolve(files, "projector_config.pbtxt")


def test_file_embeddings_need_no_checkpoint():
    out = runfolder.resolve('embeddings { tensor_path: "00000/default/tensors.tsv" metadata_path: "/abs/m.tsv" }',
                            "projector_config.pbtxt")
    assert out["need"] == [] and out["embeddings"][0]["tensor_path"] == "00000/default/tensors.tsv"
    assert out["embeddings"][0]["metadata_path"] == "m.tsv"


def test_damaged_index_raises_parse_error_or_reads():
    """Every truncation and 600 random byte changes: a ParseError naming the file, never another error."""
    data = (ROOT / "tf2" / "embedding.ckpt-1.index").read_bytes()
    for case in damaged(data, flips=600):
        try:
            ck.read_index(case, "e.index")
        except ParseError as exc:
            assert str(exc).startswith("e.index")


def test_damaged_data_fails_its_checksum():
    files = _files("tf2")
    [emb] = _resolve(files, "projector_config.pbtxt")
    var = ck.variable_from(emb["checkpoint"]["variable"])
    data = bytearray(files[emb["checkpoint"]["data_path"]][var.offset:var.offset + var.size])
    data[5] ^= 0x40
    with pytest.raises(ParseError, match="checksum"):
        ck.read_tensor(var, bytes(data), "d")
    with pytest.raises(ParseError, match="bytes for shape"):
        ck.read_tensor(var, bytes(data[:-4]), "d")


def test_tensorboardx_add_embedding_folder_resolves_to_its_tsv_files():
    """tensorboardX 2.6.5's add_embedding (fixtures/embeddings/tbx): paths under <step>/<tag>/."""
    from nnlab.projector import io
    base = ROOT.parent / "embeddings" / "tbx"
    out = runfolder.resolve((base / "projector_config.pbtxt").read_text(), "projector_config.pbtxt")
    assert out["need"] == []
    embs = {e["tensor_name"]: e for e in out["embeddings"]}
    assert embs["points:00003"]["tensor_path"] == "00003/points/tensors.tsv"
    for name, rows in (("points:00003", 30), ("table:00000", 12)):
        emb = embs[name]
        vectors = (base / emb["tensor_path"]).read_text()
        want = np.loadtxt(base / emb["tensor_path"], delimiter="\t", dtype=np.float32)
        parsed = drain(io.iter_parse_vectors_tsv(vectors, emb["tensor_path"]))
        assert np.array_equal(parsed, want) and len(parsed) == rows
        meta = io.parse_metadata_tsv((base / emb["metadata_path"]).read_text(), emb["metadata_path"], n_rows=rows)
        assert len(meta.columns[0]) == rows
