"""Exports of a Playground run: a JSON model and a standalone numpy script.

The script is assembled from this package's own source (read with `inspect`),
so it trains with exactly the code the page used and prints the same losses.
"""

import ast
import inspect
import json
import math
import pprint

from . import config, datasets, features, network, update

FORMAT = "nnlab-playground-model"


def _finite_or_none(value):
    """Nested lists with NaN/inf replaced by None: strict JSON has no NaN (a diverged net has them)."""
    if isinstance(value, list):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(t):
    """The model as JSON text: config, layer sizes, activations, weights, biases, epoch.

    ``weights[l][i][j]`` connects node i of layer l to node j of layer l + 1;
    ``dead`` marks weights frozen at 0 by L1; ``events`` replays the run.
    """
    state = t.to_dict()
    model = {"format": FORMAT, "version": 1, "features": state["config"]["features"], **state,
             "train_loss": t.evaluate()["train_loss"], "test_loss": t.evaluate()["test_loss"]}
    model = {k: _finite_or_none(v) if isinstance(v, (list, float)) else v for k, v in model.items()}
    return json.dumps(model, indent=1, allow_nan=False)


def _module_code(module):
    """A module's source without its docstring and imports (the script imports numpy once)."""
    source = inspect.getsource(module)
    lines = source.splitlines()
    drop = set()
    for i, node in enumerate(ast.parse(source).body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            drop.update(range(node.lineno - 1, node.end_lineno))
    kept = [line for n, line in enumerate(lines) if n not in drop]
    return "\n".join(kept).strip() + "\n"


def _section(title, code):
    bar = "# " + "-" * 76
    return f"{bar}\n# {title}\n{bar}\n\n{code}\n"


_MAIN = '''
def main():
    """Rebuild the run from CONFIG, replay EVENTS, print the Playground's loss readouts."""
    config = dict(CONFIG)
    rng = np.random.default_rng(config["seed"])  # one stream: data, split, then weights
    data = build_data(config, rng)
    sizes, output = network_layout(config, data[4])
    net = Network.create(sizes, config["activation"], output, rng, zero=config["initZero"])
    grads, lr, epoch = GradientSum(net), config["learningRate"], 0
    for kind, *args in EVENTS:
        if kind == "regenerate":  # new points from a new seed, same network
            config["seed"] = args[0]
            data = build_data(config, np.random.default_rng(args[0]))
        elif kind == "train":
            F, Q = inputs(data[0], config["features"]), net.targets(data[1])
            batch = min(config["batchSize"], len(F))
            for _ in range(args[0]):
                train_epoch(net, F, Q, batch, lr, config["regularization"],
                            config["regularizationRate"], grads)
            epoch += args[0]
        elif kind == "set_weight":
            layer, src, dst, value = args
            net.W[layer][src, dst] = value
            net.alive[layer][src, dst] = True
        elif kind == "set_bias":
            net.b[args[0]][args[1]] = args[2]
        elif kind == "learning_rate":
            lr = args[0]
    F = np.concatenate([inputs(data[0], config["features"]), inputs(data[2], config["features"])])
    Q = np.concatenate([net.targets(data[1]), net.targets(data[3])])
    (train, test), _ = net.split_losses(F, Q, len(data[0]))  # as the page computes its readouts
    print(f"epoch {epoch}")
    print(f"train loss {train!r}")
    print(f"test loss {test!r}")
    return net


if __name__ == "__main__":
    with np.errstate(all="ignore"):  # a diverged run prints nan like the page, without warnings
        main()
'''


def _header(t):
    losses = t.evaluate()
    return (f'"""Train the Playground network again with numpy only: python3 this_file.py\n\n'
            f"Exported by nnlab at epoch {t.epoch}: train loss {losses['train_loss']!r}, "
            f"test loss {losses['test_loss']!r}.\n\n"
            "The code below is nnlab's own. With the numpy build that exported it, the printed\n"
            "numbers are identical. Another platform (say the browser's numpy vs. a desktop one)\n"
            "rounds sin, tanh and sums differently in the last digit: the runs agree at first\n"
            'and long ones can drift apart.\n"""\n\nimport numpy as np\n')


def to_numpy_script(t):
    """A standalone script (imports only numpy) that replays `t`'s run and prints its losses.

    It regenerates the data from the seed, builds the same initial network,
    replays every event (epochs, weight edits, regenerations, learning-rate
    changes) with the anchor's update rule, and prints ``epoch N``,
    ``train loss <float>`` and ``test loss <float>`` (full-precision reprs).
    """
    state = t.to_dict()
    glue = "\n\n\n".join([
        f"OUTPUT_FOR = {config.OUTPUT_FOR!r}",
        inspect.getsource(config.build_data).strip(),
        inspect.getsource(config.network_layout).strip(),
    ]) + "\n"
    run = (f"CONFIG = {pprint.pformat(state['created_config'], width=100, compact=True)}\n\n"
           f"EVENTS = {pprint.pformat(state['events'], width=100, compact=True)}\n\n")
    parts = [_header(t),
             _section("features (nnlab/playground/features.py)", _module_code(features)),
             _section("datasets (nnlab/playground/datasets.py)", _module_code(datasets)),
             _section("network (nnlab/playground/network.py)", _module_code(network)),
             _section("update rule (nnlab/playground/update.py)", _module_code(update)),
             _section("data and layout (nnlab/playground/config.py)", glue),
             _section("this run", run + _MAIN)]
    return "\n\n".join(parts)
