"""Board handlers through the worker protocol (nnlab.protocol.Server), as the page calls them."""

import json

import numpy as np
import pytest

from conftest import ROOT
from nnlab.api import HANDLERS
from nnlab.board.smoothing import smooth
from nnlab.events import find_event_files, read_logdir
from nnlab.protocol import Server

LOGDIR = ROOT / "tests/fixtures/events/torch"


def call(server, kind, **params):
    server.submit({"v": 1, "id": 1, "type": kind, "params": params})
    replies = []
    while not replies or server.busy:
        replies += server.tick()
    last = replies[-1]
    assert last["type"] == "result", last["data"]
    return last["data"]


@pytest.fixture
def server():
    srv = Server(HANDLERS)
    for rel in find_event_files(LOGDIR):
        data = np.frombuffer((LOGDIR / rel).read_bytes(), dtype=np.uint8)
        call(srv, "board.feed", files={rel: {"$nd": "uint8", "shape": [data.size], "data": data.tobytes()}})
    return srv


def test_summary_lists_the_same_runs_tags_and_counts_as_read_logdir(server):
    reader = read_logdir(LOGDIR)
    got = call(server, "board.summary")
    assert got["runs"] == reader.runs
    for run in reader.runs:
        for kind, tags in reader.tags(run).items():
            assert got["tags"][run][kind] == {t: len(reader.series(run, kind, t)) for t in tags}


def test_scalars_and_exports_round_trip(server):
    reader = read_logdir(LOGDIR)
    tag = reader.tags(".")["scalars"][0]
    s = reader.scalars(".", tag)
    got = call(server, "board.scalars", run=".", tag=tag, smoothing=0.6)
    values = np.frombuffer(got["values"]["data"], dtype=np.float64)
    np.testing.assert_array_equal(values, s.values)
    np.testing.assert_array_equal(np.frombuffer(got["smoothed"]["data"], dtype=np.float64), smooth(s.values, 0.6))
    csv = call(server, "board.scalar_export", run=".", tag=tag, format="csv").splitlines()
    assert csv[0] == "Wall time,Step,Value" and len(csv) == len(s) + 1
    rows = json.loads(call(server, "board.scalar_export", run=".", tag=tag, format="json"))
    assert [r[1] for r in rows] == s.steps.tolist() and [r[2] for r in rows] == s.values.tolist()


def test_media_text_and_histogram_handlers(server):
    reader = read_logdir(LOGDIR)
    tags = reader.tags(".")
    h = call(server, "board.histograms", run=".", tag=tags["histograms"][0])
    assert h["distribution"]["shape"] == [len(reader.histograms(".", tags["histograms"][0])), 9]
    img = call(server, "board.images", run=".", tag=tags["images"][0])
    first = reader.images(".", tags["images"][0]).values[0].images[0]
    assert bytes(img["items"][0]["images"][0]["data"]) == first
    txt = call(server, "board.text", run=".", tag=tags["text"][0])
    assert txt["items"][0]["strings"] == [str(x) for x in np.ravel(reader.text(".", tags["text"][0]).values[0].array)]
    au = call(server, "board.audio", run=".", tag=tags["audio"][0])
    assert len(au["items"]) == len(reader.audio(".", tags["audio"][0]))


def test_bad_bytes_give_warnings_not_errors():
    srv = Server(HANDLERS)
    junk = np.frombuffer(b"this is not a tfrecord file at all" * 10, dtype=np.uint8)
    call(srv, "board.feed", files={"x/events.out.tfevents.1.bad": {"$nd": "uint8", "shape": [junk.size], "data": junk.tobytes()}})
    got = call(srv, "board.summary")
    assert got["warnings"] and "events.out.tfevents.1.bad" in got["warnings"][0]


