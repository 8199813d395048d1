"""Integration: every example trained in quick mode through buildsys.examples, read back by TensorBoard.

TensorFlow and TensorBoard live only in the examples' venv, so the logs are
read there (by TensorBoard's own EventAccumulator, in a subprocess) and the
findings come back as JSON. Set NNLAB_SKIP_EXAMPLES=1 to skip these tests.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from buildsys import examples

pytestmark = pytest.mark.skipif(os.environ.get("NNLAB_SKIP_EXAMPLES") == "1",
                                reason="NNLAB_SKIP_EXAMPLES=1")

# Runs in the examples' venv: prints what TensorBoard finds in each run folder.
READ_LOGS = r'''
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.util import tensor_util

def describe(folder):
    classic = ea.EventAccumulator(folder, size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
    classic.Reload()
    acc = pea.EventAccumulator(folder, size_guidance={pea.TENSORS: 0})
    acc.Reload()
    plugins = {p: {t: len(acc.Tensors(t)) for t in acc.PluginTagToContent(p)}
               for p in acc.ActivePlugins() if p not in ("graphs",)}
    metadata = {}
    for tag in classic.Tags()["run_metadata"]:
        nodes = [n for d in classic.RunMetadata(tag).step_stats.dev_stats for n in d.node_stats]
        metadata[tag] = {"nodes": len(nodes),
                         "timed": sum(n.all_end_rel_micros > 0 for n in nodes),
                         "memory": sum(bool(n.memory) for n in nodes)}
    first = {}
    for plugin, tags in plugins.items():
        for tag in tags:
            value = tensor_util.make_ndarray(acc.Tensors(tag)[0].tensor_proto)
            if plugin == "histograms":
                first[tag] = {"shape": list(value.shape), "total": float(value[:, 2].sum())}
            elif plugin == "audio":
                clip = value[0] if value.ndim == 1 else value[0][0]  # TF2 writes [k], TF1 [k, 2]
                first[tag] = {"shape": list(value.shape), "head": clip[:4].decode("latin-1")}
            elif plugin == "scalars":
                first[tag] = {"value": float(value)}
    return {"plugins": plugins, "run_metadata": metadata, "graph": classic.Tags()["graph"],
            "first": first}

print(json.dumps({folder: describe(folder) for folder in sys.argv[1:]}))
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Train all examples quickly (or take them from the cache, keyed by their sources), then read
    every run with TensorBoard. (test_serve_first_run trains them with an empty cache.)"""
    out = tmp_path_factory.mktemp("examples")
    manifest = examples.build_examples(out, quick=True)
    folders = [str(out / e["logdir"] / run) for e in manifest["examples"] for run in e["runs"]]
    done = subprocess.run([str(examples.examples_python()), "-c", READ_LOGS, *folders],
                          capture_output=True, text=True, env=examples.example_env())
    assert done.returncode == 0, done.stderr[-3000:]
    logs = json.loads(done.stdout)
    by_name = {e["name"]: e for e in manifest["examples"]}
    return out, manifest, by_name, lambda name, run: logs[str(out / by_name[name]["logdir"] / run)]


def test_manifest_lists_every_example_with_existing_paths(built):
    out, manifest, by_name, _ = built
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert [e["name"] for e in manifest["examples"]] == list(examples.EXAMPLES)
    for entry in manifest["examples"]:
        for key in ("name", "kind", "title", "logdir", "runs", "summary", "projector", "image"):
            assert key in entry, (entry["name"], key)
        assert entry["quick"] is True
        assert (out / entry["logdir"]).is_dir()
        for path in (entry["projector"], entry["image"]):
            assert path is None or (out / path).is_file()
    status = json.loads((out / examples.STATUS).read_text())  # what a page polling it last read
    assert status["state"] == "ready" and status["ready"] == status["total"] == len(examples.EXAMPLES)


def test_mnist_scalars_are_grouped_like_the_tutorial(built):
    _, _, by_name, logs = built
    for run in ("train", "test"):
        scalars = logs("mnist_with_summaries", run)["plugins"]["scalars"]
        assert {"accuracy", "cross_entropy", "dropout/dropout_keep_probability"} <= set(scalars)
        for layer in ("layer1", "layer2"):
            for var in ("weights", "biases"):
                for stat in ("mean", "stddev", "max", "min"):
                    assert f"{layer}/{var}/summaries/{stat}" in scalars
    assert logs("mnist_with_summaries", "train")["plugins"]["scalars"]["accuracy"] >= 100
    assert logs("mnist_with_summaries", "test")["plugins"]["scalars"]["accuracy"] >= 12
    summary = by_name["mnist_with_summaries"]["summary"]
    assert 0.5 < summary["final_test_accuracy"] <= 1


