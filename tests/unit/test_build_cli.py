"""build.py as a user meets it: stages named, failures explained, rebuilds fast."""

import socket
import subprocess
import sys

import pytest

from buildsys.common import ROOT


def run_build(*args, timeout=120):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def test_unchanged_rebuild_reports_every_stage_and_is_quick():
    run_build("build")  # whatever changed since the last build is assembled here
    done = run_build("build")
    assert done.returncode == 0, done.stdout + done.stderr
    for stage in ("[site]", "[nnlab]", "[pyodide]"):
        assert stage in done.stdout
    assert "nnlab.zip unchanged" in done.stdout
    assert "Pyodide 0.27.7" in done.stdout


def test_busy_port_names_the_stage_and_what_to_do():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = run_build("serve", "--port", str(port))
    assert done.returncode == 2
    assert "stage 'serve' failed" in done.stdout
    assert f"127.0.0.1:{port}" in done.stdout and "--port" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


# Two processes make the same cached thing: the second waits for the first, then finds it made.
MAKE_ONCE = r'''
import sys, time
from pathlib import Path
from buildsys.common import exclusive
made, log = Path(sys.argv[1]), Path(sys.argv[2])
with exclusive(made.with_name("made.lock")):
    if not made.exists():
        with log.open("a") as f:
            f.write("start\n")
        time.sleep(0.5)  # a slow install: the other process is waiting meanwhile
        made.write_text("ok")
        with log.open("a") as f:
            f.write("end\n")
'''


def test_parallel_workers_make_a_cached_thing_once(tmp_path):
    made, log = tmp_path / "made", tmp_path / "log"
    procs = [subprocess.Popen([sys.executable, "-c", MAKE_ONCE, str(made), str(log)], cwd=ROOT) for _ in range(3)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert log.read_text() == "start\nend\n"


@pytest.mark.parametrize("argv,given", [
    (["test", "-k", "foundation"], ["-k", "foundation"]),  # as the README shows it
    (["test", "tests/e2e", "-x"], ["tests/e2e", "-x"]),
    (["test", "-n", "0", "tests/unit/test_serve.py"], ["-n", "0", "tests/unit/test_serve.py"]),
    (["test"], []),
])
def test_test_passes_its_arguments_to_pytest_in_order(monkeypatch, argv, given):
    import build
    seen = []
    monkeypatch.setattr(build, "cmd_test", lambda args: seen.append(args.pytest_args) or 0)
    assert build.main(argv) == 0 and seen == [given]
    assert build.workers(given) == ([] if "-n" in given else ["-n", str(build.TEST_WORKERS), "--dist", "worksteal"])


def test_other_commands_refuse_unknown_options(capsys):
    import build
    with pytest.raises(SystemExit):
        build.main(["build", "-k", "x"])
    assert "unrecognized arguments: -k x" in capsys.readouterr().err
