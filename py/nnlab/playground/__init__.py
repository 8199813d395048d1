"""The Playground engine: TensorFlow Playground's datasets, network and training in numpy.

- `datasets`: the 2-D generators, the split, uploaded points.
- `features`: the input features (x, y, x^2, ...).
- `network`: a fully connected net on plain arrays, its gradients and the anchor's update.
- `trainer`: `Trainer`, the live run a page steps and draws.
- `service`: the worker handlers (`HANDLERS`).
- `export`: JSON and standalone numpy-script exports.
"""

from .trainer import Trainer, normalize_config

__all__ = ["Trainer", "normalize_config"]
