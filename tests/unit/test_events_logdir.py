"""Log directories: runs and file order, disk vs memory, growing files, fast vs protobuf path."""

import dataclasses
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from nnlab.events import KINDS, LogdirReader, find_event_files, read_files, read_logdir, scalars
from nnlab.events.proto import event_pb2, summary_pb2, tensor_pb2
from nnlab.events.records import encode

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "events"
WRITERS = ["tf2", "tf1", "torch", "tbx", "nested"]


def load_bytes(logdir):
    return {p: (logdir / p).read_bytes() for p in find_event_files(logdir)}


def plain(v):
    """A value made exactly comparable (NaN == NaN, whole arrays, -0.0 != 0.0)."""
    if dataclasses.is_dataclass(v):
        return (type(v).__name__,) + tuple(plain(getattr(v, f.name)) for f in dataclasses.fields(v))
    if isinstance(v, np.ndarray):
        return (v.dtype.str, v.shape, v.tolist() if v.dtype == object else v.tobytes())
    if isinstance(v, float):
        return struct.pack("<d", v)
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def snapshot(reader):
    """Everything a reader exposes, as comparable plain values."""
    out = {"runs": reader.runs, "warnings": reader.warnings}
    for run in reader.runs:
        for kind, tags in reader.tags(run).items():
            for tag in tags:
                s = reader.series(run, kind, tag)
                out[(run, kind, tag)] = plain(s)
    return out


def test_nested_runs_and_files_in_name_order():
    logs = read_logdir(FIXTURES / "nested")
    assert logs.runs == [".", "a", "a/b", "c/d/e"]
    files = logs.files("a/b")
    assert len(files) == 2 and files == sorted(files) and files[1].endswith(".resumed")
    x = logs.scalars("a/b", "x")
    assert x.steps.tolist() == list(range(8))  # first file's 0-3 then the resumed file's 4-7
    np.testing.assert_array_equal(x.values, np.arange(8) * 1.5)
    assert logs.tags("a/b")["scalars"] == ["x", "y"]
    assert set(logs.tags()) == set(logs.runs)
    assert set(logs.tags("a")) == set(KINDS)


@pytest.mark.parametrize("writer", WRITERS)
def test_read_files_equals_read_logdir(writer):
    on_disk = read_logdir(FIXTURES / writer)
    in_memory = read_files(load_bytes(FIXTURES / writer))
    assert snapshot(in_memory) == snapshot(on_disk)


@pytest.mark.parametrize("writer", WRITERS)
def test_fast_path_and_protobuf_path_agree(writer, monkeypatch):
    fast = snapshot(read_files(load_bytes(FIXTURES / writer)))
    real = scalars.decode

    def everything_slow(arr, starts, lengths):
        fb = real(arr, starts, lengths)
        none = np.zeros(0, np.int64)
        return scalars.FastBatch(fb.wall_time, fb.step, np.arange(starts.size), none, none, none, none,
                                  np.zeros(0, np.int8), np.zeros(0), np.zeros((0, 4), np.int64), [], [])

    monkeypatch.setattr(scalars, "decode", everything_slow)
    assert snapshot(read_files(load_bytes(FIXTURES / writer))) == fast


def raw_value(tag, tensor_bytes, step):
    """An Event whose tensor is given as raw wire bytes (to use encodings protobuf won't write)."""
    tag_b = tag.encode()
    value = b"\x0a" + bytes([len(tag_b)]) + tag_b + b"\x42" + bytes([len(tensor_bytes)]) + tensor_bytes
    summary = b"\x0a" + bytes([len(value)]) + value
    return event_pb2.Event(wall_time=7.5, step=step).SerializeToString() + b"\x2a" + bytes([len(summary)]) + summary


