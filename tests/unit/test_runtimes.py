"""The CPython-only list names real tests, and the Pyodide lane really runs inside Pyodide."""

import ast
import sys
from pathlib import Path

import numpy as np

from tests.runtimes import CPYTHON_ONLY, IN_PYODIDE, cpython_only_reason

ROOT = Path(__file__).resolve().parents[2]


def test_every_cpython_only_entry_names_a_test():
    for key in CPYTHON_ONLY:
        path, _, name = key.partition("::")
        target = ROOT / path
        assert target.exists(), f"tests/runtimes.py lists {key}, but {path} does not exist"
        if name:
            tree = ast.parse(target.read_text())
            names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert name in names, f"tests/runtimes.py lists {key}, but {path} has no {name}"


def test_reasons_match_files_tests_and_parameters_only():
    assert cpython_only_reason("tests/unit/test_serve.py::test_binds_loopback")
    assert cpython_only_reason("tests/e2e/test_board.py::test_x[a]")
    key = "tests/unit/test_events_export.py::test_cli_summary_and_stdout"
    assert cpython_only_reason(key) and cpython_only_reason(key + "[p]")
    assert cpython_only_reason(key + "_more") is None
    assert cpython_only_reason("tests/unit/test_events_logdir.py::test_anything") is None


def test_runtime_is_the_one_it_claims():
    """Inside Pyodide numpy's intp is 32-bit: the reason this second lane exists."""
    assert IN_PYODIDE == (sys.platform == "emscripten")
    assert np.dtype(np.intp).itemsize == (4 if IN_PYODIDE else 8)
