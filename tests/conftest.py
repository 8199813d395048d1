"""Shared fixtures: one served build/site and one Chromium per test process."""

import contextlib
import json
import os
import urllib.parse
from pathlib import Path

import pytest

from tests.runtimes import CPYTHON_ONLY, IN_PYODIDE, cpython_only_reason

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("NNLAB_SITE", ROOT / "build" / "site"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BOOT_TIMEOUT_MS = 90_000  # a cold Pyodide start on a busy 2-core machine


def pytest_ignore_collect(collection_path, config):
    """In Pyodide, whole files listed as CPython-only are not even imported (they need venv, playwright...)."""
    if not IN_PYODIDE:
        return None
    try:
        rel = collection_path.resolve().relative_to(ROOT).as_posix() + ("/" if collection_path.is_dir() else "")
    except ValueError:
        return None
    return True if any(rel == k for k in CPYTHON_ONLY if k.endswith(("/", ".py"))) else None


def pytest_collection_modifyitems(config, items):
    if IN_PYODIDE:
        for item in items:
            reason = cpython_only_reason(item.nodeid)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"CPython only: {reason}"))


def pytest_terminal_summary(terminalreporter):
    """Counts for build.py's closing line (NNLAB_TEST_COUNTS names the file)."""
    out = os.environ.get("NNLAB_TEST_COUNTS")
    if out and not hasattr(terminalreporter.config, "workerinput"):  # xdist's controller counts them all
        stats = terminalreporter.stats
        counts = {k: len(stats.get(k, [])) for k in ("passed", "failed", "skipped", "error", "xfailed", "xpassed")}
        counts["runtime"] = "pyodide" if IN_PYODIDE else "cpython"
        Path(out).write_text(json.dumps(counts))


@pytest.fixture(scope="session")
def site_server():
    """build/site served as `build.py serve` serves it, one server per test process (its `url`)."""
    from buildsys.serve import serve_in_thread
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} is not built: run `python3 build.py test`, which builds it first")
    server, server.url = serve_in_thread(SITE)
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def site_url(site_server):
    return site_server.url


@contextlib.contextmanager
def logdir_served(server, logdir):
    """Meanwhile `server` also serves `logdir` as `build.py serve --logdir` does; yields its URL.

    The same server and port for every test, so pages keep the browser's cached, compiled
    Pyodide (it is cached by URL)."""
    server.logdir = os.path.realpath(logdir)
    try:
        yield server.url
    finally:
        server.logdir = None


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One Chromium with its profile on disk per test process, as a user's browser has one: the
    HTTP cache and V8's compiled code carry over from page to page (a third less CPU per Python
    start here). Each test's pages are closed and the storage of what they visited cleared after it."""
    from playwright.sync_api import sync_playwright
    exe = os.environ.get("NNLAB_CHROMIUM")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=exe or None, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900}, locale="en-US")
        context.add_init_script("globalThis.nnlabDigests = true")  # Board cards stamp data-digest for the tests
        yield context
        context.close()


# What clearing a test's storage removes: all but the HTTP cache and compiled code.
STORAGE = "cookies,local_storage,indexeddb,file_systems,websql,service_workers,cache_storage,storage_buckets"


@pytest.fixture
def page(browser_context):
    """A new page whose console errors are echoed on failure; after the test its pages close and
    the origins they used lose their storage, so no test sees another's."""
    keeper = browser_context.pages[0]  # the profile's first tab stays open: the browser lives on
    origins = {"file://"}

    def seen(request):
        parts = urllib.parse.urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            origins.add(f"{parts.scheme}://{parts.netloc}")
    browser_context.on("request", seen)
    pg = browser_context.new_page()
    pg.set_default_timeout(30_000)
    pg.on("console", lambda m: print(f"[console.{m.type}] {m.text}"))
    pg.on("pageerror", lambda e: print(f"[pageerror] {e}"))
    yield pg
    browser_context.remove_listener("request", seen)
    for other in browser_context.pages:
        if other is not keeper:
            other.close()
    cdp = browser_context.new_cdp_session(keeper)
    for origin in origins:
        cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": STORAGE})
    cdp.detach()


@pytest.fixture
def no_site_examples(page, site_url):
    """Hide build/site's built-in examples from `page` (pages open one by itself, and whether
    build/site has them depends on how it was built); a test may route its own manifest after."""
    page.route(f"{site_url}data/manifest.json", lambda route: route.fulfill(status=404, body=b""))


def wait_ready(pg):
    """Wait for the page's explicit ready signal (or fail fast on its error state)."""
    pg.wait_for_selector('body[data-status="ready"], body[data-status="error"]', timeout=BOOT_TIMEOUT_MS)
    status = pg.get_attribute("body", "data-status")
    assert status == "ready", f"Python did not start: {pg.text_content('[data-testid=loader]')}"
