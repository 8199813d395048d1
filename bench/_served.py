"""A page of build/site served as `build.py serve --logdir` serves it, in headless Chromium (benchmarks)."""

import contextlib
import os
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "build" / "site"


@contextlib.contextmanager
def served_page(logdir, viewport=None):
    """Yield (page, site URL) with `logdir` served under /logdir/; everything is closed after."""
    from playwright.sync_api import sync_playwright
    from buildsys.serve import serve_in_thread
    server, url = serve_in_thread(SITE, logdir=logdir)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("NNLAB_CHROMIUM") or None,
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                yield browser.new_page(viewport=viewport), url
            finally:
                browser.close()
    finally:
        server.shutdown()
