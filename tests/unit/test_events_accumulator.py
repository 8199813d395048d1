"""nnlab.events against TensorBoard's own EventAccumulator, on every fixture writer.

Fixtures (tests/fixtures/events/, made by tests/fixtures/make_event_logs.py):
TF2 tf.summary, TF1 compat, torch.utils.tensorboard, tensorboardX, nested runs, and
TensorBoard's plugins (PR curves, custom scalars, hparams; make_plugin_logs.py).
EventAccumulator keeps tensor summaries (TF2, text, PR curves, ...) as raw
tensors; they are compared through their plugin name with what we decoded.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from nnlab.events import read_logdir

from tensorboard.backend.event_processing import event_accumulator as ea_mod  # noqa: E402
from tensorboard.compat.proto import config_pb2, graph_pb2, meta_graph_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "events"
WRITERS = ["tf2", "tf1", "torch", "tbx", "nested", "plugins"]
GRAPH_PLUGINS = {"graph_run_metadata_graph": "graph", "graph_keras_model": "graph",
                 "graph_run_metadata": "run_metadata"}
DEDICATED = {"scalars", "histograms", "images", "audio", "text", "pr_curves"}


def accumulator(path):
    keep_all = {k: 0 for k in ea_mod.DEFAULT_SIZE_GUIDANCE}
    acc = ea_mod.EventAccumulator(str(path), size_guidance=keep_all, purge_orphaned_data=False)
    acc.Reload()
    return acc


@pytest.fixture(scope="module", params=WRITERS)
def pair(request):
    logdir = FIXTURES / request.param
    reader = read_logdir(logdir)
    assert reader.warnings == []
    return reader, {run: accumulator(logdir / run) for run in reader.runs}


def plugin_of(acc, tag):
    return acc.summary_metadata[tag].plugin_data.plugin_name if tag in acc.summary_metadata else ""


def tensor_tags(acc, plugins=None, exclude=()):
    """EA's tensor tags whose plugin is in `plugins` (None: any not in `exclude`)."""
    out = []
    for tag in acc.Tags()["tensors"]:
        plugin = plugin_of(acc, tag)
        if (plugins is None and plugin not in exclude) or (plugins is not None and plugin in plugins):
            out.append(tag)
    return sorted(out)


def check_points(series, events):
    assert series.steps.tolist() == [e.step for e in events]
    assert series.wall_times.tolist() == [e.wall_time for e in events]


def test_runs_are_the_folders_with_event_files(pair):
    reader, accs = pair
    discovered = {p.parent.relative_to(reader.path).as_posix() for p in Path(reader.path).rglob("*tfevents*")}
    assert set(reader.runs) == discovered


def test_scalars(pair):
    reader, accs = pair
    for run, acc in accs.items():
        mine = reader.tags(run)["scalars"]
        simple, tensor = acc.Tags()["scalars"], tensor_tags(acc, {"scalars"})
        assert mine == sorted(set(simple) | set(tensor))
        for tag in mine:
            s = reader.scalars(run, tag)
            if tag in simple:
                events, values = acc.Scalars(tag), [e.value for e in acc.Scalars(tag)]
            else:
                events = acc.Tensors(tag)
                values = [tensor_util.make_ndarray(e.tensor_proto).item() for e in events]
            check_points(s, events)
            assert s.values.dtype == np.float64
            np.testing.assert_array_equal(s.values, np.array(values, dtype=np.float64))


