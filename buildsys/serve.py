"""A static file server for build/site with the MIME types Pyodide needs.

With a log directory (``build.py serve --logdir DIR``) it also answers
``GET /logdir/index.json`` (``[{path, size, mtime, event}]`` of DIR's event files and
of the files under folders holding a projector config) and
``GET /logdir/<path>`` for those files, honouring ``Range: bytes=N-`` so the
Board fetches only what was appended since its last read.

Only regular files whose resolved path lies inside DIR are listed or served (a
``*tfevents*`` symlink out of DIR, a FIFO or a dangling link is skipped), and
every request must name this server in its Host header (127.0.0.1, localhost
or the listening address, with the port) so a DNS-rebinding page cannot read
the site or the logs.
"""

import functools
import http.server
import json
import os
import re
import stat
import sys
import threading
import urllib.parse
from pathlib import Path

from .common import is_event_file, log_files, projector_config_name

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
# At most 18 digits: a longer number is past any file's end anyway, and int() of a huge digit
# string is slow (and refused past 4300 digits).
RANGE = re.compile(r"bytes=(?:(\d{1,18})-(\d{0,18})|-(\d{1,18}))")
CHUNK = 1 << 20
# Opening never waits for a writer (a FIFO) and never follows a link swapped in after the check.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _inside(root, real):
    """Whether the resolved path `real` lies strictly inside the resolved directory `root`."""
    return real != root and os.path.commonpath([root, real]) == root


def _servable(root, full):
    """The resolved path and stat of `full` if it is a readable regular file inside `root`, else None.

    Uses stat, never open, so a FIFO or device is recognised without blocking on it.
    """
    try:
        real = os.path.realpath(full)
        st = os.stat(real)
    except (OSError, ValueError):  # vanished, dangling, a loop, a NUL byte
        return None
    if not (_inside(root, real) and stat.S_ISREG(st.st_mode) and os.access(real, os.R_OK)):
        return None
    return real, st


def _urlsafe(rel):
    """Whether a relative path survives the page's encodeURIComponent (valid UTF-8, no NUL)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:  # a non-UTF-8 file name decoded with surrogateescape
        return False
    return "\x00" not in rel


def logdir_index(logdir):
    """Files of `logdir` the Board reads (event files, and what projector configs' folders hold):
    ``[{"path": "/"-separated relative path, "size", "mtime", "event": bool}]``, sorted.

    `logdir` is a resolved path. Symlinked folders are not descended (as os.walk does by default);
    a file that vanishes or dangles while listing is left out, the rest are kept.
    """
    found = {}
    for dirpath, dirnames, filenames in os.walk(logdir):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = Path(full).relative_to(logdir).as_posix()
            if _urlsafe(rel):
                found[rel] = full
    out = []
    for rel in log_files(sorted(found)):
        ok = _servable(logdir, found[rel])
        if ok:
            out.append({"path": rel, "size": ok[1].st_size, "mtime": ok[1].st_mtime, "event": is_event_file(rel)})
    return out


def _in_projector_folder(logdir, parts):
    """Whether a folder on the way to `parts` (the file's own included) holds a projector config."""
    config = projector_config_name()
    return any(os.path.isfile(os.path.join(logdir, *parts[:k], config)) for k in range(len(parts)))


def resolve_log_file(logdir, rel):
    """The resolved path of the file `rel` ("/"-separated) that logdir_index lists, else None.

    Checks the one path instead of walking the folder, with logdir_index's rule: plain components,
    real (not symlinked) folders on the way, and a readable regular file inside `logdir` at the end.
    """
    parts = rel.split("/")
    if not _urlsafe(rel) or any(p in ("", ".", "..") or os.sep in p or (os.altsep and os.altsep in p)
                                for p in parts):
        return None
    if not is_event_file(parts[-1]) and not _in_projector_folder(logdir, parts):
        return None
    folder = logdir
    for part in parts[:-1]:
        folder = os.path.join(folder, part)
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return None
        except OSError:
            return None
    found = _servable(logdir, os.path.join(folder, parts[-1]))
    return found and found[0]


def parse_range(header, size):
    """The inclusive byte span ``(start, end)`` a Range header asks of a `size`-byte file.

    Returns None when there is no header or its unit is not bytes (serve the whole file), and
    "bad" for a malformed, multi-part or unsatisfiable bytes range (answer 416).
    """
    if header is None or not header.strip().lower().startswith("bytes="):
        return None
    m = RANGE.fullmatch(header.strip().replace(" ", ""))
    if not m:
        return "bad"
    if m.group(3) is not None:  # bytes=-N: the last N bytes
        n = int(m.group(3))
        return (max(size - n, 0), size - 1) if n and size else "bad"
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start > end or start >= size:
        return "bad"
    return start, min(end, size - 1)


def allowed_hosts(server_address):
    """Host header values naming a server at `server_address` ((host, port, ...)), lower case."""
    host, port = server_address[:2]
    names = {"127.0.0.1", "localhost", f"[{host}]" if ":" in host else host}
    hosts = {f"{name}:{port}" for name in names}
    return hosts | names if port == 80 else hosts


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def parse_request(self):
        """Parse as usual, then refuse a request whose Host header does not name this server."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            self.close_connection = True
            self.send_error(400, "exactly one Host header is required")
            return False
        if hosts[0].strip().lower() not in allowed_hosts(self.server.server_address):
            # A page on another name (DNS rebinding) must not read the site or the logs.
            self.close_connection = True
            self.send_error(421, "this server answers only to 127.0.0.1 and localhost")
            return False
        return True

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
        if rel == "index.json":
            return self._send(200, json.dumps(logdir_index(logdir)).encode(), "application/json")
        real = resolve_log_file(logdir, rel)
        try:
            fd = os.open(real, OPEN_FLAGS) if real else None
        except OSError:  # vanished or swapped for a link since the check
            fd = None
        if fd is None:
            return self._send(404, b"not an event file of the log directory", "text/plain")
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):  # replaced by a FIFO or device since the check
                return self._send(404, b"not an event file of the log directory", "text/plain")
            self._send_file(f, st.st_size)

    def _send_file(self, f, size):
        """Send the open file `f` of `size` bytes, or the span its Range header asks for."""
        span = parse_range(self.headers.get("Range"), size)
        if span == "bad":
            return self._send(416, b"", "application/octet-stream", {"Content-Range": f"bytes */{size}"})
        start, end = span or (0, size - 1)
        if span:
            extra, code = {"Content-Range": f"bytes {start}-{end}/{size}"}, 206
        else:
            extra, code = {}, 200
        self._send(code, b"", "application/octet-stream", extra, length=end - start + 1)
        f.seek(start)
        left = end - start + 1
        while left > 0:
            piece = f.read(min(left, CHUNK))
            if not piece:  # truncated while sending: end the connection so the client sees it short
                self.close_connection = True
                return
            self.wfile.write(piece)
            left -= len(piece)

    def _send(self, code, body, ctype, headers=None, length=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)


class SiteServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closed a tab mid-download is no error worth a traceback in the terminal."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def make_server(root, port=8000, host="127.0.0.1", verbose=False, logdir=None):
    """A ThreadingHTTPServer serving `root` (and `logdir`'s event files under /logdir/); port 0 picks a free one."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = SiteServer((host, port), handler)
    server.verbose = verbose
    server.daemon_threads = True
    server.logdir = None if logdir is None else os.path.realpath(logdir)
    return server


def serve_in_thread(root, port=0, logdir=None):
    """Start a server on a background thread; returns (server, base_url)."""
    server = make_server(root, port, logdir=logdir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"
