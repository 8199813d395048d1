"""Playground speed: the page in headless Chromium beside the same engine in native CPython.

    python3 build.py build && <venv python> bench/playground.py [--seconds 5]

For each network it prints
- page fps: epochs per second while playing at one epoch per frame (train, every
  heatmap, losses, drawing: the full frame), measured by the epoch counter;
- fast epochs/s: the page in fast mode (many epochs per frame);
- native frame ms / epochs/s: Trainer.step(1) + snapshot(heatmaps) and step(200) in CPython;
- the engine alone in the page's worker (bench.playground_timing): one epoch, the loss
  readouts, the 50 x 50 heatmaps, the whole step handler, and training epochs/s;
and the browser/native ratios. Set OMP_NUM_THREADS=1 for a fair native figure.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "py")]

from buildsys.serve import serve_in_thread  # noqa: E402
from conftest import CHROMIUM_FLAGS, SITE  # noqa: E402
from nnlab.playground.trainer import Trainer  # noqa: E402

ALL7 = dict(x=True, y=True, xSquared=True, ySquared=True, xTimesY=True, sinX=True, sinY=True)
FOUR = dict(x=True, y=True, xSquared=True, ySquared=True, xTimesY=False, sinX=False, sinY=False)
CASES = {
    "default (circle, 2-4-2-1)": ("dataset=circle", ["x", "y"], [4, 2], "circle"),
    "scenario A (spiral, 7-8-4-2-1)": ("dataset=spiral&" + "&".join(f"{k}=true" for k in ALL7) + "&networkShape=8,4,2",
                                       list(ALL7), [8, 4, 2], "spiral"),
    "scenario B (spiral, 4-8-8-8-8-6-2-1)": ("dataset=spiral&" + "&".join(f"{k}={str(v).lower()}" for k, v in FOUR.items())
                                            + "&networkShape=8,8,8,8,6,2", [k for k, v in FOUR.items() if v],
                                            [8, 8, 8, 8, 6, 2], "spiral"),
    "largest (7 features, 6x8)": ("dataset=spiral&" + "&".join(f"{k}=true" for k in ALL7) + "&networkShape=8,8,8,8,8,8",
                                  list(ALL7), [8] * 6, "spiral"),
}


def native(features, shape, dataset, frames=60):
    cfg = dict(dataset=dataset, features=features, networkShape=shape, seed=1)
    t = Trainer(cfg)
    t0 = time.perf_counter()
    for _ in range(frames):
        t.step(1)
        t.snapshot(heatmaps=True)
    frame_ms = (time.perf_counter() - t0) * 1000 / frames
    t0 = time.perf_counter()
    t.step(200)
    return frame_ms, 200 / (time.perf_counter() - t0)


def epoch_of(page):
    return int(page.text_content('[data-testid="epoch"]').replace(",", ""))


def measure_page(page, url, seconds, fast):
    page.goto("about:blank")  # a real load each time: a hash change alone would keep the old page state
    page.goto(url)
    page.wait_for_selector('main.pg[data-pg="ready"]', timeout=120_000)
    page.set_checked('[data-testid="fast"]', fast)
    page.click('[data-testid="play"]')
    page.wait_for_timeout(1000)  # warm up (first frames compile, fast mode sizes its batches)
    e0, t0 = epoch_of(page), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    e1, t1 = epoch_of(page), time.perf_counter()
    page.click('[data-testid="play"]')
    return (e1 - e0) / (t1 - t0)


def measure_worker(page, features, shape, dataset):
    """The engine alone in the page's worker (bench.playground_timing), while the page is idle."""
    config = dict(dataset=dataset, features=features, networkShape=shape, seed=1)
    return page.evaluate("(config) => window.nnlab.client.call('bench.playground_timing', {config})", config)


def main():
    from playwright.sync_api import sync_playwright
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    server, base = serve_in_thread(SITE)
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, (hash_, features, shape, dataset) in CASES.items():
            url = f"{base}playground.html?handlers=bench#{hash_}&seed=1"
            fps = measure_page(page, url, args.seconds, fast=False)
            fast = measure_page(page, url, args.seconds, fast=True)
            worker = measure_worker(page, features, shape, dataset)
            frame_ms, native_eps = native(features, shape, dataset)
            rows.append((name, fps, 1000 / fps, frame_ms, fast, native_eps, worker))
        browser.close()
    server.shutdown()
    print(f"{'network':40} {'page fps':>9} {'page ms':>8} {'native ms':>9} {'ratio':>6} "
          f"{'fast ep/s':>9} {'native ep/s':>11} {'ratio':>6}")
    for name, fps, ms, nms, fast, neps, _ in rows:
        print(f"{name:40} {fps:9.1f} {ms:8.1f} {nms:9.1f} {ms / nms:6.1f} {fast:9.0f} {neps:11.0f} {neps / fast:6.1f}")
    print("\nthe engine alone in the page's worker (page idle): ms per frame and training epochs/s")
    print(f"{'network':40} {'epoch':>6} {'losses':>6} {'maps50':>6} {'step':>6} {'ep/s':>6}")
    for name, *_, w in rows:
        print(f"{name:40} {w['epoch']:6.2f} {w['evaluate']:6.2f} {w['heatmaps']:6.2f} {w['step']:6.2f} "
              f"{w['epochs_per_s']:6.0f}")
    print("anchor (TF Playground, same machine, headless): default 59 fps, A 38, B 19, largest 13-15; goal 60 fps "
          "everywhere and fast mode >= 500 epochs/s for scenario A")


if __name__ == "__main__":
    main()
