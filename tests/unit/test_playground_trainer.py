"""Playground trainer: config, the anchor's update rule, divergence, heatmaps, exports, handlers."""

import ast
import json
import subprocess
import sys

import numpy as np
import pytest

from nnlab.playground import export
from nnlab.playground.activations import fast_tanh
from nnlab.playground.service import HANDLERS
from nnlab.playground.trainer import Trainer
from nnlab.protocol import Server

ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]
SCENARIO_A = {"dataset": "spiral", "noise": 0, "percTrainData": 50, "features": ALL_FEATURES,
              "networkShape": [8, 4, 2], "activation": "tanh", "learningRate": 0.03, "batchSize": 10}
SMALL = {"dataset": "circle", "noise": 10, "networkShape": [3], "batchSize": 3, "learningRate": 0.1,
         "seed": 4}  # 250 training points: not a multiple of the batch size


# ---------------------------------------------------------------- config

@pytest.mark.parametrize("change, message", [
    ({"dataset": "moons"}, "dataset must be one of"),
    ({"dataset": "reg-plane", "problem": "classification"}, "regression dataset"),
    ({"dataset": "reg-gauss", "loss": "cross_entropy"}, "loss for regression must be square"),
    ({"dataset": "blobs", "loss": "square"}, "loss for multiclass must be cross_entropy"),
    ({"features": []}, "features must be a non-empty list"),
    ({"features": ["x", "x"]}, "must not repeat"),
    ({"batchSize": 0}, r"batchSize must be in \[1, 30\]"),
    ({"batchSize": 2.5}, "whole number"),
    ({"noise": "lots"}, "noise must be a number"),
    ({"learningRate": 0}, "learningRate must be in"),
    ({"networkShape": [4, 0]}, "networkShape"),
    ({"activation": "mish"}, "activation must be one of"),
    ({"regularization": "L3"}, "regularization must be one of"),
    ({"learning_rate": 0.1}, "unknown config keys"),
    ({"points": {"x": [0, 1], "y": [0, 1]}}, "points must be"),
    ({"points": {"x": [0, 9], "y": [0, 1], "label": [0, 1]}}, "point 1: x = 9 is outside"),
])
def test_invalid_config_is_a_clear_value_error(change, message):
    with pytest.raises(ValueError, match=message):
        Trainer({**SMALL, **change})


def test_defaults_are_the_anchors():
    c = Trainer({}).config
    assert (c["dataset"], c["problem"], c["loss"], c["activation"]) == ("circle", "classification", "square", "tanh")
    assert (c["networkShape"], c["features"], c["batchSize"], c["learningRate"]) == ([4, 2], ["x", "y"], 10, 0.03)
    assert Trainer({"problem": "regression"}).config["dataset"] == "reg-plane"
    assert Trainer({"networkShape": "3,2", "showTestData": True}).net.layer_sizes == [2, 3, 2, 1]


# ---------------------------------------------------------------- the update rule

def reference_training(t, epochs):
    """The anchor's oneStep/backProp/updateWeights, one sample and one weight at a time.

    tanh hidden layers, tanh output, square loss; updates when (i + 1) % batch == 0
    with i counted from each epoch's start, so a leftover carries over.
    """
    c = t.config
    lr, reg, rate, batch = c["learningRate"], c["regularization"], c["regularizationRate"], c["batchSize"]
    W, b = [w.copy() for w in t.net.W], [v.copy() for v in t.net.b]
    dead = [np.zeros(w.shape, bool) for w in W]
    accW, accb, count = [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b], 0
    for _ in range(epochs):
        for i, (f, label) in enumerate(zip(t.F_train, t.y_train)):
            acts = [f]
            for w, v in zip(W, b):
                acts.append(np.tanh(acts[-1] @ w + v))
            delta = (acts[-1] - label) * (1 - acts[-1] ** 2)
            for l in range(len(W) - 1, -1, -1):
                accW[l] += np.outer(acts[l], delta)
                accb[l] += delta
                delta = (W[l] @ delta) * (1 - acts[l] ** 2)
            count += 1
            if (i + 1) % batch:
                continue
            for l in range(len(W)):
                for idx in np.ndindex(W[l].shape):
                    if dead[l][idx]:
                        continue
                    w0 = W[l][idx]
                    slope = {"L1": np.sign(w0), "L2": w0}.get(reg, 0.0)
                    w1 = w0 - lr / count * accW[l][idx]
                    w2 = w1 - lr * rate * slope
                    if reg == "L1" and w1 * w2 < 0:
                        W[l][idx], dead[l][idx] = 0.0, True
                    else:
                        W[l][idx] = w2
                b[l] -= lr / count * accb[l]
                accW[l][:], accb[l][:] = 0, 0
            count = 0
    return W, b, dead


