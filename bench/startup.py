"""Time to body[data-status="ready"] in headless Chromium, cold and warm cache.

    python3 build.py build && <venv python> bench/startup.py [--runs 3]

Cold: a new browser profile (empty HTTP and code caches). Warm: the browser
restarted on that profile, so the HTTP cache and V8's compiled-wasm cache are on
disk, as on a student's second visit. (Incognito-like contexts keep no code cache.)
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from buildsys.serve import serve_in_thread  # noqa: E402
from conftest import CHROMIUM_FLAGS, SITE  # noqa: E402


def time_ready(pw, profile, url, exe):
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=exe, args=CHROMIUM_FLAGS)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('body[data-status="ready"]', timeout=120_000)
    ms = (time.perf_counter() - t0) * 1000
    ctx.close()
    return ms


def main():
    from playwright.sync_api import sync_playwright
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    server, url = serve_in_thread(SITE)
    cold, warm = [], []
    with sync_playwright() as pw:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as profile:
                cold.append(time_ready(pw, profile, url, args.chromium))
                warm.append(time_ready(pw, profile, url, args.chromium))
    server.shutdown()
    print(f"ready, cold cache: median {statistics.median(cold):.0f} ms  runs {[round(x) for x in cold]}")
    print(f"ready, warm cache: median {statistics.median(warm):.0f} ms  runs {[round(x) for x in warm]}")
    print(f"warm/cold ratio: {statistics.median(warm) / statistics.median(cold):.2f}")


if __name__ == "__main__":
    main()
