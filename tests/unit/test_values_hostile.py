"""Damaged summary values: each is skipped (or clipped) with a warning, everything else is kept.

The records are written with TensorBoard's own RecordWriter and protobuf classes
(records over 1 MB with nnlab's equivalent encoder), so only the values inside
them are hostile, never the framing.
"""

import io

import numpy as np
import pytest
from tensorboard.compat.proto import (config_pb2, event_pb2, graph_pb2, node_def_pb2, step_stats_pb2, summary_pb2,
                                      tensor_pb2, tensor_shape_pb2, types_pb2)
from tensorboard.summary.writer.record_writer import RecordWriter

from nnlab.api import HANDLERS
from nnlab.events import read_files
from nnlab.events.records import encode
from nnlab.protocol import Server
from tests.unit.eventcraft import varint

PATH = "run/events.out.tfevents.1.host"
PNG = b"\x89PNG\r\n\x1a\nfake"
GARBAGE = b"\x0a\x05ab"  # field 1, five bytes long, only two there


def write(events):
    """(file bytes, record offsets) of `events` (Event messages or serialized bytes) after a file_version."""
    buf = io.BytesIO()
    writer = RecordWriter(buf)
    offsets = []
    for e in [event_pb2.Event(wall_time=1.0, file_version="brain.Event:2"), *events]:
        offsets.append(buf.tell())
        data = e if isinstance(e, bytes) else e.SerializeToString()
        # TensorBoard's CRC is pure Python (seconds for 20 MB): big records get the same framing from ours
        buf.write(encode(data)) if len(data) > 1 << 20 else writer.write(data)
    return buf.getvalue(), offsets[1:]


def read(*events):
    """(reader, record offsets) of a one-file log of `events`."""
    data, offsets = write(events)
    return read_files({PATH: data}), offsets


def tensor(dtype, shape, **values):
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
    return tensor_pb2.TensorProto(dtype=dtype, tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=dims), **values)


def value_event(step, tag, plugin=None, **value):
    meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin))
    v = summary_pb2.Summary.Value(tag=tag, metadata=meta if plugin else None, **value)
    return event_pb2.Event(step=step, wall_time=1.0 + step, summary=summary_pb2.Summary(value=[v]))


def warned(reader, offset, *words):
    """The one warning about the record at `offset`, checked to name the file and `words`."""
    found = [w for w in reader.warnings if f"record at offset {offset}:" in w]
    assert len(found) == 1, reader.warnings
    assert found[0].startswith(PATH) and all(w in found[0] for w in words), found[0]
    return found[0]


def strings(shape, items):
    return tensor(types_pb2.DT_STRING, shape, string_val=items)


def test_image_size_that_is_not_an_integer_is_skipped():
    reader, at = read(value_event(1, "im", "images", tensor=strings([3], [b"abc", b"2", PNG])),
                      value_event(2, "im", "images", tensor=strings([3], [b"4", b"-1", PNG])),
                      value_event(3, "im", "images", tensor=strings([3], [b"4", b"2", PNG])))
    s = reader.images("run", "im")
    assert s.steps.tolist() == [3] and (s.values[0].width, s.values[0].height) == (4, 2)
    warned(reader, at[0], "image width 'abc' is not an integer")
    warned(reader, at[1], "image height '-1' is not an integer")


def test_audio_of_shape_n_by_0_is_skipped():
    good = strings([1, 2], [b"RIFF....WAVEfmt " + bytes(16), b"label"])
    reader, at = read(value_event(1, "au", "audio", tensor=strings([2, 0], [])),
                      value_event(2, "au", "audio", tensor=good))
    s = reader.audio("run", "au")
    assert s.steps.tolist() == [2] and s.values[0].labels == ["label"]
    warned(reader, at[0], "shape [2, 0] holds no clips")


@pytest.mark.parametrize("dtype, field, bad, words", [
    (types_pb2.DT_INT8, "int_val", 300, "int_val value 300 out of range for int8"),
    (types_pb2.DT_UINT8, "int_val", -1, "int_val value -1 out of range for uint8"),
    (types_pb2.DT_UINT16, "int_val", 70000, "out of range for uint16"),
    (types_pb2.DT_HALF, "half_val", 70000, "half_val value 70000 out of range"),
    (types_pb2.DT_BFLOAT16, "half_val", -5, "half_val value -5 out of range"),
])
def test_int_values_out_of_their_dtype_range_are_skipped(dtype, field, bad, words):
    reader, at = read(value_event(1, "t", tensor=tensor(dtype, [2], **{field: [1, bad]})),
                      value_event(2, "t", tensor=tensor(dtype, [2], **{field: [1, 2]})))
    assert reader.tensors("run", "t").steps.tolist() == [2]
    warned(reader, at[0], "summary value 0 skipped", words)