@pytest.mark.parametrize("reg, rate", [("L1", 0.03), ("L2", 0.1), ("none", 0)])
def test_vectorised_training_equals_the_per_sample_reference(reg, rate):
    t = Trainer({**SMALL, "networkShape": [3, 2], "regularization": reg, "regularizationRate": rate})
    assert len(t.F_train) % 3 == 1
    W, b, dead = reference_training(t, 4)
    t.step(4)
    for ours, ref in zip(t.net.W + t.net.b, W + b):
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)
    assert [(~a).tolist() for a in t.net.alive] == [d.tolist() for d in dead]
    if reg == "L1":
        assert any(d.any() for d in dead)  # the case under test happened


def test_l1_dead_weights_stay_zero_until_edited():
    t = Trainer({**SMALL, "regularization": "L1", "regularizationRate": 0.1, "learningRate": 0.3})
    t.step(5)
    dead = [~a for a in t.net.alive]
    assert sum(d.sum() for d in dead) > 0
    t.step(5)
    for W, d in zip(t.net.W, dead):
        assert (W[d] == 0).all()
    layer = next(l for l, d in enumerate(dead) if d.any())
    src, dst = map(int, np.argwhere(dead[layer])[0])
    t.set_weight(layer, src, dst, 0.4)
    assert t.net.alive[layer][src, dst] and t.net.W[layer][src, dst] == 0.4


def test_same_seed_same_run_and_other_seed_differs():
    def losses(seed):
        t = Trainer({**SMALL, "seed": seed})
        return [tuple(t.step(3)[k] for k in ("train_loss", "test_loss")) for _ in range(3)]
    assert losses(9) == losses(9)
    assert losses(9) != losses(10)


@pytest.mark.parametrize("seed", [2, 3])
def test_scenario_a_spiral_reaches_test_loss_below_0_1(seed):
    t = Trainer({**SCENARIO_A, "seed": seed})
    while t.epoch < 1000 and t.evaluate()["test_loss"] >= 0.1:
        t.train(10)
    assert t.evaluate()["test_loss"] < 0.1, f"seed {seed}: {t.evaluate()}"


def test_other_losses_and_problems_learn():
    ce = Trainer({"dataset": "gauss", "loss": "cross_entropy", "seed": 1})
    assert ce.net.output == "sigmoid" and ce.step(30)["test_acc"] > 0.95
    multi = Trainer({"dataset": "blobs", "networkShape": [6], "seed": 1, "learningRate": 0.1})
    assert multi.net.layer_sizes == [2, 6, 3] and multi.net.output == "softmax"
    assert multi.step(30)["test_acc"] > 0.9
    reg = Trainer({"dataset": "reg-plane", "seed": 1, "learningRate": 0.01})
    start = reg.evaluate()["test_loss"]
    snap = reg.step(20)
    assert snap["train_acc"] is None and snap["test_loss"] < start / 5


