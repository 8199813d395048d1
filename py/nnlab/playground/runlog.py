"""A Playground run recorded as a TensorBoard log ("Log to Board"), and its hidden layers for the Projector.

One run folder holds one event file (`nnlab.events.writer`): every epoch the mean
train and test loss (and accuracy when classifying); every `every` epochs each
layer's weights and biases as histograms and the output heatmap as an image; at
the start the network as a graph (one node per layer with its shape) and the
configuration as hparams. The same recorded epochs keep every hidden layer's
activations for every data point (train, then test): the Projector's epochs.
"""

import time

import numpy as np

from ..events import writer
from ..events.png import encode_rgb
from .schema import DIVERGING

HOST = "nnlab-playground"
MAX_SNAPSHOTS = 100  # activations kept for the Projector; past it every other one is dropped
IMAGE_RESOLUTION = 64
HPARAM_KEYS = ("learningRate", "activation", "regularization", "regularizationRate", "batchSize",
               "networkShape", "percTrainData", "noise", "seed")


def run_name(config, number):
    """A run folder's name that says what differs between runs: ``run-2-lr0.03-tanh-4x2``."""
    shape = "x".join(str(n) for n in config["networkShape"]) or "linear"
    return f"run-{number}-lr{config['learningRate']:g}-{config['activation']}-{shape}"


def heatmap_rgb(values, n):
    """(n*n,) values in [-1, 1] -> (n, n, 3) uint8 on the Playground's diverging scale."""
    v = np.clip(np.nan_to_num(np.asarray(values, np.float64).reshape(n, n)), -1, 1)[..., None]
    zero, neg, pos = (np.array(DIVERGING[k], np.float64) for k in ("zero", "negative", "positive"))
    rgb = np.where(v < 0, zero + (neg - zero) * -v, zero + (pos - zero) * v)
    return np.round(rgb).astype(np.uint8)


def hparams_of(config):
    """The config's hparams as TensorBoard shows them (lists as text)."""
    out = {}
    for key in HPARAM_KEYS:
        value = config[key]
        out[key] = "x".join(map(str, value)) if isinstance(value, list) else value
    out["dataset"] = config.get({"regression": "regDataset", "multiclass": "mcDataset"}.get(config["problem"], "dataset"))
    return out


class RunLog:
    """The log of one Trainer's run from the epoch it starts at.

    Parameters
    ----------
    trainer : Trainer
    run : str
        The run folder's name (see `run_name`).
    every : int
        Histograms, image and activations every this many epochs (scalars every epoch).
    """

    def __init__(self, trainer, run, every=10):
        self.run, self.every = run, int(every)
        now = time.time()
        self.file = writer.EventFile(f"events.out.tfevents.{int(now)}.{HOST}")
        self.classifies = trainer.config["problem"] != "regression"
        self.snapshots = []  # [(epoch, [(n_points, width) float32 per hidden layer])]
        self.stride = self.every
        self.start = self.last = trainer.epoch
        self.file.add(trainer.epoch, graph_def=self.graph(trainer))
        metrics = ["loss/train", "loss/test"] + (["accuracy/train", "accuracy/test"] if self.classifies else [])
        self.file.add(trainer.epoch, summary=writer.hparams_values(hparams_of(trainer.config), metrics, now))
        self.record(trainer)

    @property
    def path(self):
        return f"{self.run}/{self.file.name}"

    @staticmethod
    def graph(trainer):
        """GraphDef: input, each hidden layer and the output as a node with its (batch, width) shape."""
        sizes = trainer.net.layer_sizes
        names = ["input"] + [f"hidden_{i}" for i in range(1, len(sizes) - 1)] + ["output"]
        ops = ["Input"] + [f"Dense ({trainer.net.activation})"] * (len(sizes) - 2) + [f"Dense ({trainer.net.output})"]
        return writer.graph_def([writer.node(name, op, names[i - 1:i], [-1, size])
                                 for i, (name, op, size) in enumerate(zip(names, ops, sizes))])

    def record(self, trainer):
        """Log the trainer's current epoch (called after each epoch it trains)."""
        self.last = trainer.epoch
        e = trainer.evaluate()
        values = [writer.scalar_value("loss/train", e["train_loss"]), writer.scalar_value("loss/test", e["test_loss"])]
        if self.classifies:
            values += [writer.scalar_value("accuracy/train", e["train_acc"]),
                       writer.scalar_value("accuracy/test", e["test_acc"])]
        if trainer.epoch % self.every == 0:
            values += self.layer_histograms(trainer) + [self.output_image(trainer)]
        self.file.add(trainer.epoch, summary=values)
        if trainer.epoch % self.stride == 0:
            self.keep_activations(trainer)

    @staticmethod
    def layer_histograms(trainer):
        net = trainer.net
        out = []
        for l, (W, b) in enumerate(zip(net.W, net.b)):
            name = "output" if l == len(net.W) - 1 else f"hidden_{l + 1}"
            out += [writer.histogram_value(f"{name}/weights", W), writer.histogram_value(f"{name}/biases", b)]
        return out

    @staticmethod
    def output_image(trainer):
        maps = trainer.heatmaps(IMAGE_RESOLUTION)
        png = encode_rgb(heatmap_rgb(maps[-1], IMAGE_RESOLUTION))
        return writer.image_value("output", png, IMAGE_RESOLUTION, IMAGE_RESOLUTION)

    def keep_activations(self, trainer):
        self.snapshots.append((trainer.epoch, trainer.layer_outputs()[0]))
        if len(self.snapshots) > MAX_SNAPSHOTS:  # bounded memory on long runs: every other one goes,
            self.snapshots = self.snapshots[::2]  # the newest stays (the count is odd here)
            self.stride *= 2

    def take(self):
        """What is new since the last take: ``{"run", "path", "chunk", "epochs"}``: uint8 bytes to append
        to the file, and how many epochs the run has trained since logging began (a page may keep a
        run that never trained out of the Board)."""
        return {"run": self.run, "path": self.path, "chunk": np.frombuffer(self.file.take(), np.uint8),
                "epochs": self.last - self.start}
