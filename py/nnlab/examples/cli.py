"""What every example script shares: its command line, its progress lines, its result file.

No TensorFlow here, so the build and the unit tests can use it anywhere.

Each example writes everything into the folder given by ``--out`` and ends by
writing ``example.json`` there: paths relative to that folder plus a few
summary numbers. The build gathers these files into one ``manifest.json``.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

from . import data

RESULT_FILE = "example.json"


def parse_args(description, argv=None):
    """Parse the options every example takes.

    Parameters
    ----------
    description : str
        One line saying what the example trains.
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    argparse.Namespace
        ``out`` (Path), ``data`` (Path), ``quick`` (bool) and ``seed`` (int).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True,
                        help="folder for the logs, embeddings and example.json")
    parser.add_argument("--data", type=Path, default=data.default_data_dir(),
                        help="folder with the data sets (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="train a few steps only (for tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def seed_python(seed):
    """Seed Python's and numpy's global generators (TensorFlow is seeded by each script)."""
    import numpy as np
    random.seed(seed)
    np.random.seed(seed)


def progress(text):
    """Print one progress line at once (the build relays each line as it comes)."""
    print(text, flush=True)


class Timer:
    """Seconds since creation, for the result file."""

    def __init__(self):
        self.t0 = time.perf_counter()

    def seconds(self):
        return round(time.perf_counter() - self.t0, 1)


def write_result(out, **fields):
    """Write ``example.json`` into `out`: what the example made, paths relative to `out`.

    Parameters
    ----------
    out : Path
        The example's output folder.
    **fields
        At least ``name``, ``kind`` and ``summary``; ``logdir``, ``runs``,
        ``projector`` and ``image`` when the example has them.
    """
    fields.setdefault("python", sys.version.split()[0])
    path = Path(out) / RESULT_FILE
    path.write_text(json.dumps(fields, indent=1, sort_keys=True) + "\n")
    return path
