"""Log to Board: a Playground run's log, read back by nnlab.events and by TensorBoard's own reader.

The run is scenario A of the product walk-through (spiral, 3 hidden layers) trained through
the worker handlers as the page drives them. TensorBoard lives in the examples' venv: its
EventAccumulator reads the files in a subprocess and the findings come back as JSON.
"""

import json
import subprocess
import zipfile
from io import BytesIO

import numpy as np
import pytest

from nnlab.events import read_logdir
from nnlab.events.hparams import sessions
from nnlab.playground import service
from tests.handlers import Ctx, finish

EPOCHS = 60
EVERY = 10
CONFIG = {"dataset": "spiral", "networkShape": [8, 8, 4], "learningRate": 0.03, "seed": 7}


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """Train 60 epochs with logging on (in steps of various sizes, as play and fast mode send them)."""
    ctx = Ctx()
    service.create(ctx, CONFIG)
    parts = [service.log_start(ctx, number=2, every=EVERY)]
    snaps = [finish(service.step(ctx, epochs=n)) for n in (1, 5, 24, 30)]
    parts.append(service.log_take(ctx))
    trainer = ctx.store["playground"]
    folder = tmp_path_factory.mktemp("logs")
    path = folder / parts[0]["path"]
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(bytes(p["chunk"]) for p in parts))
    return ctx, trainer, snaps[-1], folder, parts[0]


def test_names_the_run_by_what_differs(logged):
    _, _, _, _, first = logged
    assert first["run"] == "run-2-lr0.03-tanh-8x8x4"
    assert first["path"].startswith("run-2-lr0.03-tanh-8x8x4/events.out.tfevents.")


def test_scalars_every_epoch_end_at_the_readout(logged):
    _, trainer, snap, folder, first = logged
    reader = read_logdir(folder)
    assert reader.runs == [first["run"]] and reader.warnings == []  # every record reads cleanly
    test_loss = reader.scalars(first["run"], "loss/test")
    assert test_loss.steps.tolist() == list(range(EPOCHS + 1))  # epoch 0, when logging started, then each
    assert test_loss.values[-1] == pytest.approx(snap["test_loss"], rel=1e-6)  # float32 in the record
    acc = reader.scalars(first["run"], "accuracy/train")
    assert acc.values[-1] == pytest.approx(snap["train_acc"], rel=1e-6)
    assert snap["epoch"] == trainer.epoch == EPOCHS


def test_histograms_image_graph_and_hparams(logged):
    _, trainer, _, folder, first = logged
    reader = read_logdir(folder)
    tags = reader.tags(first["run"])
    layers = ["hidden_1", "hidden_2", "hidden_3", "output"]
    assert tags["histograms"] == sorted(f"{l}/{p}" for l in layers for p in ("biases", "weights"))
    weights = reader.histograms(first["run"], "hidden_2/weights")
    assert weights.steps.tolist() == list(range(0, EPOCHS + 1, EVERY))
    last = weights.values[-1]
    assert last.num == trainer.net.W[1].size and last.sum == pytest.approx(trainer.net.W[1].sum())
    image = reader.images(first["run"], "output").values[-1]
    assert (image.width, image.height) == (64, 64) and image.images[0][:8] == b"\x89PNG\r\n\x1a\n"
    graph = reader.graph(first["run"]).graph_def()
    assert [n.name for n in graph.node] == ["input", "hidden_1", "hidden_2", "hidden_3", "output"]
    assert list(graph.node[2].input) == ["hidden_1"]
    table = sessions(reader)
    row = table["sessions"][0]
    assert row["hparams"]["learningRate"] == 0.03 and row["hparams"]["networkShape"] == "8x8x4"
    assert row["hparams"]["dataset"] == "spiral"
    assert row["metrics"]["loss/test"] == pytest.approx(reader.scalars(first["run"], "loss/test").values[-1])


def test_output_image_is_the_output_heatmap_in_the_playground_colours(logged):
    from PIL import Image  # pinned in requirements.txt; CPython only (tests/runtimes.py)
    _, trainer, _, folder, first = logged
    png = read_logdir(folder).images(first["run"], "output").values[-1].images[0]
    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB"))
    out = trainer.heatmaps(64)[-1].reshape(64, 64)
    top_left = pixels[0, 0].astype(int)  # -1 orange (245, 147, 34), +1 blue (8, 119, 189), 0 grey
    v = float(np.clip(out[0, 0], -1, 1))
    far = np.array([245, 147, 34] if v < 0 else [8, 119, 189])
    assert np.abs(top_left - (np.array([232, 234, 235]) + (far - [232, 234, 235]) * abs(v))).max() <= 1
    blue = (pixels[..., 2] > pixels[..., 0])
    assert (blue == (out > 0)).mean() > 0.99  # blue exactly where the network says +1


