"""The dev server: loopback only, MIME types Pyodide and modules need, and `serve --logdir`
serving only the regular event files inside DIR, with ranges, to requests that name it."""

import http.client
import json
import os
import urllib.request

import pytest

from buildsys.serve import make_server, serve_in_thread

DATA = b"0123456789"
TIMEOUT = 10  # a request that blocks in the server fails the test instead of hanging it


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


@pytest.fixture
def logsrv(tmp_path):
    """A server with site/ and logs/ (one event file run/events.out.tfevents.1 holding DATA)."""
    site, logs = tmp_path / "site", tmp_path / "logs"
    (logs / "run").mkdir(parents=True)
    site.mkdir()
    (site / "index.html").write_bytes(b"<p>site</p>")
    (logs / "run" / "events.out.tfevents.1").write_bytes(DATA)
    server, _ = serve_in_thread(site, logdir=logs)
    server.logs = logs
    yield server
    server.shutdown()
    server.server_close()


def get(server, path, headers=(), host=None):
    """(status, headers, body) of a raw GET; `host` replaces the Host header ("" sends none)."""
    addr, port = server.server_address[:2]
    conn = http.client.HTTPConnection(addr, port, timeout=TIMEOUT)
    try:
        conn.putrequest("GET", path, skip_host=host is not None)
        if host:
            conn.putheader("Host", host)
        for k, v in dict(headers).items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def index(server):
    status, headers, body = get(server, "/logdir/index.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    return [f["path"] for f in json.loads(body)]


def test_logdir_index_and_appended_bytes(logsrv):
    f = logsrv.logs / "run" / "events.out.tfevents.1"
    status, _, body = get(logsrv, "/logdir/index.json")
    st = f.stat()
    assert json.loads(body) == [{"path": "run/events.out.tfevents.1", "size": 10, "mtime": st.st_mtime, "event": True}]
    assert get(logsrv, "/logdir/run/events.out.tfevents.1")[::2] == (200, DATA)
    with open(f, "ab") as out:
        out.write(b"new")
    status, headers, body = get(logsrv, "/logdir/run/events.out.tfevents.1", {"Range": "bytes=10-"})
    assert (status, body, headers["Content-Range"]) == (206, b"new", "bytes 10-12/13")


def test_files_under_a_projector_config_are_listed_and_served_others_not(logsrv):
    emb = logsrv.logs / "emb"
    (emb / "00000").mkdir(parents=True)
    for rel, body in (("projector_config.pbtxt", b"embeddings {}"), ("00000/tensors.tsv", b"1\t2\n"),
                      ("checkpoint", b"x")):
        (emb / rel).write_bytes(body)
    (logsrv.logs / "run" / "notes.txt").write_bytes(b"private")
    assert index(logsrv) == ["emb/00000/tensors.tsv", "emb/checkpoint", "emb/projector_config.pbtxt",
                             "run/events.out.tfevents.1"]
    assert get(logsrv, "/logdir/emb/00000/tensors.tsv")[::2] == (200, b"1\t2\n")
    assert get(logsrv, "/logdir/run/notes.txt")[0] == 404


def test_symlink_out_of_logdir_is_neither_listed_nor_served(logsrv, tmp_path):
    secret = tmp_path / "secret.tfevents"
    secret.write_bytes(b"private")
    (logsrv.logs / "evil.tfevents").symlink_to(secret)
    (logsrv.logs / "run" / "up").symlink_to(tmp_path)  # a folder link: not descended
    (logsrv.logs / "alias.tfevents").symlink_to(logsrv.logs / "run" / "events.out.tfevents.1")
    assert index(logsrv) == ["alias.tfevents", "run/events.out.tfevents.1"]
    for path in ("/logdir/evil.tfevents", "/logdir/run/up/secret.tfevents",
                 "/logdir/run/../../secret.tfevents", "/logdir/..%2Fsecret.tfevents"):
        status, _, body = get(logsrv, path)
        assert status == 404 and b"private" not in body, path
    assert get(logsrv, "/logdir/alias.tfevents")[::2] == (200, DATA)


def test_dangling_or_vanished_files_do_not_break_the_others(logsrv, monkeypatch):
    (logsrv.logs / "dangling.tfevents").symlink_to(logsrv.logs / "gone")
    (logsrv.logs / "loop.tfevents").symlink_to(logsrv.logs / "loop.tfevents")
    assert index(logsrv) == ["run/events.out.tfevents.1"]
    assert get(logsrv, "/logdir/dangling.tfevents")[0] == 404
    assert get(logsrv, "/logdir/loop.tfevents")[0] == 404
    # A file deleted after the server checked it and before it opened it.
    doomed = logsrv.logs / "doomed.tfevents"
    doomed.write_bytes(b"x")
    import buildsys.serve as serve
    check = serve.resolve_log_file

    def check_then_delete(logdir, rel):
        found = check(logdir, rel)
        if rel == "doomed.tfevents":
            doomed.unlink()
        return found
    monkeypatch.setattr(serve, "resolve_log_file", check_then_delete)
    assert get(logsrv, "/logdir/doomed.tfevents")[0] == 404
    assert get(logsrv, "/logdir/run/events.out.tfevents.1")[::2] == (200, DATA)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_tfevents_never_blocks(logsrv):
    fifo = logsrv.logs / "run" / "pipe.tfevents"
    os.mkfifo(fifo)
    try:
        assert index(logsrv) == ["run/events.out.tfevents.1"]
        assert get(logsrv, "/logdir/run/pipe.tfevents")[0] == 404
        assert get(logsrv, "/logdir/run/events.out.tfevents.1")[::2] == (200, DATA)
    finally:
        try:  # release a server thread a regression left waiting for a writer
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def test_non_utf8_file_name_is_left_out_of_the_index(logsrv):
    open(os.path.join(os.fsencode(logsrv.logs), b"bad\xff.tfevents"), "wb").close()
    status, _, body = get(logsrv, "/logdir/index.json")
    # The page percent-encodes every listed path; a lone surrogate would make it throw.
    assert [f["path"] for f in json.loads(body.decode("utf-8"))] == ["run/events.out.tfevents.1"]
    assert all(f["path"].encode("utf-8") for f in json.loads(body))


@pytest.mark.parametrize("spec, content_range, body", [
    ("bytes=2-4", "bytes 2-4/10", b"234"), ("bytes=8-100", "bytes 8-9/10", b"89"),
    ("bytes=-3", "bytes 7-9/10", b"789"), ("bytes=-50", "bytes 0-9/10", DATA),
])
def test_good_ranges(logsrv, spec, content_range, body):
    status, headers, got = get(logsrv, "/logdir/run/events.out.tfevents.1", {"Range": spec})
    assert (status, headers["Content-Range"], got) == (206, content_range, body)


@pytest.mark.parametrize("spec", [
    "bytes=5-3", "bytes=10-", "bytes=99-", "bytes=abc", "bytes=-0", "bytes=0-1,4-5", "bytes=",
    "bytes=" + "9" * 5000 + "-",
])
def test_bad_or_unsatisfiable_ranges_answer_416(logsrv, spec):
    status, headers, body = get(logsrv, "/logdir/run/events.out.tfevents.1", {"Range": spec})
    assert (status, headers["Content-Range"], body) == (416, "bytes */10", b"")


def test_unknown_range_unit_is_ignored(logsrv):
    status, _, body = get(logsrv, "/logdir/run/events.out.tfevents.1", {"Range": "items=0-1"})
    assert (status, body) == (200, DATA)


@pytest.mark.parametrize("path", ["/", "/index.html", "/logdir/index.json", "/logdir/run/events.out.tfevents.1"])
def test_host_header_must_name_this_server(logsrv, path):
    port = logsrv.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}"):
        assert get(logsrv, path, host=host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "localhost",
                 f"localhost:{port + 1}", f"0.0.0.0:{port}", f"[::1]:{port}"):
        status, _, body = get(logsrv, path, host=host)
        assert status == 421 and b"site" not in body and DATA not in body, host
    assert get(logsrv, path, host="")[0] == 400
    assert get(logsrv, path, [("Host", "evil.example")])[0] == 400  # a second Host header


def test_host_header_may_name_the_listening_address(tmp_path):
    (tmp_path / "index.html").write_bytes(b"x")
    try:
        server = make_server(tmp_path, 0, host="127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    import threading
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert get(server, "/index.html", host=f"127.0.0.2:{port}")[0] == 200
        assert get(server, "/index.html", host=f"localhost:{port}")[0] == 200
        assert get(server, "/index.html", host=f"127.0.0.3:{port}")[0] == 421
    finally:
        server.shutdown()
        server.server_close()
