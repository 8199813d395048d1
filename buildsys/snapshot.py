"""A memory snapshot of a started Python, so pages skip most of the interpreter's start.

Pyodide 0.27 can save the wasm memory of an interpreter that has just started
(`loadPyodide({_makeSnapshot: true})`, `makeMemorySnapshot()`) and start from it
(`loadPyodide({_loadSnapshot: bytes})`): measured here, 0.8 s instead of 3.9 s
for that step in a Chromium worker. It is made in Node.js from build/site's own
hash-verified Pyodide files, before any package is imported (a snapshot taken
after numpy loads does not restore numpy's wasm tables), gzipped (21 MB -> 5 MB),
and cached in the per-user cache under the hash of the files it comes from.
The worker falls back to a plain start when the file is missing or refused.
"""

import gzip
import shutil
import subprocess

from .common import SITE_OUT, BuildError, Stage, cache_dir, sha256_file, sha256_text

NAME = "generated/pyodide-snapshot.bin.gz"
# Everything the snapshot's bytes depend on (the interpreter, its stdlib, the boot code).
INPUTS = ("pyodide/pyodide.asm.wasm", "pyodide/pyodide.asm.js", "pyodide/pyodide.js", "pyodide/python_stdlib.zip",
          "pyodide/pyodide-lock.json")
_MAKE = """
const { loadPyodide } = require(process.argv[1]);
const { writeFileSync } = require('node:fs');
(async () => {
  const py = await loadPyodide({ indexURL: process.argv[2], _makeSnapshot: true, stdout: () => {}, stderr: () => {} });
  py.runPython('import sys; assert "numpy" not in sys.modules');
  writeFileSync(process.argv[3], py.makeMemorySnapshot());
})().catch((err) => { console.error(String(err && err.stack || err)); process.exit(1); });
"""


def cache_key(site):
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return sha256_text(node, *[sha256_file(site / rel) for rel in INPUTS])[:16]


def make(site=SITE_OUT):
    """Write site/generated/pyodide-snapshot.bin.gz (from the cache when the inputs are unchanged)."""
    with Stage("snapshot") as st:
        cached = cache_dir() / "snapshots" / f"snapshot-{cache_key(site)}.bin.gz"
        if not cached.exists():
            raw = cached.with_suffix(".tmp")
            raw.parent.mkdir(parents=True, exist_ok=True)
            pyodide_dir = site / "pyodide"
            done = subprocess.run(["node", "-e", _MAKE, str(pyodide_dir / "pyodide.js"), f"{pyodide_dir}/", str(raw)],
                                  capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise BuildError("snapshot", f"Node.js could not make the snapshot:\n{done.stderr.strip()[-2000:]}",
                                 "check that build/site/pyodide is complete (build.py build makes it)")
            packed = cached.with_suffix(".part")
            packed.write_bytes(gzip.compress(raw.read_bytes(), compresslevel=6, mtime=0))
            raw.unlink()
            packed.replace(cached)
            st.note(f"made {cached.name} ({cached.stat().st_size / 1e6:.1f} MB)")
        target = site / NAME
        if not target.exists() or sha256_file(target) != sha256_file(cached):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
        st.note(f"{NAME}: {target.stat().st_size / 1e6:.1f} MB")
