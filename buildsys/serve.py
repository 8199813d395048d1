"""A static file server for build/site with the MIME types Pyodide needs."""

import functools
import http.server
import threading

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


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def end_headers(self):
        # Revalidate every time (cheap 304s) so a rebuilt site is never mixed with a stale one.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)


def make_server(root, port=8000, host="127.0.0.1", verbose=False):
    """A ThreadingHTTPServer serving `root`; port 0 picks a free one."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.verbose = verbose
    server.daemon_threads = True
    return server


def serve_in_thread(root, port=0):
    """Start a server on a background thread; returns (server, base_url)."""
    server = make_server(root, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"
