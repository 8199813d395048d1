"""The second test runtime: tests/unit inside Pyodide, under Node.js, on build/site/pyodide.

The site's own hash-verified Pyodide, numpy, scipy, scikit-learn and protobuf run
the same test files as CPython does. The test-only wheels below (pytest, and
TensorBoard's pure-Python reader that several tests compare against) come from
PyPI, pinned by sha256, into the per-user cache; none of them goes into the site.
"""

import shutil
import subprocess
from pathlib import Path

from .common import ROOT, SITE_OUT, BuildError, Stage, cache_dir
from .pyodide import EXTRA_WHEELS, VERSION, WheelSources

RUNNER = ROOT / "tests" / "pyodide" / "runner.mjs"
# requirement, wheel file, PyPI sha256: the versions requirements.txt pins for CPython.
TEST_WHEELS = (
    ("pytest==8.3.4", "pytest-8.3.4-py3-none-any.whl",
     "50e16d954148559c9a74109af1eaf0c945ba2d8f30f0a3d3335edde19788b6f6"),
    ("iniconfig==2.3.1", "iniconfig-2.3.1-py3-none-any.whl",
     "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7"),
    ("pluggy==1.7.0", "pluggy-1.7.0-py3-none-any.whl",
     "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec"),
    ("packaging==26.4", "packaging-26.4-py3-none-any.whl",
     "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2"),
    ("tensorboard==2.21.0", "tensorboard-2.21.0-py3-none-any.whl",
     "7279316dcb6bd5bc391d623dea841531299cde1887310e8133bc34a996d32255"),
    ("tensorboard-data-server==0.7.2", "tensorboard_data_server-0.7.2-py3-none-any.whl",
     "7e0610d205889588983836ec05dc098e80f97b7e7bbff7e994ebb78f578d0ddb"),
    ("absl-py==2.5.1", "absl_py-2.5.1-py3-none-any.whl",
     "721200f2f0e9960f2ca9dc3a2a706b201f5f75d812c158f059cbbe29eeafbdb8"),
    ("Markdown==3.11.3", "markdown-3.11.3-py3-none-any.whl",
     "e1a31a112232504d753e5c01bb8c2de90d3f0ba986b063e10770cf7695b09e73"),
    ("Werkzeug==3.1.9", "werkzeug-3.1.9-py3-none-any.whl",
     "6392e50c78460ba618e5b21f08a71f59c99ce99cdc6cf6e3dd7e6ccca8754fab"),
    ("setuptools==80.9.0", "setuptools-80.9.0-py3-none-any.whl",
     "062d34222ad13e0cc312a4c02d73f059e86a4acbfbdea8f8f76b28c99f306922"),
    ("six==1.17.0", "six-1.17.0-py2.py3-none-any.whl",
     "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274"),
)


def test_wheels(pip_python):
    """A folder holding exactly the verified test wheels and the site's protobuf wheel."""
    folder = cache_dir() / f"pyodide-{VERSION}-test-wheels"
    folder.mkdir(parents=True, exist_ok=True)
    sources = WheelSources(pip_python=pip_python)
    wanted = {}
    for requirement, file_name, sha in TEST_WHEELS:
        wanted[file_name] = sources.fetch_pypi(requirement, file_name, sha)
    for _, file_name, _ in EXTRA_WHEELS.values():  # the site's own copy, verified by the site stage
        wanted[file_name] = SITE_OUT / "pyodide" / file_name
    for name, src in wanted.items():
        dest = folder / name
        if not dest.exists() or dest.stat().st_size != Path(src).stat().st_size:
            shutil.copyfile(src, dest)
    for stale in folder.glob("*.whl"):
        if stale.name not in wanted:
            stale.unlink()
    return folder


def start(pip_python, pytest_args, counts_file, log_file):
    """Start pytest inside Pyodide over tests/unit (or the tests `pytest_args` select) in the background.

    Its output goes to `log_file` (it runs beside the CPython lane, whose output it would
    interleave); returns the running process.
    """
    if shutil.which("node") is None:
        raise BuildError("pyodide-tests", "Node.js is not installed",
                         "install Node.js 18+ (Debian: apt-get install nodejs)")
    with Stage("pyodide-tests") as st:
        wheels = test_wheels(pip_python)
        st.note(f"pytest inside Pyodide {VERSION} (Node.js), on build/site/pyodide, output in {log_file}")
    args = list(pytest_args) or ["tests/unit"]
    cmd = ["node", str(RUNNER), str(SITE_OUT / "pyodide"), str(ROOT), str(wheels), str(counts_file),
           "--", "-p", "no:cacheprovider", *args]
    with open(log_file, "w") as out:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