def tricky_events():
    """Scalar encodings the fast path must read as protobuf does, or leave to it."""
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "scalars"
    evs = []
    for k, (dtype, field) in enumerate([(1, "float_val"), (2, "double_val")]):
        t = tensor_pb2.TensorProto(dtype=dtype, **{field: [0.25 + k]})
        ev = event_pb2.Event(wall_time=1.0, step=k)
        ev.summary.value.add(tag="t", tensor=t, metadata=meta)
        evs.append(ev.SerializeToString())
    evs.append(raw_value("t", b"\x08\x01\x2d" + struct.pack("<f", 1.5), 2))  # float_val unpacked
    evs.append(raw_value("t", b"\x08\x02\x31" + struct.pack("<d", 2.5), 3))  # double_val unpacked
    evs.append(raw_value("t", b"\x08\x01\x12\x00\x22\x04" + struct.pack("<f", 3.5), 4))  # tensor_content
    evs.append(raw_value("t", b"\x08\x09\x50\x07", 5))  # int64 scalar: protobuf path
    evs.append(raw_value("t", b"\x08\x01\x2a\x08" + struct.pack("<ff", 1, 2), 6))  # 2 values, no shape: unreadable
    ev = event_pb2.Event(step=7, source_metadata=event_pb2.SourceMetadata(writer="x"))
    ev.summary.value.add(tag="t", simple_value=7.0)
    ev.summary.value.add(tag="caf\u00e9", simple_value=-0.0)
    ev.summary.value.add(node_name="old", tensor=tensor_pb2.TensorProto(dtype=1, float_val=[8.0]))
    evs.append(ev.SerializeToString())
    return evs


def test_tricky_scalars_fast_and_slow(monkeypatch):
    blob = b"".join(encode(e) for e in tricky_events())
    logs = read_files({"events.out.tfevents.1": blob})
    t = logs.scalars(".", "t")
    assert t.steps.tolist() == [0, 1, 2, 3, 4, 5, 7]
    assert t.values.tolist() == [0.25, 1.25, 1.5, 2.5, 3.5, 7.0, 7.0]
    assert logs.scalars(".", "caf\u00e9").values.tolist() == [0.0]
    assert logs.tags(".")["tensors"] == ["old"]  # a tag-less tensor is filed under its node_name
    assert len(logs.warnings) == 1 and "summary value" in logs.warnings[0]
    fast = snapshot(logs)
    monkeypatch.setattr(scalars, "decode", lambda a, s, n: scalars.FastBatch(
        np.zeros(s.size), np.zeros(s.size, np.int64), np.arange(s.size), *[np.zeros(0, np.int64)] * 4,
        np.zeros(0, np.int8), np.zeros(0), np.zeros((0, 4), np.int64), [], []))
    assert snapshot(read_files({"events.out.tfevents.1": blob})) == fast


def test_metadata_from_first_value_names_the_plugin_of_later_files():
    """TF2 writes plugin metadata with a tag's first value only; a later file may have none."""
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "scalars"
    first = event_pb2.Event(step=1)
    first.summary.value.add(tag="m", tensor=tensor_pb2.TensorProto(dtype=1, float_val=[1.0]), metadata=meta)
    later = event_pb2.Event(step=2)
    later.summary.value.add(tag="m", tensor=tensor_pb2.TensorProto(dtype=1, float_val=[2.0]))
    logs = read_files({"r/events.out.tfevents.2": encode(later.SerializeToString()),
                       "r/events.out.tfevents.1": encode(first.SerializeToString())})
    assert logs.scalars("r", "m").values.tolist() == [1.0, 2.0]
    assert logs.metadata("r", "m").plugin_name == "scalars"
    alone = read_files({"events.out.tfevents.2": encode(later.SerializeToString())})
    assert alone.tags(".")["tensors"] == ["m"]  # without a plugin it is just a tensor


