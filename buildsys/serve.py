"""A static file server for build/site with the MIME types Pyodide needs.

With a log directory (``build.py serve --logdir DIR``) it also answers
``GET /logdir/index.json`` (``[{path, size, mtime}]`` of DIR's event files) and
``GET /logdir/<path>`` for those files, honouring ``Range: bytes=N-`` so the
Board fetches only what was appended since its last read.
"""

import functools
import http.server
import json
import os
import re
import threading
import urllib.parse
from pathlib import Path

MIME = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".tsv": "text/tab-separated-values",
    ".svg": "image/svg+xml",
}


LOGDIR_PREFIX = "/logdir/"
RANGE = re.compile(r"bytes=(\d+)-(\d*)")


def logdir_index(logdir):
    """Event files under `logdir`: ``[{"path": "/"-separated relative path, "size", "mtime"}]``, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(logdir):
        dirnames.sort()
        for name in sorted(filenames):
            if "tfevents" in name:
                full = Path(dirpath) / name
                st = full.stat()
                out.append({"path": full.relative_to(logdir).as_posix(), "size": st.st_size, "mtime": st.st_mtime})
    return out


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def end_headers(self):
        # Revalidate every time (cheap 304s) so a rebuilt site is never mixed with a stale one.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self):
        logdir = getattr(self.server, "logdir", None)
        path = urllib.parse.urlsplit(self.path).path
        if logdir is not None and path.startswith(LOGDIR_PREFIX):
            return self._logdir(logdir, urllib.parse.unquote(path[len(LOGDIR_PREFIX):]))
        return super().do_GET()

    def _logdir(self, logdir, rel):
        files = logdir_index(logdir)
        if rel == "index.json":
            return self._send(200, json.dumps(files).encode(), "application/json")
        if rel not in {f["path"] for f in files}:
            return self._send(404, b"not an event file of the log directory", "text/plain")
        data = (Path(logdir) / rel).read_bytes()
        m = RANGE.fullmatch(self.headers.get("Range", "") or "")
        if not m:
            return self._send(200, data, "application/octet-stream")
        start = int(m.group(1))
        end = min(int(m.group(2)) if m.group(2) else len(data) - 1, len(data) - 1)
        if start >= len(data):
            return self._send(416, b"", "application/octet-stream", {"Content-Range": f"bytes */{len(data)}"})
        return self._send(206, data[start:end + 1], "application/octet-stream",
                          {"Content-Range": f"bytes {start}-{end}/{len(data)}"})

    def _send(self, code, body, ctype, headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)


def make_server(root, port=8000, host="127.0.0.1", verbose=False, logdir=None):
    """A ThreadingHTTPServer serving `root` (and `logdir`'s event files under /logdir/); port 0 picks a free one."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.verbose = verbose
    server.daemon_threads = True
    server.logdir = None if logdir is None else str(Path(logdir).resolve())
    return server


def serve_in_thread(root, port=0, logdir=None):
    """Start a server on a background thread; returns (server, base_url)."""
    server = make_server(root, port, logdir=logdir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"
