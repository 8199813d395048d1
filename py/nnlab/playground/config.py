"""A Playground config: its keys (TensorFlow Playground's URL hash names), checks and defaults,
and what a config determines before training: the data and the network's layout.
"""

import numpy as np

from .datasets import DATASETS, MAX_POINTS, PROBLEMS, check_point, encode_labels, infer_problem, split
from .features import FEATURES
from .network import HIDDEN_ACTIVATIONS, REGULARIZATIONS

MAX_LAYERS = 8      # the anchor's UI stops at 6; a little headroom, heatmaps stay small
MAX_NEURONS = 32    # per layer (anchor UI: 8)
MAX_EPOCHS = 100_000
DEFAULT_DATASET = {"classification": "circle", "regression": "reg-plane", "multiclass": "blobs"}
OUTPUT_FOR = {("classification", "square"): "tanh", ("classification", "cross_entropy"): "sigmoid",
              ("regression", "square"): "linear", ("multiclass", "cross_entropy"): "softmax"}
# Anchor URL keys that only change the display: accepted and ignored.
DISPLAY_KEYS = ("showTestData", "discretize", "collectStats", "tutorial", "hideText", "regDataset")
CONFIG_KEYS = ("dataset", "noise", "percTrainData", "batchSize", "learningRate", "activation",
               "regularization", "regularizationRate", "problem", "loss", "networkShape", "seed",
               "features", "points", "initZero")


def number_param(config, key, default, lo, hi, lo_open=False):
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise ValueError(f"{key} must be a number, got {value!r}")
    if value < lo or value > hi or (lo_open and value == lo):
        raise ValueError(f"{key} must be in {'(' if lo_open else '['}{lo:g}, {hi:g}], got {value!r}")
    return float(value)


def integer_param(config, key, default, lo, hi):
    value = number_param(config, key, default, lo, hi)
    if value != int(value):
        raise ValueError(f"{key} must be a whole number, got {config.get(key)!r}")
    return int(value)


def _choice(config, key, default, options):
    value = config.get(key, default)
    if value not in options:
        raise ValueError(f"{key} must be one of {', '.join(map(str, options))}; got {value!r}")
    return value


def _network_shape(value):
    if isinstance(value, str):  # the URL form "4,2"
        value = [v for v in value.split(",") if v.strip()]
    try:
        shape = [int(v) for v in value]
        exact = all(float(v) == s for v, s in zip(value, shape))
    except (TypeError, ValueError):
        raise ValueError(f"networkShape must be a list of layer sizes, got {value!r}") from None
    if not exact or len(shape) > MAX_LAYERS or any(not 1 <= s <= MAX_NEURONS for s in shape):
        raise ValueError(f"networkShape must list at most {MAX_LAYERS} hidden layers of 1 to "
                         f"{MAX_NEURONS} neurons, got {value!r}")
    return shape


def _features(value):
    if isinstance(value, str) or not value or any(name not in FEATURES for name in value):
        raise ValueError(f"features must be a non-empty list of {', '.join(FEATURES)}; got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"features must not repeat, got {value!r}")
    return list(value)


def _points(points):
    """Validate user points {"x", "y", "label"}: lists of plain floats (JSON-able)."""
    try:
        columns = [np.asarray(points[k], dtype=np.float64).reshape(-1) for k in ("x", "y", "label")]
    except (KeyError, TypeError, ValueError):
        raise ValueError('points must be {"x": [...], "y": [...], "label": [...]} of numbers') from None
    if len({len(c) for c in columns}) != 1 or not 2 <= len(columns[0]) <= MAX_POINTS:
        raise ValueError(f"points need equally long x, y and label lists of 2 to {MAX_POINTS} values")
    for i, row in enumerate(zip(*columns)):
        try:
            check_point(*row)
        except ValueError as exc:
            raise ValueError(f"point {i}: {exc}") from None
    return {k: c.tolist() for k, c in zip(("x", "y", "label"), columns)}


def _data_source(config):
    """dataset, problem and points of a config, checked against each other."""
    problem = config.get("problem")
    if problem is not None and problem not in PROBLEMS:
        raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}; got {problem!r}")
    if config.get("points") is not None:
        points = _points(config["points"])
        problem = problem or infer_problem(points["label"])
        encode_labels(points["label"], problem)  # fail now, with the label message
        return {"dataset": "custom", "problem": problem, "points": points}
    name = config.get("dataset", DEFAULT_DATASET[problem or "classification"])
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {name!r}")
    if problem not in (None, DATASETS[name].problem):
        raise ValueError(f"dataset {name!r} is a {DATASETS[name].problem} dataset, "
                         f"but problem is {problem!r}")
    return {"dataset": name, "problem": DATASETS[name].problem, "points": None}


