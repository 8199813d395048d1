"""The conceptual graph of a Keras model (plugin ``graph_keras_model``): one node per layer.

Keras' TensorBoard callback stores ``model.to_json()``. A Functional model lists
its layers with ``inbound_nodes``: Keras 3 names each input tensor's producer in a
``keras_history`` ``[layer, node, tensor]``; Keras 2 writes ``[[layer, node,
tensor, kwargs], ...]`` lists. A Sequential model chains its layers in order.
A nested model is one node here, named by its class.
"""

import json

from ..projector.jsonconfig import check_json_depth

_SHOWN = (str, int, float, bool)
# Keras configs nest about a dozen levels (more with nested models); json.loads and the walk
# below recurse once per level, and too deep a file would blow Pyodide's wasm stack.
MAX_DEPTH = 200


def _producers(inbound):
    """Names of the layers feeding a layer, in order, from its ``inbound_nodes`` (Keras 2 or 3)."""
    out = []

    def walk(x):
        if isinstance(x, dict):
            history = x.get("keras_history")  # Keras 3: {"config": {"keras_history": [layer, node, tensor]}}
            if isinstance(history, list) and history and isinstance(history[0], str):
                out.append(history[0])
                return
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            if len(x) >= 3 and isinstance(x[0], str) and isinstance(x[1], int):  # Keras 2: [name, node, tensor, kwargs]
                out.append(x[0])
                return
            for v in x:
                walk(v)

    walk(inbound)
    return list(dict.fromkeys(out))


def _attrs(layer):
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    return {k: str(v) for k, v in config.items() if isinstance(v, _SHOWN) and k != "name"}


def _shape(layer):
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    shape = config.get("batch_shape") or config.get("batch_input_shape") or (layer.get("build_config") or {}).get("input_shape")
    return [["?" if d is None else d for d in shape]] if isinstance(shape, list) else []


def keras_graph(text):
    """The graph view of a Keras model config (JSON text), in `graph.graph_view`'s form.

    Raises
    ------
    ValueError
        When the text is not a Keras model config.
    """
    check_json_depth(text, "Keras model config", MAX_DEPTH)  # a ParseError is a ValueError
    try:
        model = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not a Keras model config ({exc})") from None
    config = model.get("config") if isinstance(model, dict) else None
    layers = config.get("layers") if isinstance(config, dict) else None
    if not isinstance(layers, list):
        raise ValueError("a Keras model config lists its layers in config.layers")
    sequential = model.get("class_name") == "Sequential"
    nodes, edges, previous = [], [], None
    for i, layer in enumerate(x for x in layers if isinstance(x, dict)):
        cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        name = str(layer.get("name") or cfg.get("name") or f"layer_{i}")
        try:
            inputs = [previous] if sequential and previous else _producers(layer.get("inbound_nodes", []))
        except RecursionError:
            raise ValueError(f"layer {name!r}: inbound_nodes nested too deeply") from None
        nodes.append({"id": name, "label": name, "kind": "op", "op": str(layer.get("class_name", "")), "device": "",
                      "count": 1, "time": 0.0, "bytes": 0.0, "parent": "", "inputs": inputs, "outputs": [],
                      "shapes": _shape(layer), "attrs": _attrs(layer)})
        edges += [{"source": src, "target": name, "control": False, "count": 1, "size": None} for src in inputs]
        previous = name
    known = {n["id"] for n in nodes}
    for n in nodes:
        n["outputs"] = [e["target"] for e in edges if e["source"] == n["id"]]
    return {"nodes": nodes, "edges": [e for e in edges if e["source"] in known], "ops": len(nodes),
            "model": str(config.get("name", "")), "conceptual": True}