def test_reload_reads_appended_bytes_and_new_files(tmp_path):
    src = FIXTURES / "torch"
    files = load_bytes(src)
    for rel, data in files.items():  # start with half of every file, cut mid-record
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data[: len(data) // 2])
    logs = read_logdir(tmp_path)
    assert logs.warnings == []
    half = logs.offsets
    for rel, data in files.items():
        assert 0 < half[rel] <= len(data) // 2
        (tmp_path / rel).write_bytes(data)
    shutil.copytree(FIXTURES / "nested" / "c", tmp_path / "late")
    changed = logs.reload()
    assert "late/d/e" in changed and "." in changed
    full = read_logdir(FIXTURES / "torch")
    for run in full.runs:
        assert logs.tags(run) == full.tags(run)
        for tag in full.tags(run)["scalars"]:
            np.testing.assert_array_equal(logs.scalars(run, tag).values, full.scalars(run, tag).values)
    assert logs.reload() == []  # nothing new


def test_errors_and_empty_directories(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_logdir(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("no events here")
    logs = read_logdir(tmp_path)
    assert logs.runs == [] and "no event files" in logs.warnings[0]
    with pytest.raises(KeyError):
        logs.tags("nope")
    full = read_logdir(FIXTURES / "tf1")
    with pytest.raises(KeyError):
        full.scalars(".", "no such tag")
    with pytest.raises(ValueError):
        full.series(".", "videos", "x")
    assert LogdirReader().runs == []


def test_graph_accessors():
    tf2 = read_logdir(FIXTURES / "tf2")
    assert tf2.graph("train").format == "graph_def"
    trace = tf2.graphs("train", "model_trace").values[0]
    names = {n.op for n in trace.graph_def().node}
    assert "MatMul" in names or any("MatMul" in n.op for f in trace.graph_def().library.function for n in f.node_def)
    assert tf2.graph("eval") is None
    hp = read_logdir(FIXTURES / "torch").summary_metadata("hp")
    assert {t for t, i in hp.items() if i.plugin_name == "hparams"} >= {"_hparams_/experiment"}


def test_event_file_names():
    from nnlab.events import is_event_file
    assert is_event_file("a/b/events.out.tfevents.1.host")
    assert is_event_file("x.tfevents")
    assert not is_event_file("a/tfevents/notes.txt")


def test_metadata_read_without_protobuf_matches_protobuf():
    from nnlab.events.decode import metadata_info
    from nnlab.events.protobuf_decode import parse_metadata
    meta = summary_pb2.SummaryMetadata(display_name="D", summary_description="caf\u00e9", data_class=1)
    meta.plugin_data.plugin_name = "scalars"
    meta.plugin_data.content = b"\x00\xff"
    blob = meta.SerializeToString()
    assert metadata_info(blob) == parse_metadata(blob)
    assert metadata_info(b"") == parse_metadata(b"")
    assert metadata_info(blob + b"\x28\x01") is None  # an unknown field: left to protobuf
    assert metadata_info(blob + blob) is None  # repeated fields merge in protobuf
    assert metadata_info(b"\x12\x01\xff") is None  # invalid UTF-8 in display_name


def test_series_to_dict_is_plain():
    from nnlab.protocol import encode
    logs = read_logdir(FIXTURES / "tf2")
    scalars = logs.scalars("train", "loss").to_dict()
    assert scalars["values"].dtype == np.float64 and scalars["metadata"]["plugin_name"] == "scalars"
    text = logs.text("train", "table").to_dict()
    assert text["values"][0] == {"type": "Text", "array": [["a", "b"], ["c", "0"]]}
    image = logs.images("train", "samples").to_dict()["values"][0]
    assert image["width"] == 8 and image["images"][0].startswith(b"\x89PNG")
    encode(logs.histograms("train", "weights").to_dict())  # the worker protocol takes it as is


def test_file_that_shrinks_is_reported_once(tmp_path):
    data = (FIXTURES / "nested" / "a").glob("*tfevents*").__next__().read_bytes()
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(data)
    logs = read_logdir(tmp_path)
    path.write_bytes(data[:10])
    logs.reload()
    logs.reload()
    assert len(logs.warnings) == 1 and "shrank" in logs.warnings[0]
    assert logs.scalars(".", "x").steps.tolist() == [0, 1, 2]
