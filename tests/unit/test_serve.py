"""The dev server: loopback only, MIME types Pyodide and modules need."""

import urllib.request

import pytest

from buildsys.serve import serve_in_thread


@pytest.fixture
def served(tmp_path):
    for name in ("a.wasm", "b.mjs", "c.js", "d.json", "e.whl", "index.html"):
        (tmp_path / name).write_bytes(b"x")
    server, url = serve_in_thread(tmp_path)
    yield url
    server.shutdown()


@pytest.mark.parametrize("name, mime", [
    ("a.wasm", "application/wasm"), ("b.mjs", "text/javascript"), ("c.js", "text/javascript"),
    ("d.json", "application/json"), ("e.whl", "application/zip"), ("index.html", "text/html"),
])
def test_mime_types(served, name, mime):
    with urllib.request.urlopen(served + name) as r:
        assert r.headers["Content-Type"].split(";")[0] == mime


def test_binds_loopback(served):
    assert served.startswith("http://127.0.0.1:")