def normalize_config(config):
    """Check a config and fill in the anchor's defaults.

    Keys (URL hash names): dataset, noise (0-80 %), percTrainData (10-90),
    batchSize (1-30), learningRate (0 < lr <= 100), activation, regularization
    ("none", "L1", "L2"), regularizationRate (0-10), problem, loss ("square",
    "cross_entropy"), networkShape (hidden sizes), seed (int >= 0), features,
    points (optional user data), initZero (anchor option: all weights 0).

    Returns
    -------
    dict
        A new, complete config. Raises ValueError naming the bad key.
    """
    if not isinstance(config, dict):
        raise ValueError(f"config must be an object, got {type(config).__name__}")
    config = {k: v for k, v in config.items() if v is not None}  # null means "the default"
    unknown = sorted(set(config) - set(CONFIG_KEYS) - set(DISPLAY_KEYS))
    if unknown:
        raise ValueError(f"unknown config keys {unknown}; known: {', '.join(CONFIG_KEYS)}")
    c = _data_source(config)
    c["noise"] = number_param(config, "noise", 0, 0, 80)
    c["percTrainData"] = number_param(config, "percTrainData", 50, 10, 90)
    c["batchSize"] = integer_param(config, "batchSize", 10, 1, 30)
    c["learningRate"] = number_param(config, "learningRate", 0.03, 0, 100, lo_open=True)
    c["activation"] = _choice(config, "activation", "tanh", HIDDEN_ACTIVATIONS)
    c["regularization"] = _choice(config, "regularization", "none", REGULARIZATIONS)
    c["regularizationRate"] = number_param(config, "regularizationRate", 0, 0, 10)
    c["networkShape"] = _network_shape(config.get("networkShape", [4, 2]))
    c["seed"] = integer_param(config, "seed", 0, 0, 2**63 - 1)
    c["features"] = _features(config.get("features", ["x", "y"]))
    c["initZero"] = bool(config.get("initZero", False))
    loss = config.get("loss", "cross_entropy" if c["problem"] == "multiclass" else "square")
    if (c["problem"], loss) not in OUTPUT_FOR:
        allowed = [l for p, l in OUTPUT_FOR if p == c["problem"]]
        raise ValueError(f"loss for {c['problem']} must be {' or '.join(allowed)}, got {loss!r}")
    c["loss"] = loss
    return c


def build_data(config, rng):
    """Draw (or read) the points and split them, with `rng` (data first, then the split).

    Returns
    -------
    X_train (m, 2), y_train (m,), X_test (n - m, 2), y_test (n - m,), n_classes
    """
    if config["points"] is None:
        ds = DATASETS[config["dataset"]]
        X, y = ds.fn(ds.n_points, config["noise"] / 100.0, rng)
        n_classes = ds.n_classes
    else:
        p = config["points"]
        X = np.column_stack([np.asarray(p["x"], dtype=np.float64), np.asarray(p["y"], dtype=np.float64)])
        y, n_classes = encode_labels(p["label"], config["problem"])
    X_train, y_train, X_test, y_test = split(X, y, config["percTrainData"], rng)
    if len(X_train) == 0 or len(X_test) == 0:
        raise ValueError(f"{len(X)} points split {config['percTrainData']:g}% for training leave "
                         "an empty train or test set: add points or change percTrainData")
    return X_train, y_train, X_test, y_test, n_classes


def network_layout(config, n_classes):
    """(layer_sizes, output activation) for a config and its data's class count."""
    n_out = n_classes if config["problem"] == "multiclass" else 1
    sizes = [len(config["features"]), *config["networkShape"], n_out]
    return sizes, OUTPUT_FOR[(config["problem"], config["loss"])]
