"""The generated protobuf classes: TensorFlow's field numbers, pure-Python runtime, speed."""

import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "events"
OURS = ["types", "tensor_shape", "tensor", "summary", "event", "graph", "step_stats", "config", "meta_graph"]
OPAQUE = {("RunMetadata", "cost_graph")}  # kept as bytes: a CostGraphDef is never needed


def walk(descriptor):
    yield descriptor
    for nested in descriptor.nested_types:
        yield from walk(nested)


def test_field_numbers_match_tensorboards_protos():
    import importlib

    from google.protobuf import descriptor_pool
    for name in OURS:
        importlib.import_module(f"nnlab.events.proto.{name}_pb2")
    for name in ["event", "summary", "config", "meta_graph", "graph", "step_stats", "histogram"]:
        importlib.import_module(f"tensorboard.compat.proto.{name}_pb2")
    pool = descriptor_pool.Default()
    checked = 0
    for name in OURS:
        fd = pool.FindFileByName(f"nnlab/events/proto/{name}.proto")
        for top in fd.message_types_by_name.values():
            for d in walk(top):
                theirs = pool.FindMessageTypeByName(d.full_name.replace("nnlab.tf.", "tensorboard."))
                for f in d.fields:
                    t = theirs.fields_by_name[f.name]
                    same_type = t.type == f.type or (d.name, f.name) in OPAQUE
                    assert (t.number, t.is_repeated, same_type) == (f.number, f.is_repeated, True), f"{d.full_name}.{f.name}"
                    checked += 1
        for enum in fd.enum_types_by_name.values():
            theirs = pool.FindEnumTypeByName(enum.full_name.replace("nnlab.tf.", "tensorboard."))
            for v in enum.values:
                assert theirs.values_by_name[v.name].number == v.number
    assert checked > 100


PURE_PYTHON_CHECK = """
from google.protobuf.internal import api_implementation
assert api_implementation.Type() == "python", api_implementation.Type()
import tensorboard.compat.proto.event_pb2  # TensorBoard's own classes load beside ours
from nnlab.events import read_logdir
logs = read_logdir({logdir!r})
s = logs.scalars("train", "loss")
assert s.steps.tolist()[:3] == [0, 1, 2], s.steps
assert logs.graph("train").graph_def().node
assert logs.histograms("train", "weights").values[0].buckets.shape == (8, 3)
print("ok", len(s))
"""


def test_pure_python_protobuf_runtime():
    env = {"PYTHONPATH": str(ROOT / "py"), "PATH": "/usr/bin:/bin",
           "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"}
    code = PURE_PYTHON_CHECK.format(logdir=str(FIXTURES / "tf2"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_no_browser_incompatible_imports():
    import ast
    banned = {"js", "pyodide", "tensorflow", "tensorboard", "torch", "tensorboardX"}
    for path in (ROOT / "py" / "nnlab" / "events").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            assert not {n.split(".")[0] for n in names} & banned, f"{path.name} imports {names}"
