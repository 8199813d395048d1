"""A Playground config: its keys (TensorFlow Playground's URL hash names), checks and defaults,
and what a config determines before training: the data and the network's layout.

Keys, types, ranges and defaults are `nnlab.playground.schema`'s (the page reads
URL hashes with the same schema); this module checks a config the page sends.
"""

import numpy as np

from .datasets import DATASETS, MAX_POINTS, check_point, encode_labels, infer_problem, split
from .schema import DATASET_KEY, FEATURES, PARAMS

MAX_EPOCHS = 100_000
DEFAULT_DATASET = {problem: PARAMS[key]["default"] for problem, key in DATASET_KEY.items()}
OUTPUT_FOR = {("classification", "square"): "tanh", ("classification", "cross_entropy"): "sigmoid",
              ("regression", "square"): "linear", ("multiclass", "cross_entropy"): "softmax"}
# Anchor URL keys that only change the display: accepted and ignored.
DISPLAY_KEYS = ("showTestData", "discretize", "collectStats", "tutorial", "hideText", "regDataset", "mcDataset")
CONFIG_KEYS = ("dataset", "noise", "percTrainData", "batchSize", "learningRate", "activation",
               "regularization", "regularizationRate", "problem", "loss", "networkShape", "seed",
               "features", "points", "initZero")


def number_param(config, key, default, lo, hi):
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise ValueError(f"{key} must be a number, got {value!r}")
    if value < lo or value > hi:
        raise ValueError(f"{key} must be in [{lo:g}, {hi:g}], got {value!r}")
    return float(value)


def integer_param(config, key, default, lo, hi):
    value = number_param(config, key, default, lo, hi)
    if value != int(value):
        raise ValueError(f"{key} must be a whole number, got {config.get(key)!r}")
    return int(value)


def schema_param(config, key):
    """config[key] (or the schema's default) checked against the schema: an int or an enum value."""
    spec = PARAMS[key]
    if spec["type"] == "int":
        return integer_param(config, key, spec["default"], spec["min"], spec["max"])
    value = config.get(key, spec["default"])
    numeric = all(isinstance(v, (int, float)) for v in spec["values"])
    if numeric:  # a menu of numbers (learning rates): compare as numbers, give a float
        number_param(config, key, spec["default"], min(spec["values"]), max(spec["values"]))
    if isinstance(value, bool) or value not in spec["values"]:
        options = ", ".join(f"{v:g}" if numeric else str(v) for v in spec["values"])
        raise ValueError(f"{key} must be {'in {' + options + '}' if numeric else 'one of ' + options}; got {value!r}")
    return float(value) if numeric else value


def _network_shape(value):
    if isinstance(value, str):  # the URL form "4,2"
        value = [v for v in value.split(",") if v.strip()]
    try:
        shape = [int(v) for v in value]
        exact = all(float(v) == s for v, s in zip(value, shape))
    except (TypeError, ValueError):
        raise ValueError(f"networkShape must be a list of layer sizes, got {value!r}") from None
    spec = PARAMS["networkShape"]
    if not exact or len(shape) > spec["max_layers"] or any(not 1 <= s <= spec["max_neurons"] for s in shape):
        raise ValueError(f"networkShape must list at most {spec['max_layers']} hidden layers of 1 to "
                         f"{spec['max_neurons']} neurons, got {value!r}")
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
    if problem is not None:
        problem = schema_param(config, "problem")
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

    Keys (URL hash names, ranges and defaults as `nnlab.playground.schema.PARAMS`):
    dataset, noise, percTrainData, batchSize, learningRate, activation,
    regularization, regularizationRate, problem, loss, networkShape, seed
    (an int >= 0: the page turns the hash's seed text into one), features
    (the names of the true feature keys), points (optional user data),
    initZero (anchor option: all weights 0).

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
    for key in ("noise", "percTrainData", "batchSize", "learningRate", "activation", "regularization",
                "regularizationRate"):
        c[key] = schema_param(config, key)
    c["networkShape"] = _network_shape(config.get("networkShape", PARAMS["networkShape"]["default"]))
    c["seed"] = integer_param(config, "seed", 0, 0, 2**63 - 1)
    c["features"] = _features(config.get("features", [f for f in FEATURES if PARAMS[f]["default"]]))
    c["initZero"] = bool(config.get("initZero", PARAMS["initZero"]["default"]))
    loss = config.get("loss", "cross_entropy" if c["problem"] == "multiclass" else PARAMS["loss"]["default"])
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