def test_user_points_replace_the_dataset():
    rng = np.random.default_rng(0)
    xy = rng.uniform(-5, 5, (40, 2))
    points = {"x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(), "label": (xy[:, 0] > 0).astype(int).tolist()}
    t = Trainer({"points": points, "percTrainData": 50, "batchSize": 30, "seed": 3, "learningRate": 0.1})
    data = t.data()
    assert t.config["dataset"] == "custom" and data["problem"] == "classification"
    assert len(data["train"]["x"]) == 20 and set(data["test"]["label"]) <= {-1.0, 1.0}
    assert t.step(50)["train_acc"] > 0.8  # batch 30 > 20 points still trains (one update per epoch)


# ---------------------------------------------------------------- divergence

def test_divergence_is_reported_without_exceptions():
    t = Trainer({"dataset": "reg-plane", "activation": "relu", "learningRate": 10, "seed": 1})
    snap = t.step(20)
    assert snap["diverged"] and t.diverged
    epoch = snap["epoch"]
    assert t.step(5)["epoch"] == epoch and t.snapshot()["diverged"]  # no more training


def test_huge_weight_diverges_and_non_finite_edits_are_refused():
    t = Trainer({**SMALL, "dataset": "reg-plane", "activation": "relu"})
    t.set_weight(0, 0, 0, 1e300)
    t.set_weight(0, 1, 0, 1e300)
    t.set_weight(1, 0, 0, 1e300)  # a linear output overflows to inf somewhere on the plane
    snap = t.snapshot(heatmaps=True, resolution=10)
    assert snap["diverged"]
    assert t.step(3)["epoch"] == 0
    for bad in (float("nan"), float("inf"), "1", None):
        with pytest.raises(ValueError, match="finite number"):
            t.set_weight(0, 0, 0, bad)
    with pytest.raises(ValueError, match="layer"):
        t.set_bias(5, 0, 1.0)


# ---------------------------------------------------------------- snapshot

def test_snapshot_keys_types_and_heatmap_orientation():
    t = Trainer({**SCENARIO_A, "seed": 1})
    snap = t.snapshot(heatmaps=True, resolution=20)
    assert set(snap) == {"epoch", "train_loss", "test_loss", "train_acc", "test_acc", "diverged",
                         "layer_sizes", "params", "resolution", "heatmaps"}
    assert snap["layer_sizes"] == [7, 8, 4, 2, 1] and snap["resolution"] == 20
    assert snap["params"].dtype == np.float32 and snap["params"].shape == t.net.params.shape
    W, b = t.net.views(snap["params"])
    assert [w.shape for w in W] == [(7, 8), (8, 4), (4, 2), (2, 1)]
    np.testing.assert_allclose(W[1], t.net.W[1], rtol=1e-6)
    np.testing.assert_allclose(b[2], t.net.b[2], rtol=1e-6)
    heat = snap["heatmaps"]
    assert heat.shape == (7 + 8 + 4 + 2 + 1, 400) and heat.dtype == np.float32
    x_img, y_img = heat[0].reshape(20, 20), heat[1].reshape(20, 20)
    assert (np.diff(x_img, axis=1) > 0).all() and (np.diff(x_img, axis=0) == 0).all()
    assert (np.diff(y_img, axis=0) < 0).all() and (np.diff(y_img, axis=1) == 0).all()
    assert x_img[0, 0] == -6 and y_img[0, 0] == 6 and x_img[-1, -1] == 6 and y_img[-1, -1] == -6
    top_right = t.net.predict(t.grid_inputs(20)[19:20])[0, 0]  # row 0, last column: (6, 6)
    assert heat[-1, 19] == pytest.approx(top_right, abs=1e-3)  # drawn in float32, see below
    assert "heatmaps" not in t.step(1)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
@pytest.mark.parametrize("extra", [{}, {"loss": "cross_entropy"}, {"problem": "multiclass", "dataset": "blobs"},
                                   {"problem": "regression"}])
def test_heatmaps_match_the_float64_forward_pass(activation, extra):
    """Drawn in float32 with a rational tanh for hidden layers: within 1e-3 of the model
    (a colour shade is 2/30 wide)."""
    t = Trainer({"networkShape": [6, 4], "activation": activation, "seed": 3, **extra})
    t.train(20)
    acts = t.net.forward(t.grid_inputs(30))[1]
    ref = np.concatenate([a.T for a in acts])
    if t.net.output == "sigmoid":
        ref[-1] = 2 * ref[-1] - 1
    np.testing.assert_allclose(t.heatmaps(30), ref, rtol=0, atol=1e-3)


def test_fast_tanh_stays_within_its_bound_and_keeps_nan():
    x = np.concatenate([np.linspace(-30, 30, 200_001), [np.inf, -np.inf, np.nan]]).astype(np.float32)
    y = x.copy()
    fast_tanh(y, np.empty_like(y))
    assert np.abs(y[:-3] - np.tanh(x[:-3].astype(np.float64))).max() < 7.2e-5
    assert abs(y[-3] - 1) < 7.2e-5 and abs(y[-2] + 1) < 7.2e-5 and np.isnan(y[-1])


def test_sigmoid_output_heatmap_is_mapped_to_plus_minus_one():
    t = Trainer({"dataset": "gauss", "loss": "cross_entropy", "seed": 2})
    heat = t.snapshot(resolution=8)["heatmaps"][-1]
    p = t.net.predict(t.grid_inputs(8))[:, 0]
    np.testing.assert_allclose(heat, 2 * p - 1, rtol=0, atol=1e-3)  # float32, rational tanh in hidden layers


def test_data_and_regenerate_keep_the_network():
    t = Trainer(SMALL)
    data = t.data()
    assert data["train"]["x"].shape == (250, 2) and data["train"]["x"].dtype == np.float32
    assert data["n_classes"] == 2 and data["problem"] == "classification"
    t.step(2)
    weights = [W.copy() for W in t.net.W]
    t.regenerate(77)
    assert not np.array_equal(t.data()["train"]["x"], data["train"]["x"])
    assert all(np.array_equal(a, b) for a, b in zip(weights, t.net.W)) and t.epoch == 2
    assert np.array_equal(t.data()["train"]["x"], Trainer({**SMALL, "seed": 77}).data()["train"]["x"])
    t.regenerate()
    assert t.config["seed"] == 78 and t.events[-2:] == [["regenerate", 77], ["regenerate", 78]]


# ---------------------------------------------------------------- exports

def edited_run():
    """A run with every kind of event: epochs, a weight and a bias edit, new data, a new learning rate."""
    t = Trainer({**SMALL, "regularization": "L1", "regularizationRate": 0.01, "features": ["x", "y", "sinX"]})
    t.step(6)
    t.set_weight(0, 1, 2, 0.7)
    t.step(2)
    t.regenerate(11)
    t.set_learning_rate(0.3)
    t.set_bias(1, 0, -0.2)
    t.step(3)
    return t


def test_numpy_script_reproduces_the_trainers_losses(tmp_path):
    t = edited_run()
    script = tmp_path / "run.py"
    script.write_text(export.to_numpy_script(t))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    losses = t.evaluate()
    assert out.stdout.splitlines() == [f"epoch {t.epoch}", f"train loss {losses['train_loss']!r}",
                                       f"test loss {losses['test_loss']!r}"]
    imports = [line for line in script.read_text().splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import json", "import time", "import numpy as np"]  # numpy and the standard library


def test_replaying_a_runs_events_gives_the_same_network_and_losses():
    t = edited_run()
    again = Trainer(t.to_dict()["created_config"])
    again.replay(t.to_dict()["events"])
    assert again.epoch == t.epoch == 11 and again.events == t.events
    np.testing.assert_array_equal(again.net.params, t.net.params)
    np.testing.assert_array_equal(again.net.live, t.net.live)
    assert again.evaluate() == t.evaluate()
    with pytest.raises(ValueError, match="unknown event 'jump'"):
        again.replay([["jump", 1]])


def test_exported_script_defines_each_name_once():
    """The script is the package's modules one after another: a name defined twice would
    silently replace the first module's meaning."""
    t = Trainer(SMALL)
    tree = ast.parse(export.to_numpy_script(t))
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    names += [tg.id for n in tree.body if isinstance(n, ast.Assign) for tg in n.targets if isinstance(tg, ast.Name)]
    assert len(names) > 50 and sorted(n for n in set(names) if names.count(n) > 1) == []


def test_json_export_has_the_model():
    t = Trainer({**SMALL, "regularization": "L1", "regularizationRate": 0.01})
    t.step(2)
    model = json.loads(export.to_json(t))
    assert model["layer_sizes"] == [2, 3, 1] and model["epoch"] == 2
    assert model["activation"] == "tanh" and model["output_activation"] == "tanh"
    np.testing.assert_allclose(model["weights"][0], t.net.W[0])
    assert model["config"]["regularization"] == "L1" and model["events"] == [["train", 2]]


# ---------------------------------------------------------------- handlers

def call(server, type_, params=None, msg_id=1):
    server.submit({"v": 1, "id": msg_id, "type": type_, "params": params or {}})
    replies = []
    for _ in range(100_000):
        replies += [r for r in server.tick() if r["id"] == msg_id]
        if replies and replies[-1]["type"] in ("result", "error"):
            return replies
    raise AssertionError("no final reply")


def plain(value):
    """Replace protocol array records with lists so json.dumps can check the rest."""
    if isinstance(value, dict):
        if "$nd" in value:
            return np.asarray(value["data"]).tolist()
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def test_handlers_round_trip_through_the_protocol_server():
    server = Server(HANDLERS)
    [err] = call(server, "playground.step")
    assert err["type"] == "error" and "playground.create" in err["data"]["message"]
    [bad] = call(server, "playground.create", {"config": {"dataset": "nope"}})
    assert bad["data"]["type"] == "ValueError"
    results = [call(server, "playground.create", {"config": {**SMALL, "networkShape": [4, 2]}, "resolution": 30})]
    results.append(call(server, "playground.step", {"epochs": 2, "heatmaps": True, "resolution": 30}))
    results.append(call(server, "playground.set_weight", {"layer": 0, "src": 1, "dst": 3, "value": 2.5}))
    results.append(call(server, "playground.set_bias", {"layer": 2, "node": 0, "value": -0.5}))
    results.append(call(server, "playground.set_learning_rate", {"learningRate": 0.3}))
    results.append(call(server, "playground.regenerate", {"seed": 5}))
    results.append(call(server, "playground.export", {"format": "json"}))
    results.append(call(server, "playground.export", {"format": "python"}))
    results.append(call(server, "playground.parse_points", {"text": "x,y,label\n1,2,0\n3,4,1\nbad"}))
    for replies in results:
        assert replies[-1]["type"] == "result", replies[-1]["data"]
        json.dumps(plain(replies[-1]["data"]))
    created, stepped, edited = (r[-1]["data"] for r in results[:3])
    assert created["snapshot"]["heatmaps"]["shape"] == [2 + 4 + 2 + 1, 900]
    assert created["data"]["train"]["x"]["$nd"] == "float32" and stepped["epoch"] == 2
    assert edited["params"]["data"][1 * 4 + 3] == 2.5  # W[0][1, 3]: row-major weights come first
    assert results[6][-1]["data"]["filename"].endswith(".json")
    parsed = results[8][-1]["data"]
    assert parsed["errors"] == [[4, parsed["errors"][0][1]]] and parsed["problem"] == "classification"


def test_long_step_reports_progress_and_ends_with_a_snapshot():
    server = Server(HANDLERS)
    call(server, "playground.create", {"config": {**SCENARIO_A, "batchSize": 1}})
    replies = call(server, "playground.step", {"epochs": 60, "heatmaps": False})
    assert [r["type"] for r in replies][-1] == "result" and replies[-1]["data"]["epoch"] == 60
    assert "heatmaps" not in replies[-1]["data"]
    assert all(r["type"] == "progress" and r["data"]["remaining"] > 0 for r in replies[:-1])


def test_fast_mode_step_trains_for_a_time_budget():
    from nnlab.playground import service
    from nnlab.protocol import Context
    ctx = Context()
    service.create(ctx, {"dataset": "circle", "seed": 1})
    snap = service.step(ctx, epochs=100_000, heatmaps=False, budget_ms=30)
    assert 1 <= snap["epoch"] < 100_000
    capped = service.step(ctx, epochs=3, heatmaps=False, budget_ms=1000)
    assert capped["epoch"] == snap["epoch"] + 3
    with pytest.raises(ValueError, match="budget_ms"):
        service.step(ctx, epochs=1, budget_ms=0)
