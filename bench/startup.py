"""Time to body[data-status="ready"] in headless Chromium, served and from a folder, cold and warm.

    python3 build.py build && <venv python> bench/startup.py [--runs 3] [--pages index,board] [--reference DIR]

A page may carry a query: `--pages "playground,playground?snapshot=off"` measures the
Playground with and without the memory snapshot of a started Python (buildsys/snapshot.py).

Cold: a new browser profile (empty HTTP and code caches). Warm: the browser
restarted on that profile, so the HTTP cache and V8's compiled-wasm cache are on
disk, as on a student's second visit (from file:// there is no HTTP cache, so
warm only helps what the browser keeps itself). Also the megabytes each page
reads from build/site, and when each page first painted its own controls (first contentful
paint, served). Prints medians and the file:// / http ratio per page;
with --reference (another build's site folder, e.g. of the previous commit) also
that build served, and the served ratio new / reference.

First it measures the floor of this design in the same run (bench/_floor.py: a bare
page that only starts the same Pyodide and numpy in a worker, served; "floor?snapshot=on"
from the build's memory snapshot, as the pages start), and prints each page's served
cold and warm times as ratios to the plain floor.
"""

import argparse
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from buildsys.serve import serve_in_thread  # noqa: E402
from conftest import CHROMIUM_FLAGS, SITE  # noqa: E402
from _floor import floor_site  # noqa: E402

PAGES = ("index", "playground", "board", "projector")


def loaded_bytes(urls, base, site=SITE):
    """Bytes of the site's files behind the URLs a page requested."""
    total = 0
    for url in set(urls):
        if not url.startswith(base):
            continue
        rel = urllib.parse.unquote(url[len(base):].split("?")[0].split("#")[0]) or "index.html"
        path = site / rel
        total += path.stat().st_size if path.is_file() else 0
    return total


def time_ready(pw, profile, url, exe, base, site):
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=exe, args=CHROMIUM_FLAGS)
    page = ctx.new_page()
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('body[data-status="ready"]', timeout=120_000)
    ms = (time.perf_counter() - t0) * 1000
    marks = page.evaluate("() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('nnlab:'))"
                          ".map((m) => [m.name.slice(6), Math.round(m.startTime)])")
    # First contentful paint: the page's own controls (text, buttons) are on screen.
    paint = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN")
    ctx.close()
    # The page's own mark of ready, ms from navigation: Playwright polls the selector every 0.5 s at
    # this point, so the wall time above comes up to half a second late.
    ms = dict(marks).get("ready", ms)
    return ms, loaded_bytes(urls, base, site), marks, paint


def page_url(base, page):
    """'playground?snapshot=off' -> base + 'playground.html?snapshot=off'."""
    name, _, query = page.partition("?")
    return f"{base}{name}.html" + (f"?{query}" if query else "")


def measure(pw, base, page, runs, exe, site=SITE):
    """(median cold ms, median warm ms, bytes read, stage marks of the median cold run,
    median first paint cold and warm in ms)."""
    cold, warm, size, paints = [], [], 0, ([], [])
    url = page_url(base, page)
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as profile:
            ms, size, marks, paint = time_ready(pw, profile, url, exe, base, site)
            cold.append((ms, marks))
            paints[0].append(paint)
            again = time_ready(pw, profile, url, exe, base, site)
            warm.append(again[0])
            paints[1].append(again[3])
    cold.sort(key=lambda c: c[0])
    mid = cold[len(cold) // 2]
    return mid[0], statistics.median(warm), size, mid[1], statistics.median(paints[0]), statistics.median(paints[1])


def main():
    from playwright.sync_api import sync_playwright
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--reference", type=Path, help="another build's site folder, measured served beside this one")
    args = parser.parse_args()
    server, http_base = serve_in_thread(SITE)
    ref_server, ref_base = serve_in_thread(args.reference) if args.reference else (None, None)
    file_base = SITE.resolve().as_uri() + "/"
    width = max(18, *(len(p) + 1 for p in args.pages.split(",")))
    floor_dir = tempfile.TemporaryDirectory()
    floor_server, floor_base = serve_in_thread(floor_site(SITE, floor_dir.name))
    with sync_playwright() as pw:
        floors = {}
        for variant in ("floor", "floor?snapshot=on"):
            floors[variant] = measure(pw, floor_base, variant, args.runs, args.chromium, Path(floor_dir.name))
            c, w = floors[variant][:2]
            print(f"{variant:<{width}} {c:>7.0f}ms {w:>4.0f}ms  (served; stages: "
                  + ", ".join(f"{name} {t}" for name, t in floors[variant][3]) + ")", flush=True)
        floor = floors["floor"]
        print(f"{'page':<{width}} {'http cold':>9} {'warm':>6} {'file cold':>9} {'warm':>6} {'file/http cold':>14}"
              f" {'MB http':>8} {'MB file':>8} {'/floor cold, warm':>18} {'paint http cold, warm':>22}"
              + ("   reference http cold / warm, new/ref cold, warm" if ref_base else ""))
        for page in args.pages.split(","):
            h = measure(pw, http_base, page, args.runs, args.chromium)
            f = measure(pw, file_base, page, args.runs, args.chromium)
            line = (f"{page:<{width}} {h[0]:>7.0f}ms {h[1]:>4.0f}ms {f[0]:>7.0f}ms {f[1]:>4.0f}ms {f[0] / h[0]:>13.2f}x"
                    f" {h[2] / 1e6:>8.1f} {f[2] / 1e6:>8.1f} {h[0] / floor[0]:>10.2f}x, {h[1] / floor[1]:.2f}x"
                    f" {h[4]:>14.0f}ms, {h[5]:.0f}ms")
            if ref_base:
                r = measure(pw, ref_base, page, args.runs, args.chromium, args.reference)
                line += f"   {r[0]:>5.0f}ms / {r[1]:>4.0f}ms, {h[0] / r[0]:.2f}x, {h[1] / r[1]:.2f}x"
            print(line, flush=True)
            for label, m in (("http", h), ("file", f)):  # where the cold start's time goes (ms from navigation)
                print(f"    {label} cold stages: " + ", ".join(f"{name} {t}" for name, t in m[3]), flush=True)
    server.shutdown()
    floor_server.shutdown()
    floor_dir.cleanup()
    if ref_server:
        ref_server.shutdown()


if __name__ == "__main__":
    main()
