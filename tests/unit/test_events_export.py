"""CSV export of every scalar, and the command line around it."""

import csv
import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlab.events import read_logdir, scalars_csv
from nnlab.events.__main__ import main

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "events"


def rows_by_series(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    assert next(reader) == ["run", "tag", "step", "wall_time", "value"]
    out = {}
    for run, tag, step, wall, value in reader:
        out.setdefault((run, tag), []).append((int(step), float(wall), float(value)))
    return out


@pytest.mark.parametrize("writer", ["tf2", "tf1", "torch", "tbx", "nested"])
def test_csv_round_trip(writer, tmp_path):
    logs = read_logdir(FIXTURES / writer)
    out = tmp_path / "scalars.csv"
    assert main([str(FIXTURES / writer), "--csv", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text == scalars_csv(logs)
    got = rows_by_series(text)
    expected = {(run, tag) for run in logs.runs for tag in logs.tags(run)["scalars"]}
    assert set(got) == expected
    for (run, tag), rows in got.items():
        s = logs.scalars(run, tag)
        steps, walls, values = (np.array(c) for c in zip(*rows))
        assert steps.tolist() == s.steps.tolist()
        assert walls.tolist() == s.wall_times.tolist()  # exact: shortest round-trip repr
        np.testing.assert_array_equal(values, s.values)


def test_csv_keeps_nan_and_inf():
    got = rows_by_series(scalars_csv(read_logdir(FIXTURES / "tf1")))
    assert math.isnan(got[(".", "manual/nan")][0][2]) and got[(".", "manual/inf")][0][2] == -math.inf


def run_cli(*args):
    env = {"PYTHONPATH": f"{ROOT / 'py'}", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "nnlab.events", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_errors_are_messages_not_tracebacks(tmp_path):
    missing = run_cli(str(tmp_path / "nope"), "--csv", str(tmp_path / "o.csv"))
    assert missing.returncode != 0 and "not found" in missing.stderr and "Traceback" not in missing.stderr
    empty = run_cli(str(tmp_path), "--csv", str(tmp_path / "o.csv"))
    assert empty.returncode != 0 and "no event files" in empty.stderr and "Traceback" not in empty.stderr
    unwritable = run_cli(str(FIXTURES / "nested"), "--csv", str(tmp_path / "no" / "dir" / "o.csv"))
    assert unwritable.returncode != 0 and "cannot write" in unwritable.stderr
    assert not (tmp_path / "o.csv").exists()


def test_cli_summary_and_stdout(tmp_path):
    summary = run_cli(str(FIXTURES / "nested"))
    assert summary.returncode == 0 and "a/b: scalars 2" in summary.stdout
    to_stdout = run_cli(str(FIXTURES / "nested"), "--csv", "-")
    assert to_stdout.returncode == 0
    assert to_stdout.stdout.splitlines()[0] == "run,tag,step,wall_time,value"
    assert len(to_stdout.stdout.splitlines()) == 1 + 5 + 3 + 8 + 4 + 2