def test_mnist_histograms_images_graph_and_run_metadata(built):
    _, _, _, logs = built
    train = logs("mnist_with_summaries", "train")
    histograms = train["plugins"]["histograms"]
    for layer in ("layer1", "layer2"):
        for tag in ("weights/summaries/histogram", "biases/summaries/histogram",
                    "Wx_plus_b/pre_activations", "activations"):
            assert f"{layer}/{tag}" in histograms
    weights = train["first"]["layer1/weights/summaries/histogram"]
    assert weights["shape"] == [30, 3] and weights["total"] == 784 * 500
    assert "input_reshape/input/image/0" in train["plugins"]["images"]
    assert train["graph"] is True
    step = train["run_metadata"]["step099"]
    assert step["nodes"] > 50 and step["timed"] > 50 and step["memory"] > 0
    assert logs("mnist_with_summaries", "test")["graph"] is False


def test_mnist_projector_has_activations_labels_and_a_sprite(built):
    out, _, by_name, _ = built
    config_path = out / by_name["mnist_with_summaries"]["projector"]
    config = json.loads(config_path.read_text())["embeddings"][0]
    rows, dims = config["tensorShape"]
    assert dims == 500 and rows == 2000
    vectors = np.fromfile(config_path.parent / config["tensorPath"], dtype="<f4")
    assert vectors.size == rows * dims and np.all(vectors >= 0)  # ReLU activations
    metadata = (config_path.parent / config["metadataPath"]).read_text().splitlines()
    assert metadata[0] == "label\tpredicted" and len(metadata) - 1 == rows
    assert config["sprite"]["singleImageDim"] == [28, 28]
    png = (config_path.parent / config["sprite"]["imagePath"]).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == height == 45 * 28  # ceil(sqrt(2000)) = 45 digits a row


@pytest.mark.parametrize("name", ["word2vec_basic", "word2vec_optimized"])
def test_word2vec_loss_projector_and_picture(built, name):
    out, _, by_name, logs = built
    entry = by_name[name]
    assert "loss" in logs(name, ".")["plugins"]["scalars"]
    config_path = out / entry["projector"]
    config = json.loads(config_path.read_text())["embeddings"][0]
    rows, dims = config["tensorShape"]
    vectors = np.fromfile(config_path.parent / config["tensorPath"], dtype="<f4")
    assert vectors.size == rows * dims and np.all(np.isfinite(vectors))
    metadata = (config_path.parent / config["metadataPath"]).read_text().splitlines()
    assert metadata[0] == "word\tcount" and len(metadata) - 1 == rows == 10000
    assert metadata[1].split("\t")[0] == "UNK"
    assert (out / entry["image"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    neighbours = entry["summary"]["neighbours"]
    assert len(neighbours) >= 5 and all(len(v) == 8 for v in neighbours.values())


def test_audio_clips_labels_and_scalars(built):
    _, _, by_name, logs = built
    train = logs("audio", "train")
    assert "tones" in train["plugins"]["audio"] and "tones_labels" in train["plugins"]["text"]
    clip = train["first"]["tones"]
    assert clip["shape"][0] == 4 and clip["head"] == "RIFF"  # four WAV clips
    for run in ("train", "test"):
        assert {"loss", "accuracy"} <= set(logs("audio", run)["plugins"]["scalars"])
    assert 0 <= by_name["audio"]["summary"]["final_test_accuracy"] <= 1


def test_an_unchanged_rebuild_copies_the_cache(built, tmp_path, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("an unchanged rebuild trained an example instead of copying the cache")
    monkeypatch.setattr(examples, "run_example", no_training)
    manifest = examples.build_examples(tmp_path, quick=True)
    assert [e["name"] for e in manifest["examples"]] == list(examples.EXAMPLES)
    assert (tmp_path / "mnist_with_summaries" / "logs" / "train").is_dir()


def test_a_failing_example_names_itself(monkeypatch, tmp_path):
    """Run an example with the main venv's python, which has no TensorFlow: a named BuildError."""
    import sys
    from buildsys.common import BuildError
    monkeypatch.setattr(examples, "data_dir", lambda: tmp_path / "data")
    with pytest.raises(BuildError) as info:
        examples.run_example(Path(sys.executable), "audio", tmp_path / "x", True, _Quiet())
    assert "example audio failed" in str(info.value) and "tensorflow" in str(info.value)
    assert "nnlab.examples.audio" in info.value.hint
    with pytest.raises(BuildError, match="could not start"):
        examples.run_example(tmp_path / "no-python", "audio", tmp_path / "y", True, _Quiet())


class _Quiet:
    def note(self, text):
        pass