def test_histograms(pair):
    reader, accs = pair
    for run, acc in accs.items():
        legacy, tf2 = acc.Tags()["histograms"], tensor_tags(acc, {"histograms"})
        assert reader.tags(run)["histograms"] == sorted(set(legacy) | set(tf2))
        for tag in legacy:
            s, events = reader.histograms(run, tag), acc.Histograms(tag)
            check_points(s, events)
            for h, e in zip(s.values, events):
                v = e.histogram_value
                assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (v.min, v.max, v.num, v.sum, v.sum_squares)
                assert h.bucket_limit.tolist() == list(v.bucket_limit)
                assert h.bucket.tolist() == list(v.bucket)
                assert h.buckets[:, 2].sum() == sum(v.bucket)
        for tag in tf2:
            s, events = reader.histograms(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for h, e in zip(s.values, events):
                np.testing.assert_array_equal(h.buckets, tensor_util.make_ndarray(e.tensor_proto))
                assert h.bucket_limit is None and np.isnan(h.num)


def test_images(pair):
    reader, accs = pair
    for run, acc in accs.items():
        legacy, tf2 = acc.Tags()["images"], tensor_tags(acc, {"images"})
        assert reader.tags(run)["images"] == sorted(set(legacy) | set(tf2))
        for tag in legacy:
            s, events = reader.images(run, tag), acc.Images(tag)
            check_points(s, events)
            for im, e in zip(s.values, events):
                assert (im.width, im.height, im.images) == (e.width, e.height, [e.encoded_image_string])
        for tag in tf2:
            s, events = reader.images(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for im, e in zip(s.values, events):
                a = tensor_util.make_ndarray(e.tensor_proto)
                assert (im.width, im.height, im.images) == (int(a[0]), int(a[1]), list(a[2:]))
                assert all(png.startswith(b"\x89PNG") for png in im.images)


def test_audio(pair):
    reader, accs = pair
    for run, acc in accs.items():
        legacy, tf2 = acc.Tags()["audio"], tensor_tags(acc, {"audio"})
        assert reader.tags(run)["audio"] == sorted(set(legacy) | set(tf2))
        for tag in legacy:
            s, events = reader.audio(run, tag), acc.Audio(tag)
            check_points(s, events)
            for a, e in zip(s.values, events):
                assert a.clips == [e.encoded_audio_string]
                assert (a.content_type, a.sample_rate, a.length_frames) == (e.content_type, e.sample_rate, e.length_frames)
        for tag in tf2:
            s, events = reader.audio(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for a, e in zip(s.values, events):
                arr = tensor_util.make_ndarray(e.tensor_proto)
                assert a.clips == list(arr[:, 0])
                assert a.labels == [b.decode() for b in arr[:, 1]]
                assert a.sample_rate == 8000.0  # from the WAV header


def test_text(pair):
    reader, accs = pair
    for run, acc in accs.items():
        tags = tensor_tags(acc, {"text"})
        assert reader.tags(run)["text"] == tags
        for tag in tags:
            s, events = reader.text(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for t, e in zip(s.values, events):
                arr = tensor_util.make_ndarray(e.tensor_proto)
                assert t.array.shape == arr.shape
                assert t.array.reshape(-1).tolist() == [b.decode() for b in arr.reshape(-1)]


def test_pr_curves(pair):
    """torch's add_pr_curve and TensorBoard's pr_curve.pb: the (6, n) tensor of every step, exactly."""
    reader, accs = pair
    for run, acc in accs.items():
        tags = tensor_tags(acc, plugins={"pr_curves"})
        assert reader.tags(run)["pr_curves"] == tags
        for tag in tags:
            s, events = reader.pr_curves(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for v, e in zip(s.values, events):
                assert np.array_equal(v.values, tensor_util.make_ndarray(e.tensor_proto).astype(np.float64))


def test_other_tensors(pair):
    reader, accs = pair
    for run, acc in accs.items():
        tags = tensor_tags(acc, exclude=DEDICATED | set(GRAPH_PLUGINS))
        assert reader.tags(run)["tensors"] == tags
        for tag in tags:
            s, events = reader.tensors(run, tag), acc.Tensors(tag)
            check_points(s, events)
            for t, e in zip(s.values, events):
                expected = tensor_util.make_ndarray(e.tensor_proto)
                assert t.array.dtype == expected.dtype
                np.testing.assert_array_equal(t.array, expected)
            assert (reader.metadata(run, tag) is None) == (tag not in acc.summary_metadata)
        for tag, meta in acc.summary_metadata.items():
            info = reader.metadata(run, tag)
            assert (info.plugin_name, info.content) == (meta.plugin_data.plugin_name, meta.plugin_data.content)
            assert (info.display_name, info.description) == (meta.display_name, meta.summary_description)


def test_graph_and_meta_graph(pair):
    reader, accs = pair
    for run, acc in accs.items():
        tags = acc.Tags()
        graph = reader.graph(run)
        assert (graph is not None) == tags["graph"]
        if graph is not None:
            assert graph_pb2.GraphDef.FromString(graph.graph_def().SerializeToString()) == acc.Graph()
        mine = reader.tags(run)["graph"]
        assert ("__meta_graph__" in mine) == tags["meta_graph"]
        if tags["meta_graph"]:
            last = reader.graphs(run, "__meta_graph__").values[-1]
            assert meta_graph_pb2.MetaGraphDef.FromString(last.data) == acc.MetaGraph()
        for tag in tensor_tags(acc, {"graph_run_metadata_graph", "graph_keras_model"}):
            s, events = reader.graphs(run, tag), acc.Tensors(tag)
            check_points(s, events)
            assert [g.data for g in s.values] == [tensor_util.make_ndarray(e.tensor_proto).item() for e in events]
            if plugin_of(acc, tag) == "graph_keras_model":  # a Keras model config: JSON, no op graph
                assert s.values[-1].graph_def() is None and "layers" in json.loads(s.values[-1].data)["config"]
            else:
                assert len(s.values[-1].graph_def().node) > 0


def test_run_metadata(pair):
    reader, accs = pair
    for run, acc in accs.items():
        tagged = acc.Tags()["run_metadata"]
        tf2 = tensor_tags(acc, {"graph_run_metadata"})
        assert reader.tags(run)["run_metadata"] == sorted(set(tagged) | set(tf2))
        for tag in tagged:
            last = reader.run_metadata(run, tag).values[-1]
            expected = acc.RunMetadata(tag)
            assert config_pb2.RunMetadata.FromString(last.data) == expected
            table = last.step_stats()
            nodes = [n for d in expected.step_stats.dev_stats for n in d.node_stats]
            assert table.node_name == [n.node_name for n in nodes]
            assert table.devices == [d.device for d in expected.step_stats.dev_stats]
            for field in ("all_start_micros", "op_end_rel_micros", "all_end_rel_micros"):
                assert getattr(table, field).tolist() == [getattr(n, field) for n in nodes]
            assert table.total_bytes.tolist() == [sum(m.total_bytes for m in n.memory if m.total_bytes > 0)
                                                  for n in nodes]
            assert table.temp_memory_size.tolist() == [n.memory_stats.temp_memory_size for n in nodes]


def test_tf1_step_stats_have_timings_and_memory():
    reader = read_logdir(FIXTURES / "tf1")
    table = reader.run_metadata(".", reader.tags(".")["run_metadata"][0]).values[-1].step_stats()
    assert len(table.node_name) > 10
    assert (table.all_start_micros > 1e15).all()  # microseconds since the epoch
    assert (table.all_end_rel_micros >= table.op_end_rel_micros).all()
    assert table.total_bytes.sum() > 0 and table.persistent_memory_size.sum() > 0
