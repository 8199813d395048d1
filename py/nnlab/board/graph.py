"""The GRAPHS dashboard's model: an op graph folded by name scope, with run-metadata statistics.

A node named ``a/b/c`` sits in scopes ``a`` and ``a/b``. A scope that is not
expanded shows as one node standing for every op below it; edges between the
visible nodes are the ops' inputs, merged and counted. A name that is both an op
and a scope (``w`` beside ``w/read``) puts the op inside its own scope, as
TensorBoard does.
"""

import math
import re
from collections import Counter, defaultdict

import numpy as np


def _ops(graph_def):
    """[(name, op, device, [input op names], [is control])] of a GraphDef."""
    out = []
    for n in graph_def.node:
        inputs = [i.lstrip("^").split(":")[0] for i in n.input]
        out.append((n.name, n.op, n.device, inputs, [i.startswith("^") for i in n.input]))
    return out


def _output_sizes(graph_def):
    """{op name: [elements of output k]} from the ``_output_shapes`` attribute where writers stored it.

    An unknown dimension (-1, usually the batch) counts as 1, so a ``[?, 784]``
    tensor weighs 784; an unknown rank gives None.
    """
    sizes = {}
    for n in graph_def.node:
        if "_output_shapes" in n.attr:
            # math.prod of Python ints: np.prod works in intp, int32 in wasm, and would wrap
            # around for tensors of 2**31 elements or more
            sizes[n.name] = [None if s.unknown_rank else math.prod(max(d.size, 1) for d in s.dim)
                             for s in n.attr["_output_shapes"].list.shape]
    return sizes


def _dtype_name(code):
    """``1`` -> ``float32``: TensorFlow's DataType enum as numpy-style names."""
    # Imported here: protobuf is loaded in the browser only once the Board needs it, and
    # nnlab.api (which imports this module) must start without it.
    from ..events.proto import types_pb2
    try:
        name = types_pb2.DataType.Name(code).removeprefix("DT_").lower()
    except ValueError:
        return str(code)
    return {"float": "float32", "double": "float64", "half": "float16"}.get(name, name)


def _attr_text(value, limit=80):
    """A short, readable text of one AttrValue (what the node details show)."""
    kind = value.WhichOneof("value")
    if kind is None:
        return ""
    if kind == "type":
        return _dtype_name(value.type)
    if kind == "shape":
        return "?" if value.shape.unknown_rank else str([d.size for d in value.shape.dim])
    if kind == "list":
        lst = value.list
        items = ([str([d.size for d in sh.dim]) for sh in lst.shape] or [x.decode("utf-8", "replace") for x in lst.s]
                 or list(map(str, lst.i)) or list(map(str, lst.f)) or list(map(str, lst.b)) or list(map(_dtype_name, lst.type)))
        text = "[" + ", ".join(items) + "]"
    elif kind == "s":
        text = value.s.decode("utf-8", "replace")
    elif kind == "tensor":
        text = f"tensor {[d.size for d in value.tensor.tensor_shape.dim]}"
    else:
        text = str(getattr(value, kind))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def op_details(graph_def):
    """{op name: {inputs, outputs, shapes, attrs}} for the node details panel."""
    consumers = defaultdict(list)
    for n in graph_def.node:
        for raw in n.input:
            consumers[raw.lstrip("^").split(":")[0]].append(n.name)
    out = {}
    for n in graph_def.node:
        shapes = [("?" if sh.unknown_rank else [d.size for d in sh.dim])
                  for sh in n.attr["_output_shapes"].list.shape] if "_output_shapes" in n.attr else []
        out[n.name] = {"inputs": list(n.input), "outputs": consumers.get(n.name, []), "shapes": shapes,
                       "attrs": {k: _attr_text(v) for k, v in sorted(n.attr.items()) if k != "_output_shapes"}}
    return out


def _input_size(sizes, raw_input):
    """Elements carried by one input string ``op[:k]`` (None when unknown or a control input)."""
    if raw_input.startswith("^"):
        return None
    name, _, k = raw_input.partition(":")
    outs = sizes.get(name)
    index = int(k) if k.isdigit() else 0
    return outs[index] if outs and index < len(outs) else None


def _paths(names):
    """Scope path (tuple of scope ids) of every op."""
    scopes = {"/".join(p.split("/")[:k]) for p in names for k in range(1, p.count("/") + 1)}
    paths = {}
    for name in names:
        parts = name.split("/")
        prefixes = ["/".join(parts[:k]) for k in range(1, len(parts))]
        if name in scopes:
            prefixes.append(name)  # the op lives inside its namesake scope
        paths[name] = prefixes
    return paths


def _visible(name, path, expanded):
    for scope in path:
        if scope not in expanded:
            return scope
    return name


SERIES_MIN = 5  # TensorBoard folds this many numbered siblings (foo, foo_1 ... foo_n) into one node
_NUMBERED = re.compile(r"^(.+)_(\d+)$")