def histo(limits, counts, lo, hi):
    return summary_pb2.HistogramProto(min=lo, max=hi, num=sum(counts), bucket_limit=limits, bucket=counts)


def test_histogram_edges_beyond_float32_are_skipped_not_drawn_as_inf_or_nan():
    dbl_max = np.finfo(np.float64).max
    tf1 = histo([-1.0, 0.0, 1.0, dbl_max], [0, 1, 2, 0], -0.5, 0.5)  # TF1's usual last edge: kept
    huge = histo([-1e308, 0.0, 1e308, dbl_max], [1, 1, 1, 1], -1.0, 1.0)
    inf_max = histo([0.0, 1.0, dbl_max], [1, 1, 1], -1.0, float("inf"))
    tf2 = lambda rows: tensor(types_pb2.DT_DOUBLE, [len(rows), 3], double_val=np.ravel(rows).tolist())  # noqa: E731
    reader, at = read(value_event(1, "h", histo=tf1), value_event(2, "h", histo=huge),
                      value_event(3, "h", histo=inf_max),
                      value_event(4, "h2", "histograms", tensor=tf2([[-np.inf, 0, 1], [0, 1, 2]])),
                      value_event(5, "h2", "histograms", tensor=tf2([[-1e308, 1e308, 1]])),
                      value_event(6, "h2", "histograms", tensor=tf2([[0, 1, np.nan]])),
                      value_event(7, "h2", "histograms", tensor=tf2([[0, 1, 3], [1, 2, 4]])))
    assert reader.histograms("run", "h").steps.tolist() == [1]
    assert reader.histograms("run", "h2").steps.tolist() == [7]
    for k in (1, 2, 3, 4):
        warned(reader, at[k], "edge beyond float32 range")
    warned(reader, at[5], "count is not finite")
    srv = Server(HANDLERS)
    srv.ctx.store["board"] = reader
    for tag in ("h", "h2"):
        got = call(srv, "board.histograms", run="run", tag=tag)
        assert all(np.isfinite(np.asarray(v, dtype=float)).all() for v in numbers(got))


def numbers(tree):
    """Every numeric leaf (or typed array) of a handler's reply."""
    if isinstance(tree, dict):
        if tree.get("$nd"):
            yield np.frombuffer(tree["data"], dtype=tree["$nd"])
        else:
            for v in tree.values():
                yield from numbers(v)
    elif isinstance(tree, list):
        for v in tree:
            yield from numbers(v)
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        yield tree


def call(server, kind, **params):
    server.submit({"v": 1, "id": 1, "type": kind, "params": params})
    replies = []
    while not replies or server.busy:
        replies += server.tick()
    assert replies[-1]["type"] == "result", replies[-1]["data"]
    return replies[-1]["data"]


def run_metadata(*nodes):
    dev = step_stats_pb2.DeviceStepStats(device="/cpu:0", node_stats=list(nodes))
    return config_pb2.RunMetadata(step_stats=step_stats_pb2.StepStats(dev_stats=[dev])).SerializeToString()


def node(name, *totals, start=10, end=20):
    memory = [step_stats_pb2.AllocatorMemoryUsed(allocator_name=f"a{k}", total_bytes=t) for k, t in enumerate(totals)]
    return step_stats_pb2.NodeExecStats(node_name=name, all_start_micros=start, op_start_rel_micros=0,
                                        op_end_rel_micros=end - start, memory=memory)


def graph_event(nodes):
    gd = graph_pb2.GraphDef(node=[node_def_pb2.NodeDef(name=n, op="Const", input=inputs) for n, inputs in nodes])
    return event_pb2.Event(step=0, wall_time=1.0, graph_def=gd.SerializeToString())


def test_step_stats_memory_past_int64_is_clipped_with_a_warning():
    huge = 1 << 62
    rm = run_metadata(node("a", huge, huge, huge), node("b", 5, 7))
    reader, _ = read(graph_event([("a", []), ("b", ["a"])]),
                     event_pb2.Event(step=3, tagged_run_metadata=event_pb2.TaggedRunMetadata(tag="s3", run_metadata=rm)))
    table = reader.run_metadata("run", "s3").values[0].step_stats()
    assert table.total_bytes.tolist() == [np.iinfo(np.int64).max, 12]
    assert table.node_name == ["a", "b"] and table.op_end_rel_micros.tolist() == [10, 10]
    assert len(table.warnings) == 1 and "node 'a': total_bytes" in table.warnings[0]
    srv = Server(HANDLERS)
    srv.ctx.store["board"] = reader
    got = call(srv, "board.graph", run="run", metadata_tag="s3")
    assert {n["id"]: n["bytes"] for n in got["nodes"]} == {"a": float(np.iinfo(np.int64).max), "b": 12.0}
    assert "does not fit int64" in got["message"]


