"""Every site script parses (a syntax error would leave a page dead with no Python error)."""

import subprocess
from pathlib import Path

import pytest

from buildsys.common import ROOT

SCRIPTS = sorted((ROOT / "site" / "js").rglob("*.js"))
CLASSIC = {"strings.en.js", "strings.zh.js", "lang.js", "header.js"}  # loaded with <script defer>


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(Path(p).relative_to(ROOT / "site")))
def test_script_parses(path):
    kind = "commonjs" if path.name in CLASSIC else "module"
    done = subprocess.run(["node", "--input-type", kind, "--check"], input=path.read_text(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_no_eval_or_html_injection_in_site_code():
    for path in SCRIPTS:
        text = path.read_text()
        for banned in ("eval(", "new Function(", ".innerHTML", "insertAdjacentHTML", "document.write("):
            assert banned not in text, f"{path.name} uses {banned}"
