"""Assemble build/site: the static pages, the nnlab archive, self-hosted Pyodide."""

import json
import shutil
import zipfile
from pathlib import Path

from . import pyodide
from .common import ROOT, SITE_OUT, Stage, package_module, sha256_text

SITE_SRC = ROOT / "site"
PY_SRC = ROOT / "py"
# Folders of build/site that other stages own; the mirror of site/ leaves them alone.
GENERATED = {"pyodide", "data", "nnlab.zip", "build-info.json", "vendor", "bundle", "offline", "generated"}
# Modules the build writes from Python's single definitions (build/site/generated/ name -> writer).
GENERATED_MODULES = {"playground-schema.js": lambda: package_module("playground/schema.py").schema_module()}
# npm files the pages load as they are (node_modules path -> build/site/vendor/ name), pinned in package-lock.json.
VENDOR = {"@dagrejs/dagre/dist/dagre.min.js": "dagre.min.js", "@dagrejs/dagre/LICENSE": "dagre-LICENSE",
          "three/build/three.module.js": "three.module.js", "three/build/three.core.js": "three.core.js",
          "three/LICENSE": "three-LICENSE",
          # bundled into bundle/board.js (the Board's markdown); their licenses ship beside it
          "marked/LICENSE": "marked-LICENSE", "dompurify/LICENSE": "dompurify-LICENSE"}


def mirror_tree(src, dest, keep=()):
    """Make `dest` equal `src` (copying only changed files); returns files copied."""
    copied = 0
    dest.mkdir(parents=True, exist_ok=True)
    names = {p.name for p in src.iterdir()}
    for old in dest.iterdir():
        if old.name not in names and old.name not in keep:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for item in src.iterdir():
        target = dest / item.name
        if item.is_dir():
            if target.exists() and not target.is_dir():
                target.unlink()
            copied += mirror_tree(item, target)
        else:
            copied += pyodide.copy_if_changed(item, target)
    return copied


def write_generated(folder):
    """Write GENERATED_MODULES into `folder` (only those whose text changed); returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name, make in GENERATED_MODULES.items():
        target, text = folder / name, make()
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            changed += 1
    return changed


def python_files():
    """The package as the browser gets it: the examples (TensorFlow, build-time only) stay out."""
    return sorted(p for p in (PY_SRC / "nnlab").rglob("*.py")
                  if "__pycache__" not in p.parts and "examples" not in p.relative_to(PY_SRC).parts)


def package_archive(out):
    """Zip py/nnlab deterministically (fixed timestamps) so unchanged code gives equal bytes."""
    files = python_files()
    digest = sha256_text(*[p.relative_to(PY_SRC).as_posix().encode() + p.read_bytes() for p in files])
    info = out.with_suffix(".sha256")
    if out.exists() and info.exists() and info.read_text() == digest:
        return digest, False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for p in files:
            entry = zipfile.ZipInfo(p.relative_to(PY_SRC).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, p.read_bytes())
    info.write_text(digest)
    return digest, True


def build_site(node_modules, pip_python):
    """Assemble build/site; fast when nothing changed."""
    with Stage("site") as st:
        n = mirror_tree(SITE_SRC, SITE_OUT, keep=GENERATED | {"nnlab.sha256"})
        st.note(f"{n} changed file(s) from site/")
        n = write_generated(SITE_OUT / "generated")
        st.note(f"{n} changed of {len(GENERATED_MODULES)} generated module(s)")
    with Stage("vendor") as st:
        (SITE_OUT / "vendor").mkdir(parents=True, exist_ok=True)
        n = sum(pyodide.copy_if_changed(Path(node_modules) / src, SITE_OUT / "vendor" / name) for src, name in VENDOR.items())
        st.note(f"{n} changed of {len(VENDOR)} vendored npm file(s)")
    with Stage("nnlab") as st:
        digest, changed = package_archive(SITE_OUT / "nnlab.zip")
        st.note(f"nnlab.zip {'rebuilt' if changed else 'unchanged'} ({digest[:12]})")
    with Stage("pyodide") as st:
        sources = pyodide.WheelSources(pip_python=pip_python)
        files = pyodide.install(Path(node_modules) / "pyodide", SITE_OUT / "pyodide", st, sources)
        st.note(f"Pyodide {pyodide.VERSION}: {len(files)} verified files")
    info = {"pyodide": pyodide.VERSION, "nnlab": digest[:12]}
    (SITE_OUT / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
    return info


def site_size():
    return sum(p.stat().st_size for p in SITE_OUT.rglob("*") if p.is_file())
