"""The site from a folder in Firefox ESR over WebDriver BiDi (tests/firefox/offline.mjs), default
file:// policy: each tool reaches ready, the Playground trains, the Board opens its example and its EMBEDDINGS in the Projector frame,
a Playground run logged to the Board opens there, the language carries to the next page. Firefox comes from `build.py test` (NNLAB_FIREFOX)."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from test_offline import folder  # noqa: F401 (the copied, wrapped site)

pytestmark = pytest.mark.e2e
SCRIPT = ROOT / "tests" / "firefox" / "offline.mjs"


CHECKS = ("playground", "board", "projector", "embeddings", "handoff", "language")


def test_from_a_folder_in_firefox(folder, tmp_path):  # noqa: F811
    """One Firefox run makes every check (starting it and Pyodide costs most of the time)."""
    fox = os.environ.get("NNLAB_FIREFOX") or ("/usr/bin/firefox-esr" if os.path.exists("/usr/bin/firefox-esr") else "")
    if not fox:
        pytest.skip("Firefox ESR is not installed and build.py could not install it (that needs root and apt-get):"
                    " install firefox-esr (and xvfb), or set NNLAB_FIREFOX to a Firefox, to run the Firefox checks")
    # Headed under a virtual display where there is one: headless Firefox has no WebGL2 without a GPU.
    display = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24"] if shutil.which("xvfb-run") else []
    done = subprocess.run([*display, "node", str(SCRIPT), fox, folder, str(tmp_path)], capture_output=True, text=True,
                          timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    checks = json.loads(done.stdout.strip().splitlines()[-1])["checks"]
    assert sorted(checks) == sorted(CHECKS)
    failed = {name: c["detail"] for name, c in checks.items() if not c["ok"]}
    assert not failed, failed
    detail = {name: c["detail"] for name, c in checks.items()}
    if shutil.which("xvfb-run"):
        assert "with sprites" in detail["projector"], detail["projector"]
        assert "word0 … word39" in detail["embeddings"], detail["embeddings"]
    assert detail["language"].endswith("board.html?lang=zh"), detail["language"]
