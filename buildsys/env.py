"""What the build and tests need on the machine: a venv, npm packages, a Chromium."""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from .common import ROOT, BuildError, Stage, cache_dir, exclusive, python_tag, run, say, sha256_file, sha256_text

REQUIREMENTS = ROOT / "requirements.txt"
NPM_LOCK = ROOT / "package-lock.json"
DEBIAN_FIREFOX = Path("/usr/bin/firefox-esr")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def cached_venv(name, requirements, stage, note, hint):
    """A venv in the cache keyed by Python version and the requirements file's hash.

    Created and filled once; a marker written last means an interrupted install is redone.
    """
    key = sha256_text(python_tag(), requirements.read_bytes())[:12]
    home = cache_dir() / f"{name}-{python_tag()}-{key}"
    py = home / "bin" / "python"
    marker = home / ".nnlab-complete"
    if marker.exists():
        return py
    with exclusive(home.with_name(home.name + ".lock")), Stage(stage) as st:
        if marker.exists():  # made meanwhile by another process
            return py
        st.note(f"creating {home}: {note}")
        if home.exists():
            shutil.rmtree(home)
        venv.EnvBuilder(with_pip=True).create(home)
        run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", requirements], stage, hint)
        marker.write_text("ok\n")
    return py


def venv_python():
    """The build's and tests' venv (requirements.txt)."""
    return cached_venv("venv", REQUIREMENTS, "venv", "installing requirements.txt",
                       "check that PyPI is reachable, then run the command again")


def npm_packages():
    """`npm ci` when package-lock.json changed since the last install."""
    marker = ROOT / "node_modules" / ".nnlab-lock-sha256"
    want = sha256_file(NPM_LOCK)
    if marker.exists() and marker.read_text().strip() == want:
        return ROOT / "node_modules"
    with Stage("npm") as st:
        if shutil.which("npm") is None:
            raise BuildError("npm", "npm is not installed",
                             "install Node.js 18+ with npm (Debian: apt-get install nodejs npm)")
        st.note("npm ci (packages pinned by package-lock.json)")
        run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], "npm",
            "check that the npm registry is reachable, then run the command again", cwd=ROOT)
        marker.write_text(want + "\n")
    return ROOT / "node_modules"


def can_apt():
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(stage, packages, hint):
    """Install Debian packages (as root, non-interactively) for `stage`."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], stage, hint, env=env)
    run(["apt-get", "install", "-y", "-q", *packages], stage, hint, env=env)


def chromium():
    """Path of a Chromium for the tests, installing Debian's package when we can."""
    if os.environ.get("NNLAB_CHROMIUM"):
        return Path(os.environ["NNLAB_CHROMIUM"])
    if DEBIAN_CHROMIUM.exists():
        return DEBIAN_CHROMIUM
    with Stage("chromium") as st:
        if can_apt():
            st.note("installing Debian's chromium package")
            apt_install("chromium", ["chromium", "fonts-noto-cjk"],
                        "install Chromium yourself (apt-get install chromium) or set NNLAB_CHROMIUM")
            return DEBIAN_CHROMIUM
        st.note("no system Chromium: asking Playwright for its own browser")
        run([venv_python(), "-m", "playwright", "install", "chromium"], "chromium",
            "install Chromium (e.g. apt-get install chromium) or set NNLAB_CHROMIUM to its path")
        return None  # Playwright finds its managed browser itself


def firefox():
    """Path of a Firefox ESR for the file:// tests, installing Debian's package when we can; else None."""
    if os.environ.get("NNLAB_FIREFOX"):
        return Path(os.environ["NNLAB_FIREFOX"])
    if DEBIAN_FIREFOX.exists() and shutil.which("xvfb-run"):
        return DEBIAN_FIREFOX
    if not can_apt():
        if DEBIAN_FIREFOX.exists():
            return DEBIAN_FIREFOX  # headless then: the Projector check accepts its no-WebGL message
        say("[firefox] no firefox-esr and no root to install it: the Firefox checks will be skipped")
        return None
    with Stage("firefox") as st:
        st.note("installing Debian's firefox-esr package (and xvfb: headed Firefox draws WebGL without a GPU)")
        apt_install("firefox", ["firefox-esr", "xvfb"],
                    "install Firefox ESR yourself (apt-get install firefox-esr xvfb) or set NNLAB_FIREFOX")
        return DEBIAN_FIREFOX


def check_python():
    if sys.version_info < (3, 11):
        raise BuildError("python", f"Python {sys.version.split()[0]} is too old",
                         "run build.py with Python 3.11 or newer")


def in_venv(py, args, **kw):
    return subprocess.run([str(py), *map(str, args)], **kw)
