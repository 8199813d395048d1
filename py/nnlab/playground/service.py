"""Worker handlers of the Playground page: ``fn(ctx, **params)``, see `nnlab.protocol`.

The live `Trainer` sits in ``ctx.store["playground"]``; ``playground.create``
replaces it. Results are JSON-like values plus float32 arrays.
"""

import time

import numpy as np

from . import export, handoff
from .datasets import COORD_LIMIT, DATASETS, parse_points_csv
from .features import grid, inputs
from .schema import FEATURES
from .runlog import RunLog, run_name
from .trainer import Trainer

STORE_KEY = "playground"
LOG_KEY = "playground.log"  # the RunLog of the live trainer, while "Log to Board" is on
SLICE_SECONDS = 0.05  # one uninterruptible chunk of a long step: the worker reads cancel between chunks


def _trainer(ctx):
    trainer = ctx.store.get(STORE_KEY)
    if trainer is None:
        raise RuntimeError("no playground network yet: send playground.create with a config first")
    return trainer


def _data_and_snapshot(trainer, resolution):
    return {"data": trainer.data(), "snapshot": trainer.snapshot(heatmaps=True, resolution=resolution)}


def create(ctx, config, resolution=100):
    """Build a new Trainer from `config`: ``{"data": Trainer.data(), "snapshot": ... with heatmaps}``."""
    trainer = Trainer(config)
    ctx.store[STORE_KEY] = trainer
    ctx.store.pop(LOG_KEY, None)  # a new network is a new run: the page starts its log again
    return _data_and_snapshot(trainer, resolution)


def _train_slice(trainer, remaining, seconds=SLICE_SECONDS, log=None):
    """Train for about `seconds`; returns (epochs still to do, stopped by divergence).

    One `Trainer.train` call with a deadline: its divergence check (a forward
    pass over all the data) then runs once per slice, not once per chunk.
    With a `RunLog`, every epoch is recorded.
    """
    ran = trainer.train(remaining, deadline=time.perf_counter() + seconds, on_epoch=log.record if log else None)
    remaining -= ran
    return remaining, bool(remaining) and trainer.diverged


def _finish_in_slices(trainer, remaining, heatmaps, resolution, log):
    while remaining:
        yield {"epoch": trainer.epoch, "remaining": remaining}
        remaining, stopped = _train_slice(trainer, remaining, log=log)
        if stopped:
            break
    return trainer.snapshot(heatmaps=heatmaps, resolution=resolution)


def step(ctx, epochs=1, heatmaps=True, resolution=100, budget_ms=None):
    """Train `epochs` epochs; returns `Trainer.snapshot` (with heatmaps when asked).

    With `budget_ms` (fast mode), train as many epochs as fit in that time, at
    most `epochs`. A call that takes longer than one slice continues as a long
    call (progress ``{"epoch", "remaining"}`` between slices, cancellable).
    """
    trainer = _trainer(ctx)
    log = ctx.store.get(LOG_KEY)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 0 <= epochs <= 100_000:
        raise ValueError(f"epochs must be an integer in [0, 100000], got {epochs!r}")
    if budget_ms is not None:
        if isinstance(budget_ms, bool) or not isinstance(budget_ms, (int, float)) or not 1 <= budget_ms <= 1000:
            raise ValueError(f"budget_ms must be a number of milliseconds in [1, 1000], got {budget_ms!r}")
        _train_slice(trainer, epochs, seconds=budget_ms / 1000, log=log)
        return trainer.snapshot(heatmaps=heatmaps, resolution=resolution)
    remaining, stopped = _train_slice(trainer, epochs, log=log)
    if remaining and not stopped:
        return _finish_in_slices(trainer, remaining, heatmaps, resolution, log)
    return trainer.snapshot(heatmaps=heatmaps, resolution=resolution)


def set_weight(ctx, layer, src, dst, value, resolution=100):
    """Set one weight (``W[layer][src, dst]``); returns a snapshot with heatmaps."""
    trainer = _trainer(ctx)
    trainer.set_weight(layer, src, dst, value)
    return trainer.snapshot(heatmaps=True, resolution=resolution)


def set_bias(ctx, layer, node, value, resolution=100):
    """Set one bias (``b[layer][node]``); returns a snapshot with heatmaps."""
    trainer = _trainer(ctx)
    trainer.set_bias(layer, node, value)
    return trainer.snapshot(heatmaps=True, resolution=resolution)