def test_layer_points_for_the_projector(logged):
    ctx, trainer, _, _, _ = logged
    out = service.layer_points(ctx, 3)
    n = len(trainer.y_train) + len(trainer.y_test)
    assert out["vectors"].shape == (EPOCHS // EVERY + 1, n, 4) and out["epochs"] == list(range(0, EPOCHS + 1, EVERY))
    hidden, predicted = trainer.layer_outputs()
    np.testing.assert_array_equal(out["vectors"][-1], hidden[2])  # the last snapshot is the network now
    rows = [r.split("\t") for r in out["metadata"].strip().split("\n")]
    assert rows[0] == ["label", "split", "predicted", "correct"] and len(rows) == n + 1
    labels = np.concatenate([trainer.y_train, trainer.y_test])
    correct = sum(r[3] == "yes" for r in rows[1:])
    assert correct == int((predicted == labels).sum())
    assert rows[1][1] == "train" and rows[-1][1] == "test"
    with pytest.raises(ValueError, match=r"layer must be an integer in \[1, 3\]"):
        service.layer_points(ctx, 4)


def test_zip_holds_the_files_and_refuses_paths_outside(logged):
    ctx, _, _, folder, first = logged
    data = (folder / first["path"]).read_bytes()
    out = service.zip_logs(ctx, {first["path"]: np.frombuffer(data, np.uint8)})
    with zipfile.ZipFile(BytesIO(bytes(out["data"]))) as z:
        assert z.namelist() == [first["path"]] and z.read(first["path"]) == data
    with pytest.raises(ValueError, match="not a path inside"):
        service.zip_logs(ctx, {"../evil": b"x"})


def test_a_new_network_stops_the_log(logged):
    ctx = Ctx()
    service.create(ctx, CONFIG)
    service.log_start(ctx)
    service.create(ctx, CONFIG)
    assert service.log_take(ctx) is None


READ_WITH_TENSORBOARD = r'''
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.plugins.hparams import metadata as hp_metadata
acc = ea.EventAccumulator(sys.argv[1], size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
acc.Reload()
plugins = pea.EventAccumulator(sys.argv[1])
plugins.Reload()
content = plugins.PluginTagToContent("hparams")
start = hp_metadata.parse_session_start_info_plugin_data(content["_hparams_/session_start_info"])
experiment = hp_metadata.parse_experiment_plugin_data(content["_hparams_/experiment"])
graph = acc.Graph()
histo = acc.Histograms("hidden_2/weights")[-1].histogram_value
print(json.dumps({
    "scalars": sorted(acc.Tags()["scalars"]),
    "test_loss": [[e.step, e.value] for e in acc.Scalars("loss/test")],
    "histograms": sorted(acc.Tags()["histograms"]),
    "histo": {"num": histo.num, "sum": histo.sum, "buckets": len(histo.bucket)},
    "image": [acc.Images("output")[-1].width, acc.Images("output")[-1].height],
    "graph": [[n.name, n.op, list(n.input)] for n in graph.node],
    "hparams": {k: (v.number_value if v.HasField("number_value") else v.string_value) for k, v in start.hparams.items()},
    "metrics": [m.name.tag for m in experiment.metric_infos],
}))
'''


def test_tensorboard_reads_the_same_values(logged):
    from buildsys import examples
    _, trainer, snap, folder, first = logged
    done = subprocess.run([str(examples.examples_python()), "-c", READ_WITH_TENSORBOARD, str(folder / first["run"])],
                          capture_output=True, text=True, env=examples.example_env())
    assert done.returncode == 0, done.stderr[-3000:]
    tb = json.loads(done.stdout)
    assert tb["scalars"] == ["accuracy/test", "accuracy/train", "loss/test", "loss/train"]
    assert [s for s, _ in tb["test_loss"]] == list(range(EPOCHS + 1))
    assert tb["test_loss"][-1][1] == pytest.approx(snap["test_loss"], rel=1e-6)
    assert len(tb["histograms"]) == 8
    assert tb["histo"]["num"] == trainer.net.W[1].size and tb["histo"]["sum"] == pytest.approx(trainer.net.W[1].sum())
    assert tb["image"] == [64, 64]
    assert tb["graph"][0][0] == "input" and tb["graph"][-1] == ["output", "Dense (tanh)", ["hidden_3"]]
    assert tb["hparams"]["learningRate"] == 0.03 and tb["hparams"]["activation"] == "tanh"
    assert tb["metrics"] == ["loss/train", "loss/test", "accuracy/train", "accuracy/test"]
