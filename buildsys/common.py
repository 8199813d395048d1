"""Paths, stage reporting and the one error type every stage raises."""

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# NNLAB_BUILD moves build/ (a test serves a second, empty-examples site beside the suite's own).
BUILD = Path(os.environ["NNLAB_BUILD"]) if os.environ.get("NNLAB_BUILD") else ROOT / "build"
SITE_OUT = BUILD / "site"


class BuildError(Exception):
    """A stage failed; `hint` tells the user what to do about it."""

    def __init__(self, stage, message, hint=""):
        super().__init__(message)
        self.stage = stage
        self.hint = hint


def cache_dir():
    """The per-user cache that survives fresh clones (downloads, venvs, trained examples)."""
    if os.environ.get("NNLAB_CACHE"):
        base = Path(os.environ["NNLAB_CACHE"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nnlab"
    base.mkdir(parents=True, exist_ok=True)
    return base


@contextlib.contextmanager
def exclusive(lock_file):
    """Hold an exclusive lock on `lock_file` meanwhile (it is created): parallel test workers, or a
    serve beside a test run, make a cached venv or fetch a data set once instead of racing."""
    lock_file = Path(lock_file)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_json(path, value):
    """Write JSON atomically: a page polling the file never reads half of it."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=1) + "\n")
    tmp.replace(path)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_text(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
    return h.hexdigest()


class Stage:
    """Context manager printing `[stage] ... done in 1.2s`, naming the stage on failure."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.t0 = time.perf_counter()
        say(f"[{self.name}] ...")
        return self

    def note(self, text):
        say(f"[{self.name}] {text}")

    def __exit__(self, kind, exc, tb):
        dt = time.perf_counter() - self.t0
        if exc is None:
            say(f"[{self.name}] done in {dt:.1f}s")
        elif isinstance(exc, BuildError):
            exc.stage = exc.stage or self.name
        elif isinstance(exc, (OSError, subprocess.CalledProcessError)):
            raise BuildError(self.name, str(exc), "see the output above") from exc
        return False


def say(text):
    print(text, flush=True)


def run(cmd, stage, hint, **kw):
    """Run a command, turning a non-zero exit into a BuildError for `stage`."""
    try:
        subprocess.run(cmd, check=True, **kw)
    except FileNotFoundError as exc:
        raise BuildError(stage, f"{cmd[0]} was not found", hint) from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(stage, f"`{' '.join(map(str, cmd))}` exited with {exc.returncode}", hint) from exc


def python_tag():
    return f"py{sys.version_info.major}{sys.version_info.minor}"


@functools.cache
def package_module(rel):
    """A stdlib-only module of py/nnlab (`rel`, e.g. "events/discover.py") loaded by itself:
    the build's Python has no numpy for the package."""
    spec = importlib.util.spec_from_file_location("nnlab_" + rel.replace("/", "_")[:-3], ROOT / "py" / "nnlab" / rel)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_event_file(name):
    """nnlab.events.discover.is_event_file: the one rule for what an event file is."""
    return package_module("events/discover.py").is_event_file(name)


def log_files(paths):
    """nnlab.events.discover.log_files: which files of a log directory the Board reads."""
    return package_module("events/discover.py").log_files(paths)


def projector_config_name():
    """nnlab.events.discover.PROJECTOR_CONFIG: the file that makes a folder show embeddings."""
    return package_module("events/discover.py").PROJECTOR_CONFIG
