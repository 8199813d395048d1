"""The file:// wrapping of build/site (buildsys/offline.py): what a page opened from a folder
gets must be the verified files byte for byte, and each package must come with its dependencies."""

import base64
import gzip
import hashlib
import json
import re

import pytest

from buildsys import offline, pyodide
from buildsys.common import ROOT, SITE_OUT

WRAPPED = re.compile(r'^nnlabAsset\((".*?"),\n(".*")\);\n$', re.S)


def unwrap(path):
    """(name, bytes) a wrapped script hands to nnlabAsset."""
    m = WRAPPED.match(path.read_text(encoding="ascii"))
    assert m, path
    return json.loads(m.group(1)), gzip.decompress(base64.b64decode(json.loads(m.group(2))))


def manifest(site):
    text = (site / "offline" / "manifest.js").read_text()
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def test_every_wrapped_wheel_is_the_verified_one():
    lock = pyodide.read_lock(ROOT / "node_modules" / "pyodide")["packages"]
    by_file = {e["file_name"]: e["sha256"] for e in lock.values()}
    seen = 0
    for script in sorted((SITE_OUT / "offline" / "pyodide").glob("*.whl.js")):
        name, data = unwrap(script)
        assert name == f"pyodide/{script.name[:-3]}"
        want = by_file.get(script.name[:-3]) or hashlib.sha256((SITE_OUT / name).read_bytes()).hexdigest()
        assert hashlib.sha256(data).hexdigest() == want, name
        seen += 1
    assert seen >= 5  # numpy, scipy, scikit-learn, joblib, threadpoolctl, protobuf


def test_each_package_lists_everything_it_needs():
    packages = manifest(SITE_OUT)["packages"]
    names = lambda p: {f.split("/")[1].split("-")[0] for f in packages[p]}  # noqa: E731
    assert names("scikit-learn") == {"scikit_learn", "scipy", "numpy", "openblas", "joblib", "threadpoolctl"}
    assert names("numpy") == {"numpy"} and names("protobuf") == {"protobuf"}
    assert all((SITE_OUT / f).is_file() for files in packages.values() for f in files)
    assert "pyodide/pyodide.asm.wasm" in manifest(SITE_OUT)["core"]


def test_wrap_is_exact_incremental_and_drops_what_is_gone(tmp_path):
    site = tmp_path / "site"
    (site / "pyodide").mkdir(parents=True)
    for name in ("pyodide-lock.json", "nnlab-wheels.json"):
        (site / "pyodide" / name).write_bytes((SITE_OUT / "pyodide" / name).read_bytes())
    for rel in offline.CORE + (f"{offline.BUNDLE_DIR}/worker.js",):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        if not (site / rel).exists():
            (site / rel).write_bytes(rel.encode() * 3)
    data = site / "data" / "ex" / "a b.tsv"
    data.parent.mkdir(parents=True)
    payload = bytes(range(256)) * 100
    data.write_bytes(payload)
    offline.wrap(site)
    script = site / "offline" / "data" / "ex" / "a b.tsv.js"
    assert unwrap(script) == ("data/ex/a b.tsv", payload)
    stamp = script.stat().st_mtime_ns
    offline.wrap(site)
    assert script.stat().st_mtime_ns == stamp  # unchanged: not written again
    data.unlink()
    offline.wrap(site)
    assert not script.exists()


@pytest.mark.parametrize("page", ["index", "playground", "board", "projector"])
def test_pages_load_classic_bundles_under_a_policy_without_unsafe_eval(page):
    html = (ROOT / "site" / f"{page}.html").read_text()
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp
    assert "script-src 'self' blob: 'wasm-unsafe-eval'" in csp and "worker-src 'self' blob:" in csp
    assert 'type="module"' not in html and f'src="bundle/{"home" if page == "index" else page}.js"' in html
