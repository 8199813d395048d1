"""Make build/site work from a double-clicked index.html (file://) as well as served.

A page opened from file:// may run classic scripts and blob: workers but may not
fetch any file:// URL or load modules (../shared/reference/offline.md). So:

- ``bundle``: the pages' ES modules and the worker become classic IIFE scripts
  (npm esbuild, pinned in package-lock.json) under bundle/; both ways use them.
- ``wrap``: every file the pages or the worker read (Pyodide, the verified
  wheels, nnlab.zip, the worker, the examples' data) is also written as
  offline/<path>.js, a classic script calling ``nnlabAsset(path, base64 of the
  gzipped bytes)``; offline/manifest.js says which files each package needs.
  Served over http(s) the pages fetch the real files and never load these.
"""

import base64
import gzip
import json
import os
import subprocess

from .common import BuildError, SITE_OUT, Stage

# Bundle name -> entry module under build/site/js (the mirror of site/js plus vendor/).
ENTRIES = {"home": "home.js", "playground": "playground/main.js", "board": "board/main.js",
           "projector": "projector/main.js", "worker": "core/worker.js"}
BUNDLE_DIR = "bundle"
OFFLINE_DIR = "offline"
# What the worker always needs, besides the wheels of the packages it loads (paths in build/site).
CORE = ("pyodide/pyodide.js", "pyodide/pyodide.asm.js", "pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip",
        "pyodide/pyodide-lock.json", "pyodide/nnlab-wheels.json", "nnlab.zip", "generated/pyodide-snapshot.bin.gz")
STORED = (".whl", ".zip", ".png", ".jpg", ".wasm", ".gz")  # already compressed or barely compressible: gzip fast


def bundle(node_modules, site=SITE_OUT):
    """esbuild every entry into site/bundle/<name>.js (IIFE, minified, with a source map)."""
    with Stage("bundle") as st:
        exe = node_modules / ".bin" / "esbuild"
        if not exe.exists():
            raise BuildError("bundle", f"{exe} is missing", "run build.py again: npm ci installs esbuild")
        entries = [f"{name}={site / 'js' / path}" for name, path in ENTRIES.items()]
        cmd = [str(exe), *entries, "--bundle", "--format=iife", "--target=es2022", "--minify", "--sourcemap",
               "--charset=utf8", "--log-level=warning", f"--outdir={site / BUNDLE_DIR}"]
        # NODE_PATH: the npm imports resolve from the checkout's node_modules wherever NNLAB_BUILD puts the site
        done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, NODE_PATH=str(node_modules)))
        if done.returncode:
            raise BuildError("bundle", f"esbuild failed:\n{done.stderr.strip()}", "fix the module named above")
        st.note(f"{len(ENTRIES)} classic bundles in {BUNDLE_DIR}/")


def wrapped_name(rel):
    return f"{OFFLINE_DIR}/{rel}.js"


def wrap_file(src, dest, rel):
    """Write offline/<rel>.js for one file; returns whether it was (re)written."""
    if dest.exists() and dest.stat().st_mtime_ns >= src.stat().st_mtime_ns:
        return False
    level = 1 if src.suffix in STORED else 6
    data = base64.b64encode(gzip.compress(src.read_bytes(), compresslevel=level, mtime=0)).decode("ascii")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    tmp.write_text(f"nnlabAsset({json.dumps(rel)},\n{json.dumps(data)});\n", encoding="ascii")
    tmp.replace(dest)
    return True


def package_files(site=SITE_OUT):
    """Package name -> the files (paths in site) it and everything it depends on need."""
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    extra = json.loads((site / "pyodide" / "nnlab-wheels.json").read_text())

    def closure(name, seen):
        if name in seen:
            return
        seen.add(name)
        for dep in lock.get(name, {}).get("depends", []):
            closure(dep, seen)

    out = {}
    for name in [*lock, *extra]:
        seen = set()
        closure(name, seen)
        files = [f"pyodide/{extra[n]}" if n in extra else f"pyodide/{lock.get(n, {}).get('file_name', '?')}"
                 for n in sorted(seen)]
        if all((site / f).is_file() for f in files):  # only what this build ships
            out[name] = files
    return out


def sources(site=SITE_OUT):
    """Every file a page or the worker may read, as paths relative to site."""
    rels = [*CORE, f"{BUNDLE_DIR}/worker.js"]  # the page makes the worker from this one
    rels += [p.relative_to(site).as_posix() for p in sorted((site / "pyodide").iterdir())
             if p.suffix in (".whl", ".zip") and p.is_file()]
    data = site / "data"
    if data.is_dir():
        rels += [p.relative_to(site).as_posix() for p in sorted(data.rglob("*")) if p.is_file()]
    return sorted(set(rels))


def wrap(site=SITE_OUT):
    """Write offline/ (one script per source file, plus manifest.js); drop wrappers of files gone."""
    with Stage("offline") as st:
        rels = sources(site)
        root = site / OFFLINE_DIR
        written = sum(wrap_file(site / rel, site / wrapped_name(rel), rel) for rel in rels)
        keep = {site / wrapped_name(rel) for rel in rels} | {root / "manifest.js"}
        for old in [p for p in root.rglob("*") if p.is_file() and p not in keep]:
            old.unlink()
        manifest = {"core": list(CORE), "packages": package_files(site)}
        (root / "manifest.js").write_text(f"nnlabOfflineManifest({json.dumps(manifest, indent=1)});\n")
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        st.note(f"{written} of {len(rels)} file(s) wrapped for file:// ({size:.1f} MB in {OFFLINE_DIR}/)")