def set_learning_rate(ctx, learningRate):  # noqa: N803 - the URL key is the param name
    """Change the learning rate, keeping the network; returns a snapshot without heatmaps."""
    trainer = _trainer(ctx)
    trainer.set_learning_rate(learningRate)
    return trainer.snapshot(heatmaps=False)


def regenerate(ctx, seed=None, resolution=100):
    """New data from `seed` (default: current seed + 1), same network: ``{"data", "snapshot"}``."""
    trainer = _trainer(ctx)
    trainer.regenerate(seed)
    return _data_and_snapshot(trainer, resolution)


def export_model(ctx, format="json"):  # noqa: A002 - "format" is the protocol's param name
    """The network as ``{"text", "filename"}``: format "json" or "python" (a numpy script)."""
    trainer = _trainer(ctx)
    if format == "json":
        return {"text": export.to_json(trainer), "filename": "playground-model.json"}
    if format == "python":
        return {"text": export.to_numpy_script(trainer), "filename": "playground_numpy.py"}
    raise ValueError(f'format must be "json" or "python", got {format!r}')


def parse_points(ctx, text):
    """Read uploaded ``x,y,label`` text for a config's ``points``.

    Returns
    -------
    dict
        points: {"x", "y", "label"} float64 arrays (labels already encoded),
        errors: [[line_number, message], ...], problem, n_points.
    """
    X, y, errors, problem = parse_points_csv(text)
    return {"points": {"x": X[:, 0].copy(), "y": X[:, 1].copy(), "label": y.astype("float64")},
            "errors": [[n, m] for n, m in errors], "problem": problem, "n_points": len(X)}


def feature_maps(ctx, resolution=50):
    """What every input feature encodes over the plane, for the feature thumbnails.

    Returns
    -------
    (len(FEATURES), R*R) float32
        Each feature scaled to [-1, 1] by its largest magnitude on the grid (as drawn).
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 200:
        raise ValueError(f"resolution must be an integer in [2, 200], got {resolution!r}")
    F = inputs(grid(resolution, COORD_LIMIT), list(FEATURES)).T
    return (F / np.abs(F).max(axis=1, keepdims=True)).astype(np.float32)


def previews(ctx, n=150, seed=0):
    """A few points of every dataset, noise-free, for the dataset thumbnails.

    Returns
    -------
    dict
        name -> {"x": (n, 2) float32, "label": (n,) float32, "problem": str}
    """
    out = {}
    for name, ds in DATASETS.items():
        X, y = ds.fn(int(n), 0.0, np.random.default_rng(seed))
        out[name] = {"x": X.astype(np.float32), "label": y.astype(np.float32), "problem": ds.problem}
    return out


def log_start(ctx, number=1, every=10):
    """Record the live trainer's run from now on (see `RunLog`): returns its first `RunLog.take`."""
    trainer = _trainer(ctx)
    for name, value, hi in (("number", number, 10_000), ("every", every, 1000)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= hi:
            raise ValueError(f"{name} must be an integer in [1, {hi}], got {value!r}")
    log = RunLog(trainer, run_name(trainer.config, number), every)
    ctx.store[LOG_KEY] = log
    return log.take()


def log_take(ctx):
    """The bytes logged since the last take, ``{"run", "path", "chunk"}``; None when not logging."""
    log = ctx.store.get(LOG_KEY)
    return log.take() if log else None


def log_stop(ctx):
    """Stop logging; returns the last `log_take`."""
    out = log_take(ctx)
    ctx.store.pop(LOG_KEY, None)
    return out


def layer_points(ctx, layer):
    """Hidden layer `layer` (1 = the first) of every point, for the Projector: see `handoff.layer_points`."""
    return handoff.layer_points(_trainer(ctx), ctx.store.get(LOG_KEY), layer)


def zip_logs(ctx, files):
    """A logdir zip (``tensorboard --logdir`` opens it unpacked) of `files`: {path: bytes}."""
    return {"data": handoff.zip_files(files), "filename": "playground-logs.zip"}


HANDLERS = {
    "playground.previews": previews,
    "playground.feature_maps": feature_maps,
    "playground.create": create,
    "playground.step": step,
    "playground.set_weight": set_weight,
    "playground.set_bias": set_bias,
    "playground.set_learning_rate": set_learning_rate,
    "playground.regenerate": regenerate,
    "playground.export": export_model,
    "playground.parse_points": parse_points,
    "playground.log_start": log_start,
    "playground.log_take": log_take,
    "playground.log_stop": log_stop,
    "playground.layer_points": layer_points,
    "playground.zip_logs": zip_logs,
}
