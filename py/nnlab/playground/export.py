"""Exports of a Playground run: a JSON model and a standalone numpy script.

The script is assembled from this package's own source (read with `inspect`):
the same schema, data, network, update rule and `Trainer`, whose `Trainer.replay`
re-runs the recorded events, so it trains with exactly the code the page used and
prints the same losses.
"""

import ast
import inspect
import json
import math
import pprint

from . import activations, config, datasets, features, gridmaps, network, schema, trainer, update

# Dependencies first: each module's code may use the names of those above it.
MODULES = (schema, features, datasets, activations, network, update, config, gridmaps, trainer)

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
    """A module's source without its docstring and imports, and its imports of other packages.

    Returns
    -------
    code : str
    imports : set of str
        ``import x`` lines (the package's own relative imports are left out: the script has it all).
    """
    source = inspect.getsource(module)
    lines = source.splitlines()
    drop, imports = set(), set()
    for i, node in enumerate(ast.parse(source).body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            drop.update(range(node.lineno - 1, node.end_lineno))
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and not node.level):
            imports.add(ast.get_source_segment(source, node))
    kept = [line for n, line in enumerate(lines) if n not in drop]
    return "\n".join(kept).strip() + "\n", imports


def _section(title, code):
    bar = "# " + "-" * 76
    return f"{bar}\n# {title}\n{bar}\n\n{code}\n"


_MAIN = '''
def main():
    """Rebuild the run from CONFIG, replay EVENTS, print the Playground's loss readouts."""
    run = Trainer(CONFIG)
    run.replay(EVENTS)
    losses = run.evaluate()  # as the page computes its readouts
    print(f"epoch {run.epoch}")
    print(f"train loss {losses['train_loss']!r}")
    print(f"test loss {losses['test_loss']!r}")
    return run


if __name__ == "__main__":
    with np.errstate(all="ignore"):  # a diverged run prints nan like the page, without warnings
        main()
'''


def _header(t, imports):
    losses = t.evaluate()
    return (f'"""Train the Playground network again with numpy only: python3 this_file.py\n\n'
            f"Exported by nnlab at epoch {t.epoch}: train loss {losses['train_loss']!r}, "
            f"test loss {losses['test_loss']!r}.\n\n"
            "The code below is nnlab's own. With the numpy build that exported it, the printed\n"
            "numbers are identical. Another platform (say the browser's numpy vs. a desktop one)\n"
            "rounds sin, tanh and sums differently in the last digit: the runs agree at first\n"
            'and long ones can drift apart.\n"""\n\n' + "\n".join(sorted(imports, key=_numpy_last)) + "\n")


def _numpy_last(line):
    """Standard library imports first, then numpy (the script's one dependency)."""
    return ("numpy" in line, line)


def to_numpy_script(t):
    """A standalone script (it needs only numpy) that replays `t`'s run and prints its losses.

    It builds a `Trainer` from the run's first config (the same data and initial
    network), replays every event with `Trainer.replay` (epochs, weight edits,
    regenerations, learning-rate changes), and prints ``epoch N``,
    ``train loss <float>`` and ``test loss <float>`` (full-precision reprs).
    """
    state = t.to_dict()
    run = (f"CONFIG = {pprint.pformat(state['created_config'], width=100, compact=True)}\n\n"
           f"EVENTS = {pprint.pformat(state['events'], width=100, compact=True)}\n\n")
    sections, imports = [], set()
    for module in MODULES:
        code, needs = _module_code(module)
        path = module.__name__.replace(".", "/") + ".py"
        sections.append(_section(f"{module.__name__.rsplit('.', 1)[1]} ({path})", code))
        imports |= needs
    return "\n\n".join([_header(t, imports), *sections, _section("this run", run + _MAIN)])