def _series_groups(nodes):
    """{series id: (parent, label, [member ids])} for siblings numbered ``base_k`` (and ``base``)."""
    by_base = defaultdict(list)
    for node in nodes.values():
        m = _NUMBERED.match(node["label"])
        if m:
            by_base[(node["parent"], m.group(1))].append((int(m.group(2)), node["id"]))
    out = {}
    for (parent, base), members in by_base.items():
        plain = f"{parent}/{base}" if parent else base
        if plain in nodes and nodes[plain]["parent"] == parent:
            members.append((0, plain))
        if len(members) < SERIES_MIN:
            continue
        numbers = sorted(k for k, _ in members)
        label = f"{base}_[{numbers[0]}-{numbers[-1]}]"
        sid = f"{parent}/{label}" if parent else label
        out[sid] = (parent, label, [i for _, i in sorted(members)])
    return out


def _fold_series(nodes, edges, size, expanded):
    """Fold each series of numbered siblings not in `expanded` into one "series" node."""
    into = {}
    for sid, (parent, label, members) in _series_groups(nodes).items():
        if sid in expanded:
            continue
        first = nodes[members[0]]
        nodes[sid] = {"id": sid, "label": label, "kind": "series", "op": first["op"] if first["kind"] == "op" else "",
                      "devices": sum((nodes[m]["devices"] for m in members), Counter()), "parent": parent,
                      "count": sum(nodes[m]["count"] for m in members), "time": sum(nodes[m]["time"] for m in members),
                      "bytes": sum(nodes[m]["bytes"] for m in members), "members": len(members)}
        for m in members:
            into[m] = sid
            del nodes[m]
    if not into:
        return edges, size
    folded, folded_size = Counter(), defaultdict(int)
    for (src, dst, ctl), n in edges.items():
        key = (into.get(src, src), into.get(dst, dst), ctl)
        if key[0] != key[1]:
            folded[key] += n
            folded_size[key] += size[(src, dst, ctl)]
    return folded, folded_size


def step_stats_by_node(stats):
    """{op name: (compute micros, bytes)} of one `nnlab.events.StepStats` (summed over devices)."""
    time = (stats.op_end_rel_micros - stats.op_start_rel_micros).astype(np.float64)
    out = defaultdict(lambda: [0.0, 0.0])
    for name, t, b in zip(stats.node_name, time.tolist(), stats.total_bytes.astype(np.float64).tolist()):
        out[name][0] += t
        out[name][1] += b
    return {k: tuple(v) for k, v in out.items()}


def graph_view(graph_def, expanded=(), stats=None):
    """The graph as drawn with the scopes in `expanded` open.

    Parameters
    ----------
    graph_def : GraphDef
    expanded : iterable of str
        Scope ids shown open.
    stats : dict of str to (float, float), optional
        `step_stats_by_node` of the chosen step.

    Returns
    -------
    dict
        ``nodes``: [{id, label, kind ("op"|"scope"|"series"), op, device, count, time, bytes, parent}, and
        for ops also inputs, outputs, shapes and attrs (see `op_details`)]; five or more numbered
        siblings (``foo_1 ... foo_n``) are one "series" node ``foo_[1-n]`` unless its id is in `expanded`,
        ``edges``: [{source, target, count, control, size}] where size is the number of tensor
        elements the edge carries (None when no shapes were recorded), ``ops``: total op count.
    """
    expanded = set(expanded)
    ops = _ops(graph_def)
    paths = _paths([o[0] for o in ops])
    stats = stats or {}
    nodes = {}
    for name, op, device, _, _ in ops:
        vid = _visible(name, paths[name], expanded)
        node = nodes.get(vid)
        if node is None:
            kind = "op" if vid == name else "scope"
            parent = paths[name][paths[name].index(vid) - 1] if kind == "scope" and paths[name].index(vid) else (
                paths[name][-1] if kind == "op" and paths[name] else "")
            node = nodes[vid] = {"id": vid, "label": vid.rsplit("/", 1)[-1], "kind": kind, "op": op if kind == "op" else "",
                                 "devices": Counter(), "count": 0, "time": 0.0, "bytes": 0.0, "parent": parent}
        node["count"] += 1
        node["devices"][device] += 1
        t, b = stats.get(name, (0.0, 0.0))
        node["time"] += t
        node["bytes"] += b
    edges, size = Counter(), defaultdict(int)
    known = {o[0] for o in ops}
    out_sizes = _output_sizes(graph_def)
    raw_inputs = {n.name: list(n.input) for n in graph_def.node}
    for name, _, _, inputs, control in ops:
        dst = _visible(name, paths[name], expanded)
        for src_name, ctl, raw in zip(inputs, control, raw_inputs[name]):
            if src_name not in known:
                continue
            src = _visible(src_name, paths[src_name], expanded)
            if src != dst:
                edges[(src, dst, ctl)] += 1
                size[(src, dst, ctl)] += _input_size(out_sizes, raw) or 0
    edges, size = _fold_series(nodes, edges, size, expanded)
    details = op_details(graph_def)
    for node in nodes.values():
        node["device"] = node.pop("devices").most_common(1)[0][0]
        if node["kind"] == "op":
            node.update(details[node["id"]])
    return {"nodes": list(nodes.values()), "ops": len(ops),
            "edges": [{"source": s, "target": d, "control": c, "count": n, "size": size[(s, d, c)] or None}
                      for (s, d, c), n in edges.items()]}