def board(reader):
    srv = Server(HANDLERS)
    srv.ctx.store["board"] = reader
    return srv


@pytest.mark.parametrize("event, what", [
    (event_pb2.Event(step=0, graph_def=GARBAGE), "not a valid GraphDef"),
    (event_pb2.Event(step=0, meta_graph_def=GARBAGE), "not a valid MetaGraphDef"),
])
def test_garbage_graph_bytes_give_a_message_not_an_exception(event, what):
    reader, _ = read(event, value_event(1, "loss", simple_value=0.5))
    assert reader.scalars("run", "loss").values.tolist() == [0.5]
    data = reader.graph("run")
    with pytest.raises(ValueError, match=what):
        data.graph_def()
    got = call(board(reader), "board.graph", run="run")
    assert got["error"] == "unreadable" and what in got["message"] and got["nodes"] == []


def test_garbage_run_metadata_gives_a_message_and_the_graph_is_still_drawn():
    reader, _ = read(graph_event([("x", []), ("y", ["x"])]),
                     event_pb2.Event(step=1, tagged_run_metadata=event_pb2.TaggedRunMetadata(tag="s1", run_metadata=GARBAGE)))
    with pytest.raises(ValueError, match="not a valid RunMetadata"):
        reader.run_metadata("run", "s1").values[0].step_stats()
    got = call(board(reader), "board.graph", run="run", metadata_tag="s1")
    assert got["error"] == "" and len(got["nodes"]) == 2 and "not a valid RunMetadata" in got["message"]


def test_shape_absurd_for_its_bytes_is_refused_quickly():
    reader, at = read(value_event(1, "t", tensor=tensor(types_pb2.DT_FLOAT, [10**9], float_val=[1.0])),
                      value_event(2, "t", tensor=tensor(types_pb2.DT_FLOAT, [1000, 1000], float_val=[2.0])),
                      value_event(3, "t", tensor=tensor(types_pb2.DT_FLOAT, [2**40, 2**40], float_val=[1.0])),
                      value_event(4, "t", tensor=tensor(types_pb2.DT_INT32, [10**9], tensor_content=bytes(4))),
                      value_event(5, "t", tensor=tensor(types_pb2.DT_FLOAT, [-1, 3], float_val=[1.0])))
    # expanding 10**9 floats took seconds and 4 GB; bench/fuzz.py runs such cases under time and memory limits
    s = reader.tensors("run", "t")
    assert s.steps.tolist() == [2] and s.values[0].array.shape == (1000, 1000)  # a real constant fill is kept
    for k in (0, 2, 3):
        warned(reader, at[k], "for one stored value")
    warned(reader, at[4], "negative dimension")


def raw_text_event(step, tag, count):
    """An Event whose text tensor holds `count` empty strings, spliced as bytes (protobuf would take long)."""
    head = strings([count], []).SerializeToString()
    body = head + b"\x42\x00" * count  # string_val, field 8: appended repeated entries
    meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    value = summary_pb2.Summary.Value(tag=tag, metadata=meta).SerializeToString() + b"\x42" + varint(len(body)) + body
    summary = b"\x0a" + varint(len(value)) + value
    return event_pb2.Event(step=step, wall_time=1.0).SerializeToString() + b"\x2a" + varint(len(summary)) + summary


def test_text_tensor_of_ten_million_strings_is_refused():
    data, at = write([raw_text_event(1, "t", 10**7), raw_text_event(2, "t", 3)])
    reader = read_files({PATH: data})
    # refused from the shape up front: Pyodide's pure-Python protobuf took 37 s to parse it all
    s = reader.text("run", "t")
    assert s.steps.tolist() == [2] and s.values[0].array.tolist() == ["", "", ""]
    warned(reader, at[0], "string tensor of 10000000 elements")


def test_huge_text_tensor_in_an_event_that_protobuf_reads_whole_is_refused_too():
    # an unknown Event field (number 99) sends the whole record to protobuf, not just its values
    odd = raw_text_event(1, "t", 2 * 10**6) + b"\x9a\x06\x00"
    data, at = write([odd, raw_text_event(2, "t", 3)])
    reader = read_files({PATH: data})
    assert reader.text("run", "t").steps.tolist() == [2]
    warned(reader, at[0], "Event skipped", "string tensor of 2000000 elements")


def test_graph_edge_sizes_past_int32_are_exact():
    from nnlab.board.graph import graph_view
    gd = graph_pb2.GraphDef()
    src = gd.node.add(name="big", op="Const")
    shape = src.attr["_output_shapes"].list.shape.add()
    for d in (65536, 65536):
        shape.dim.add(size=d)
    gd.node.add(name="use", op="Identity", input=["big"])
    view = graph_view(gd)
    assert [e["size"] for e in view["edges"]] == [4294967296]
    assert view["nodes"][0]["shapes"] == [[65536, 65536]]
