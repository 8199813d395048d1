"""The Pyodide asset verifier: only bytes whose sha256 matches the lock get in."""

import hashlib
import zipfile

import pytest

from buildsys import pyodide
from buildsys.common import ROOT, BuildError

CORE = ROOT / "node_modules" / "pyodide"
UNREACHABLE = "http://127.0.0.1:9/"  # discard port: refused at once, no network needed


@pytest.fixture(scope="module")
def lock():
    return pyodide.read_lock(CORE)


def real_wheel(lock, name="threadpoolctl"):
    entry = lock["packages"][name]
    path = ROOT / "build" / "site" / "pyodide" / entry["file_name"]
    assert path.exists(), "run build.py first: it installs the verified wheels"
    return path, entry


def test_real_file_accepted_and_one_changed_byte_rejected(lock, tmp_path):
    path, entry = real_wheel(lock)
    assert pyodide.verify(path, entry["sha256"])
    copy = tmp_path / path.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    assert not pyodide.verify(copy, entry["sha256"])


def test_tampered_sources_stop_with_a_message_naming_file_sources_and_hash(lock, tmp_path):
    path, entry = real_wheel(lock)
    name = entry["file_name"]
    (tmp_path / name).write_bytes(b"not the wheel")  # a poisoned cache entry
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    with zipfile.ZipFile(mirror / "fake-0-py3-none-any.whl", "w") as z:
        z.writestr(pyodide.MIRROR_PREFIX + name, b"also not the wheel")
    sources = pyodide.WheelSources(cache=tmp_path, cdn=UNREACHABLE)
    with pytest.raises(BuildError) as info:
        sources.fetch(name, entry["sha256"])
    text = str(info.value)
    assert name in text and entry["sha256"] in text
    assert "cache" in text and "CDN" in text and "PyPI mirror" in text
    assert not (tmp_path / name).exists() or (tmp_path / name).read_bytes() == b"not the wheel"


def test_good_mirror_copy_is_accepted_and_cached(lock, tmp_path):
    path, entry = real_wheel(lock)
    name = entry["file_name"]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    with zipfile.ZipFile(mirror / "fake-0-py3-none-any.whl", "w") as z:
        z.writestr(pyodide.MIRROR_PREFIX + name, path.read_bytes())
    got = pyodide.WheelSources(cache=tmp_path, cdn=UNREACHABLE).fetch(name, entry["sha256"])
    assert got == tmp_path / name
    assert hashlib.sha256(got.read_bytes()).hexdigest() == entry["sha256"]


def test_closure_follows_the_lock(lock):
    assert pyodide.closure(lock, ["numpy"]) == ["numpy"]
    assert set(pyodide.closure(lock, ["scikit-learn"])) == {
        "scikit-learn", "scipy", "numpy", "openblas", "joblib", "threadpoolctl"}


def test_only_site_packages_are_installed(lock):
    installed = {p.name for p in (ROOT / "build" / "site" / "pyodide").iterdir()}
    wanted = {lock["packages"][n]["file_name"] for n in pyodide.closure(lock, pyodide.SITE_PACKAGES)}
    extra = {f for _, f, _ in pyodide.EXTRA_WHEELS.values()} | {pyodide.EXTRA_INDEX}
    assert installed == wanted | set(pyodide.CORE_FILES) | extra
    assert not any("pandas" in n or "matplotlib" in n for n in installed)
