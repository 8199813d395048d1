"""Real-sized logs read point for point like TensorBoard's EventAccumulator, in both runtimes.

Inside Pyodide numpy's intp is 32-bit: sort keys and offsets built from record
indices overflowed from record 2,048 on and scrambled every real-sized log in the
browser while small fixtures passed. This file writes thousands of records of
each kind, interleaved in one file the way training loops write them, with
TensorBoard's own RecordWriter, and compares every point with its reader.
"""

import hashlib

import numpy as np
import pytest

from nnlab.events import read_logdir

from tensorboard.backend.event_processing import event_accumulator as ea_mod
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.summary.writer.record_writer import RecordWriter
from tensorboard.util import tensor_util

N_LOSS, N_ACC, N_HIST, N_IMAGE, N_TEXT = 6600, 2500, 2300, 2100, 2100
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def tensor_scalar(value):
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value],
                                  tensor_shape=tensor_shape_pb2.TensorShapeProto())


def text_tensor(s):
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)])
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[s.encode()], tensor_shape=shape)


def meta(plugin):
    return summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin))


def values_at(i, rng):
    """The summary values written at record `i`: loss always, the others on their own cadence."""
    out = [summary_pb2.Summary.Value(tag="loss", simple_value=float(rng.standard_normal()))]
    if i % 2 == 0 and i // 2 < N_ACC:
        out.append(summary_pb2.Summary.Value(tag="acc", metadata=meta("scalars"),
                                             tensor=tensor_scalar(float(rng.uniform()))))
    if i % 2 == 1 and i // 2 < N_HIST:
        edges = np.cumsum(rng.uniform(0.1, 1.0, 5))
        out.append(summary_pb2.Summary.Value(tag="w", histo=summary_pb2.HistogramProto(
            min=float(edges[0]), max=float(edges[-1]), num=10.0, sum=float(i), sum_squares=float(i) ** 2,
            bucket_limit=edges.tolist(), bucket=rng.integers(0, 9, 5).astype(float).tolist())))
    if i % 3 == 0 and i // 3 < N_IMAGE:
        out.append(summary_pb2.Summary.Value(tag="img", image=summary_pb2.Summary.Image(
            height=2, width=3, colorspace=3, encoded_image_string=PNG + i.to_bytes(4, "little"))))
    if i % 3 == 1 and i // 3 < N_TEXT:
        out.append(summary_pb2.Summary.Value(tag="note", metadata=meta("text"), tensor=text_tensor(f"note {i}")))
    return out


@pytest.fixture(scope="module", params=["one-event-per-step", "one-event-per-value"])
def logdir(request, tmp_path_factory):
    """One run, one file: N_LOSS steps 7*i + 3 (not the record index) with wall times.

    Keras writes one event per step holding every value; TensorFlow's and
    tensorboardX's add_scalar write one event per value, so the same data takes
    about twice as many records (and reaches the fast path's pure-scalar records).
    """
    root = tmp_path_factory.mktemp("scale")
    (root / "run").mkdir()
    rng = np.random.default_rng(11)
    with open(root / "run" / "events.out.tfevents.1.host", "wb") as f:
        w = RecordWriter(f)
        w.write(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
        for i in range(N_LOSS):
            values = values_at(i, rng)
            groups = [values] if request.param == "one-event-per-step" else [[v] for v in values]
            for group in groups:
                e = event_pb2.Event(wall_time=1000.0 + i / 8, step=7 * i + 3,
                                    summary=summary_pb2.Summary(value=group))
                w.write(e.SerializeToString())
    return root


@pytest.fixture(scope="module")
def pair(logdir):
    keep_all = {k: 0 for k in ea_mod.DEFAULT_SIZE_GUIDANCE}
    acc = ea_mod.EventAccumulator(str(logdir / "run"), size_guidance=keep_all, purge_orphaned_data=False)
    acc.Reload()
    reader = read_logdir(logdir)
    assert reader.warnings == []
    return reader, acc


def digest(*arrays):
    """sha256 of arrays as float64 bytes: equal digests mean equal points in the same order."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def test_thousands_of_simple_scalars_in_order(pair):
    reader, acc = pair
    s, events = reader.scalars("run", "loss"), acc.Scalars("loss")
    assert len(events) == N_LOSS
    assert digest(s.steps, s.wall_times, s.values) == digest(
        [e.step for e in events], [e.wall_time for e in events], [e.value for e in events])


def test_thousands_of_tensor_scalars_in_order(pair):
    reader, acc = pair
    s, events = reader.scalars("run", "acc"), acc.Tensors("acc")
    assert len(events) == N_ACC
    expected = [tensor_util.make_ndarray(e.tensor_proto).item() for e in events]
    assert digest(s.steps, s.values) == digest([e.step for e in events], expected)


def test_thousands_of_histograms_in_order(pair):
    reader, acc = pair
    s, events = reader.histograms("run", "w"), acc.Histograms("w")
    assert len(events) == N_HIST and s.steps.tolist() == [e.step for e in events]
    assert [h.sum for h in s.values] == [e.histogram_value.sum for e in events]
    assert [h.bucket.tolist() for h in s.values] == [list(e.histogram_value.bucket) for e in events]


def test_thousands_of_images_and_texts_in_order(pair):
    reader, acc = pair
    images, events = reader.images("run", "img"), acc.Images("img")
    assert len(events) == N_IMAGE and images.steps.tolist() == [e.step for e in events]
    assert [im.images for im in images.values] == [[e.encoded_image_string] for e in events]
    texts, events = reader.text("run", "note"), acc.Tensors("note")
    assert len(events) == N_TEXT and texts.steps.tolist() == [e.step for e in events]
    expected = [tensor_util.make_ndarray(e.tensor_proto).item().decode() for e in events]
    assert [t.array.item() for t in texts.values] == expected


def test_a_file_of_nothing_but_scalars_in_order(tmp_path):
    """tensorboardX's and TensorFlow's add_scalar: one event per value, every record alike.

    Every record then matches the fast path's scalar template, the case where
    record indices stayed 32-bit in Pyodide (records of other kinds in the same
    batch had promoted them to int64 and hidden the bug from the tests above).
    """
    (tmp_path / "run").mkdir()
    rng = np.random.default_rng(5)
    loss = rng.standard_normal(N_LOSS).astype(np.float32)
    with open(tmp_path / "run" / "events.out.tfevents.2.host", "wb") as f:
        w = RecordWriter(f)
        w.write(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
        for i, v in enumerate(loss):
            w.write(event_pb2.Event(wall_time=2000.0 + i, step=5 * i, summary=summary_pb2.Summary(
                value=[summary_pb2.Summary.Value(tag="loss", simple_value=float(v))])).SerializeToString())
            if i % 3 == 0:
                w.write(event_pb2.Event(wall_time=2000.5 + i, step=5 * i, summary=summary_pb2.Summary(
                    value=[summary_pb2.Summary.Value(tag="acc", simple_value=i / N_LOSS)])).SerializeToString())
    reader = read_logdir(tmp_path)
    assert reader.warnings == []
    s = reader.scalars("run", "loss")
    assert digest(s.steps, s.wall_times, s.values) == digest(5 * np.arange(N_LOSS), 2000.0 + np.arange(N_LOSS), loss)
    a = reader.scalars("run", "acc")
    i = np.arange(0, N_LOSS, 3)
    assert digest(a.steps, a.values) == digest(5 * i, (i / N_LOSS).astype(np.float32))