def test_graph_folds_scopes_and_sums_step_stats():
    from nnlab.board.graph import graph_view, step_stats_by_node
    reader = read_logdir(ROOT / "tests/fixtures/events/tf1")
    gd = reader.graph(".").graph_def()
    folded = graph_view(gd)
    assert sum(n["count"] for n in folded["nodes"]) == len(gd.node) == folded["ops"]
    opened = graph_view(gd, ["gradients"])
    assert len(opened["nodes"]) > len(folded["nodes"]) and sum(n["count"] for n in opened["nodes"]) == len(gd.node)
    ids = {n["id"] for n in opened["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids and e["source"] != e["target"] for e in opened["edges"])
    stats = step_stats_by_node(reader.run_metadata(".", "step5").values[0].step_stats())
    with_stats = graph_view(gd, (), stats)
    total = sum(t for t, _ in (stats.get(n.name, (0, 0)) for n in gd.node))
    assert sum(n["time"] for n in with_stats["nodes"]) == pytest.approx(total)
    srv = Server(HANDLERS)
    srv.ctx.store["board"] = reader
    got = call(srv, "board.graph", run=".", expanded=["gradients"], metadata_tag="step5")
    assert len(got["nodes"]) == len(opened["nodes"]) and got["metadata_tags"] == ["step5"]


def test_edge_width_follows_recorded_tensor_sizes():
    from nnlab.board.graph import graph_view
    from nnlab.events.proto import graph_pb2

    gd = graph_pb2.GraphDef()
    shapes = {"x": [[-1, 784]], "w": [[784, 500]], "mm": [[-1, 500]], "y": [[-1, 500]]}
    for name, op, inputs in [("x", "Placeholder", []), ("w", "VariableV2", []),
                             ("mm", "MatMul", ["x", "w:0"]), ("y", "Relu", ["mm", "^w"])]:
        node = gd.node.add(name=name, op=op)
        node.input.extend(inputs)
        for dims in shapes[name]:
            shape = node.attr["_output_shapes"].list.shape.add()
            for d in dims:
                shape.dim.add(size=d)
    view = graph_view(gd)
    size = {(e["source"], e["target"], e["control"]): e["size"] for e in view["edges"]}
    assert size[("x", "mm", False)] == 784          # the unknown batch dimension counts as 1
    assert size[("w", "mm", False)] == 784 * 500
    assert size[("mm", "y", False)] == 500
    assert size[("w", "y", True)] is None            # control edges carry no data
    del gd.node[0].attr["_output_shapes"]
    assert {e["size"] for e in graph_view(gd)["edges"] if e["source"] == "x"} == {None}


def test_op_details_list_inputs_outputs_shapes_and_attributes():
    from nnlab.board.graph import graph_view
    from nnlab.events.proto import graph_pb2

    gd = graph_pb2.GraphDef()
    x = gd.node.add(name="x", op="Placeholder")
    x.attr["dtype"].type = 1
    shape = x.attr["_output_shapes"].list.shape.add()
    for d in (-1, 784):
        shape.dim.add(size=d)
    mm = gd.node.add(name="mm", op="MatMul", input=["x", "x"])
    mm.attr["transpose_a"].b = False
    mm.attr["label"].s = b"<b>not html</b>"
    nodes = {n["id"]: n for n in graph_view(gd)["nodes"]}
    assert nodes["x"]["outputs"] == ["mm", "mm"] and nodes["x"]["shapes"] == [[-1, 784]]
    assert nodes["x"]["attrs"] == {"dtype": "float32"}
    assert nodes["mm"]["inputs"] == ["x", "x"]
    assert nodes["mm"]["attrs"] == {"label": "<b>not html</b>", "transpose_a": "False"}


def test_text_layout_is_tensorboards():
    from nnlab.board.service import text_layout
    assert text_layout(np.array(b"# hi")) == {"markdown": "# hi", "rows": None, "reduced": False}
    assert text_layout(np.array([b"a", b"b"], dtype=object))["rows"] == [["a"], ["b"]]
    cube = np.array([[[b"x", b"y"], [b"z", b"w"]], [[b"q", b"q"], [b"q", b"q"]]], dtype=object)
    assert text_layout(cube) == {"markdown": None, "rows": [["x", "y"], ["z", "w"]], "reduced": True}


def test_five_numbered_siblings_fold_into_one_series_node():
    """TensorBoard's series grouping: foo, foo_1 ... foo_5 under one scope are one node foo_[0-5];
    four are not; expanding the series shows its members."""
    from nnlab.board.graph import graph_view
    from nnlab.events.proto import graph_pb2

    gd = graph_pb2.GraphDef()
    gd.node.add(name="x", op="Placeholder")
    for name in ["layer/add"] + [f"layer/add_{k}" for k in range(1, 6)] + [f"mul_{k}" for k in range(1, 5)]:
        gd.node.add(name=name, op="AddV2" if "add" in name else "Mul", input=["x"])
    gd.node.add(name="out", op="AddN", input=[f"layer/add_{k}" for k in range(1, 6)])
    view = graph_view(gd, ["layer"])
    nodes = {n["id"]: n for n in view["nodes"]}
    assert nodes["layer/add_[0-5]"]["kind"] == "series" and nodes["layer/add_[0-5]"]["count"] == 6
    assert not any(i.startswith("layer/add_") and i != "layer/add_[0-5]" for i in nodes)
    assert all(f"mul_{k}" in nodes for k in range(1, 5))  # four siblings stay apart
    edges = {(e["source"], e["target"]): e["count"] for e in view["edges"]}
    assert edges[("x", "layer/add_[0-5]")] == 6 and edges[("layer/add_[0-5]", "out")] == 5
    assert sum(n["count"] for n in view["nodes"]) == len(gd.node)
    opened = {n["id"] for n in graph_view(gd, ["layer", "layer/add_[0-5]"])["nodes"]}
    assert {"layer/add", "layer/add_5"} <= opened and "layer/add_[0-5]" not in opened


def test_keras_model_config_is_drawn_as_its_conceptual_graph():
    """Keras' TensorBoard callback (fixtures/events/plugins/keras): a node per layer, edges from
    each layer's inbound nodes, as the model was built (features -> hidden, side -> join -> probs)."""
    import json as _json
    reader = read_logdir(ROOT / "tests/fixtures/events/plugins")
    srv = Server(HANDLERS)
    srv.ctx.store["board"] = reader
    out = call(srv, "board.graph", run="keras/train", tag="keras")
    config = _json.loads(reader.graphs("keras/train", "keras").values[-1].data)
    assert out["error"] == "" and [n["id"] for n in out["nodes"]] == [lay["name"] for lay in config["config"]["layers"]]
    edges = {(e["source"], e["target"]) for e in out["edges"]}
    assert edges == {("features", "hidden"), ("features", "side"), ("hidden", "join"), ("side", "join"), ("join", "probs")}
    assert {n["id"]: n["op"] for n in out["nodes"]}["join"] == "Concatenate"
    assert {n["id"]: n["attrs"] for n in out["nodes"]}["hidden"]["units"] == "8"


def test_keras_conceptual_graph_of_keras2_and_sequential_configs():
    from nnlab.board.keras_graph import keras_graph
    keras2 = {"class_name": "Model", "config": {"name": "m", "layers": [
        {"name": "in", "class_name": "InputLayer", "config": {"batch_input_shape": [None, 3]}, "inbound_nodes": []},
        {"name": "d", "class_name": "Dense", "config": {"units": 2}, "inbound_nodes": [[["in", 0, 0, {}]]]}]}}
    g = keras_graph(__import__("json").dumps(keras2))
    assert [(e["source"], e["target"]) for e in g["edges"]] == [("in", "d")] and g["nodes"][0]["shapes"] == [["?", 3]]
    seq = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": "a"}},
                                                              {"class_name": "Dense", "config": {"name": "b"}}]}}
    assert [(e["source"], e["target"]) for e in keras_graph(__import__("json").dumps(seq))["edges"]] == [("a", "b")]
    for bad in ("not json", "[]", '{"config": {}}', "[" * 5000 + "]" * 5000):
        with pytest.raises(ValueError):
            keras_graph(bad)
