"""The live Playground: a config, its data, a network, and training as the anchor does it.

Config keys are TensorFlow Playground's URL hash keys (see `normalize_config`).
One ``np.random.default_rng(seed)`` draws, in order: the data, the train/test
split, the initial weights, so a seed gives the same run everywhere.
"""

import time

import numpy as np

from .config import (MAX_EPOCHS, integer_param, build_data, network_layout, normalize_config,
                     schema_param)
from .datasets import COORD_LIMIT
from .features import grid, inputs
from .gridmaps import GridStack, node_maps
from .network import Network
from .update import GradientSum, train_epoch, weights_finite


def _finite_float(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _index(value, size, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{what} must be an integer in [0, {size - 1}], got {value!r}")
    return int(value)


def _losses_and_accuracies(net, problem, F, Q, y, n_train):
    """Mean loss (`Network.split_losses`) and accuracy (see `_accuracy`) of the train and
    test points, which are rows [:n_train] and [n_train:] of F, Q, y: one forward pass for both."""
    losses, out = net.split_losses(F, Q, n_train)
    parts = (slice(None, n_train), slice(n_train, None))
    return losses, [_accuracy(net, problem, out[part], y[part]) for part in parts]


def _predicted(net, problem, out):
    """The class each output row predicts (the labels' coding: -1/+1 or 0..K-1); None for regression."""
    if problem == "regression":
        return None
    if problem == "multiclass":
        return out.argmax(axis=1).astype(np.float64)
    threshold = 0.5 if net.output == "sigmoid" else 0.0  # the anchor's "discretize" for tanh
    return np.where(out[:, 0] >= threshold, 1.0, -1.0)


def _accuracy(net, problem, out, y):
    """Share of points whose predicted class (from outputs `out`) is right; None for regression."""
    predicted = _predicted(net, problem, out)
    return None if predicted is None else float((predicted == y).mean())


class Trainer:
    """A network training on a Playground dataset, step by step.

    Parameters
    ----------
    config : dict
        See `normalize_config`. Invalid values raise ValueError.

    Attributes
    ----------
    config : dict
        The normalised current config (seed and learningRate follow
        `regenerate` and `set_learning_rate`).
    net : Network
    epoch : int
    events : list of list
        What happened since creation (``["train", k]``, ``["set_weight", l, i, j, v]``,
        ``["set_bias", l, j, v]``, ``["regenerate", seed]``, ``["learning_rate", lr]``)
        so an export can replay the run exactly.
    """

    def __init__(self, config):
        self.config = normalize_config(config)
        self.created_config = {**self.config}
        rng = np.random.default_rng(self.config["seed"])
        self._load_data(rng)
        sizes, output = network_layout(self.config, self.n_classes)
        self.net = Network.create(sizes, self.config["activation"], output, rng, zero=self.config["initZero"])
        self._set_targets()
        self.grads = GradientSum(self.net)
        self.epoch = 0
        self.events = []
        self._version = 0          # bumped on every change; keys the cached evaluation
        self._evaluation = None    # (version, dict of losses and accuracies)
        self._grid = None          # (resolution, grid inputs (R*R, n_inputs), GridStack)

    def _load_data(self, rng):
        self.X_train, self.y_train, self.X_test, self.y_test, self.n_classes = build_data(self.config, rng)
        self.F_train = inputs(self.X_train, self.config["features"])
        self.F_test = inputs(self.X_test, self.config["features"])

    def _set_targets(self):
        self.Q_train, self.Q_test = self.net.targets(self.y_train), self.net.targets(self.y_test)
        # Train then test points in one array: the loss readouts take one forward pass.
        self._all = tuple(np.concatenate(pair) for pair in
                          ((self.F_train, self.F_test), (self.Q_train, self.Q_test), (self.y_train, self.y_test)))

    def _changed(self, event):
        """Record an event (merging consecutive training) and invalidate cached results."""
        if event[0] == "train" and self.events and self.events[-1][0] == "train":
            self.events[-1][1] += event[1]
        else:
            self.events.append(event)
        self._version += 1

    def evaluate(self, fresh=False):
        """Losses (mean over all train / test points) and accuracies, cached until a change
        (`fresh`: computed again regardless, as a benchmark needs)."""
        if fresh or self._evaluation is None or self._evaluation[0] != self._version:
            net, problem = self.net, self.config["problem"]
            F, Q, y = self._all
            with np.errstate(all="ignore"):
                loss, acc = _losses_and_accuracies(net, problem, F, Q, y, len(self.F_train))
            result = {"train_loss": loss[0], "test_loss": loss[1], "train_acc": acc[0], "test_acc": acc[1]}
            self._evaluation = (self._version, result)
        return self._evaluation[1]

    @property
    def diverged(self):
        """True when a weight, a bias or a loss is NaN or infinite."""
        losses = self.evaluate()
        return not (weights_finite(self.net) and np.isfinite([losses["train_loss"], losses["test_loss"]]).all())

    def train(self, epochs, deadline=None, on_epoch=None):
        """Train up to `epochs` epochs, stopping at divergence; returns how many ran.

        With `deadline` (a `time.perf_counter()` value) it also stops, after at
        least one epoch, once that time has passed. `on_epoch(trainer)` runs after
        each epoch (a `RunLog` records it).
        """
        epochs = _index(epochs, MAX_EPOCHS + 1, "epochs")
        c = self.config
        batch = min(c["batchSize"], len(self.F_train))  # else a tiny upload would never update
        done = 0
        with np.errstate(all="ignore"):  # overflow is reported as diverged, not warned about
            while done < epochs and (done or not self.diverged):
                train_epoch(self.net, self.F_train, self.Q_train, batch, c["learningRate"],
                            c["regularization"], c["regularizationRate"], self.grads)
                done += 1
                self.epoch += 1
                self._changed(["train", 1])  # merged with the epochs before it
                if on_epoch is not None:
                    on_epoch(self)
                if not weights_finite(self.net) or (deadline is not None and time.perf_counter() >= deadline):
                    break
        return done

    def step(self, epochs=1):
        """Train `epochs` epochs (none once diverged); returns `snapshot(heatmaps=False)`."""
        self.train(epochs)
        return self.snapshot(heatmaps=False)

    def grid_inputs(self, resolution):
        """Features of an R x R grid over [-6, 6]^2: (R*R, n_inputs), row-major from the top left."""
        if self._grid is None or self._grid[0] != resolution:
            F = inputs(grid(resolution, COORD_LIMIT), self.config["features"])
            self._grid = (resolution, F, GridStack(np.ascontiguousarray(F.T, dtype=np.float32), self.net.layer_sizes))
        return self._grid[1]

    def heatmaps(self, resolution=100):
        """Every node's output on the grid: (n_nodes, R*R) float32, inputs then hidden then outputs.

        Computed in float32 (it is only drawn), see `nnlab.playground.gridmaps`.
        A sigmoid output p is shown as 2p - 1 so every binary output colours in [-1, 1].
        """
        self.grid_inputs(resolution)
        return node_maps(self.net, self._grid[2])

    def snapshot(self, heatmaps=True, resolution=100):
        """The state the page draws: epoch, losses, accuracies, parameters (and heatmaps).

        Returns
        -------
        dict
            epoch, train_loss, test_loss, train_acc, test_acc (None for regression),
            diverged, layer_sizes, params ((n_params,) float32: per layer the weights
            (n_in, n_out) row-major, then the biases (n_out,), as `Network.params`);
            with heatmaps also resolution and heatmaps ((n_nodes, R*R) float32, see
            `heatmaps`). One array for every parameter: each array costs the page a
            conversion and a message record.
        """
        with np.errstate(over="ignore"):  # a huge float64 weight becomes inf in float32, fine
            out = {"epoch": self.epoch, **self.evaluate(), "diverged": self.diverged,
                   "layer_sizes": list(self.net.layer_sizes), "params": self.net.params.astype(np.float32)}
        if heatmaps:
            resolution = _index(resolution, 501, "resolution")
            if resolution < 2:
                raise ValueError(f"resolution must be at least 2, got {resolution}")
            out["resolution"] = resolution
            out["heatmaps"] = self.heatmaps(resolution)
        return out

    def layer_outputs(self):
        """Every point's hidden-layer outputs (train points, then test), and what the net predicts.

        Returns
        -------
        hidden : list of (n_points, width) float32
            One array per hidden layer.
        predicted : (n_points,) float64 or None
            The predicted class in the labels' coding (None for regression).
        """
        F = self._all[0]
        with np.errstate(all="ignore"):
            acts = self.net.forward(F, wide=True)[1]
        return [a.astype(np.float32) for a in acts[1:-1]], _predicted(self.net, self.config["problem"], acts[-1])

    def data(self):
        """The points as the page plots them: float32 x (n, 2) and label (n,) per split."""
        def part(X, y):
            return {"x": X.astype(np.float32), "label": y.astype(np.float32)}
        return {"train": part(self.X_train, self.y_train), "test": part(self.X_test, self.y_test),
                "problem": self.config["problem"], "n_classes": self.n_classes}

    def set_weight(self, layer, src, dst, value):
        """Set W[layer][src, dst]; a dead (L1-frozen) weight comes back to life."""
        layer = _index(layer, len(self.net.W), "layer")
        n_in, n_out = self.net.W[layer].shape
        src, dst = _index(src, n_in, "src"), _index(dst, n_out, "dst")
        value = _finite_float(value, "weight")
        self.net.W[layer][src, dst] = value
        self.net.alive[layer][src, dst] = True
        self._changed(["set_weight", layer, src, dst, value])

    def set_bias(self, layer, node, value):
        """Set b[layer][node] (layer 0 is the first hidden layer)."""
        layer = _index(layer, len(self.net.b), "layer")
        node = _index(node, len(self.net.b[layer]), "node")
        value = _finite_float(value, "bias")
        self.net.b[layer][node] = value
        self._changed(["set_bias", layer, node, value])

    def regenerate(self, seed=None):
        """New data from a new seed (draw, then split); the network is kept, as in the anchor.

        Without a seed the next one (current + 1) is used.
        """
        given = {} if seed is None else {"seed": seed}
        seed = integer_param(given, "seed", (self.config["seed"] + 1) % 2**63, 0, 2**63 - 1)
        self.config["seed"] = seed
        self._load_data(np.random.default_rng(seed))
        self._set_targets()
        self._changed(["regenerate", seed])

    def set_learning_rate(self, learning_rate):
        """Change the learning rate without a reset (the anchor keeps the network too)."""
        lr = schema_param({"learningRate": learning_rate}, "learningRate")
        self.config["learningRate"] = lr
        self._changed(["learning_rate", lr])

    def replay(self, events):
        """Apply recorded `events` (see the attribute) in order: an export's run, again.

        A fresh ``Trainer(created_config)`` that replays another's events ends with
        the same network, data and epoch (bit for bit on the same numpy).
        """
        actions = {"train": self.train, "set_weight": self.set_weight, "set_bias": self.set_bias,
                   "regenerate": self.regenerate, "learning_rate": self.set_learning_rate}
        for kind, *args in events:
            if kind not in actions:
                raise ValueError(f"unknown event {kind!r}; known: {', '.join(actions)}")
            actions[kind](*args)

    def to_dict(self):
        """Everything an export needs, as JSON-able values."""
        return {"config": {**self.config}, "created_config": {**self.created_config},
                "events": [list(e) for e in self.events], "epoch": self.epoch,
                "layer_sizes": list(self.net.layer_sizes), "activation": self.net.activation,
                "output_activation": self.net.output, "loss": self.net.loss,
                "weights": [W.tolist() for W in self.net.W], "biases": [b.tolist() for b in self.net.b],
                "dead": [(~m).tolist() for m in self.net.alive]}
