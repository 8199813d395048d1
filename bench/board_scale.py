"""Board at scale: big training-like logdirs in the Board beside TensorBoard's Rust data server.

    PYTHONPATH=py:. NNLAB_CHROMIUM=/usr/bin/chromium python bench/board_scale.py [--mb 50] [--runs 20]

Writes (once, cached under the per-user cache) a logdir of about MB megabytes in RUNS runs of 8
scalar tags (bench/_logdirs.py), then in the same run:
- TensorBoard (the examples' venv, ``--load_fast=true``: the Rust data server): time from start
  until /data/plugin/scalars/tags lists every run's 8 tags;
- nnlab: ``serve --logdir`` and the Board in headless Chromium: first chart drawn, every chart
  drawn (every card holds its points; those on screen are drawn), the longest main-thread task
  (PerformanceObserver 'longtask'), a smoothing-slider move until every chart on screen is redrawn
  (the others redraw when scrolled to), and the renderer processes' memory;
then the ratios. Content first: the page's points for one series must equal read_logdir's.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT), str(ROOT / "bench")]

from _logdirs import write_logdir  # noqa: E402
from _served import served_page  # noqa: E402
from buildsys.common import cache_dir  # noqa: E402

WATCH = """() => {
  window.benchLongest = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.benchLongest = Math.max(window.benchLongest, e.duration); })
    .observe({ type: 'longtask', buffered: true });
}"""
RECEIVED = """async () => {
  const r = await window.nnlab.client.call('board.scalars', { run: 'run_000', tag: 'train/loss', smoothing: 0.6 });
  const { digest } = await import('./js/board/dom.js');
  return { n: r.values.data.length, digest: await digest(r.steps.data, r.wall_times.data, r.values.data) };
}"""
CHARTS = """() => { const cards = [...document.querySelectorAll('[data-testid="chart-card"] [data-testid="points-shown"]')];
  return { cards: cards.length, drawn: cards.filter((e) => e.dataset.points).length,
    onScreen: cards.filter((e) => e.dataset.drawn).length }; }"""


def logdir(mb, runs):
    root = cache_dir() / "bench-logdirs" / f"scalars-{mb}mb-{runs}runs-v1"
    if not (root / "done").exists():
        t0 = time.perf_counter()
        _, points = write_logdir(root, mb, runs)
        (root / "done").write_text(str(points))
        print(f"wrote {root} in {time.perf_counter() - t0:.0f} s")
    return root, int((root / "done").read_text())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tensorboard(root, runs):
    """Seconds from starting TensorBoard (Rust data server) until every tag of every run is listed."""
    from buildsys import examples
    port = free_port()
    exe = Path(examples.examples_python()).parent / "tensorboard"
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), "--logdir", str(root), "--port", str(port), "--load_fast=true"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=examples.example_env())
    try:
        while time.perf_counter() - t0 < 600:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/plugin/scalars/tags", timeout=5) as res:
                    tags = json.loads(res.read())
                if len(tags) == runs and all(len(t) == 8 for t in tags.values()):
                    return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.05)  # polling TensorBoard's answer; this loop measures, it does not synchronise a test
        raise SystemExit("TensorBoard did not list every tag within 600 s")
    finally:
        proc.terminate()
        proc.wait()


def renderer_mb():
    """Resident memory of the browser's renderer processes (pages and their workers), MB."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes()
            if b"--type=renderer" in cmd:
                total += int((proc / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            continue
    return total / 1e6


def board(root):
    with served_page(root, viewport={"width": 1440, "height": 900}) as (page, url):
        page.add_init_script(f"({WATCH})()")
        t0 = time.perf_counter()
        page.goto(f"{url}board.html")
        page.wait_for_selector('[data-testid="chart-card"] [data-testid="points-shown"][data-points]', timeout=900_000)
        first = time.perf_counter() - t0
        # Every chart of the whole logdir: the read is done (charts drawn while reading come first).
        page.wait_for_function(f"() => document.querySelector('main.bd').dataset.board === 'ready' && "
                               f"({CHARTS})().drawn === ({CHARTS})().cards && ({CHARTS})().cards > 0",
                               timeout=1_800_000, polling=100)
        every = time.perf_counter() - t0
        longest = page.evaluate("window.benchLongest")
        memory = renderer_mb()
        received = page.evaluate(RECEIVED)
        t1 = time.perf_counter()
        page.evaluate("""() => { const s = document.querySelector('[data-testid="smoothing"]');
            s.value = '0.9'; s.dispatchEvent(new Event('input')); }""")
        page.wait_for_selector('[data-testid="dashboard"][data-smoothed="0.9"]', timeout=600_000)
        smooth = time.perf_counter() - t1
        counts = page.evaluate(CHARTS)
        cards, on_screen = counts["cards"], counts["onScreen"]
    return {"on_screen": on_screen, "received": received, "first": first, "every": every, "longest": longest / 1000, "smooth": smooth,
            "memory": memory, "cards": cards}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    root, points = logdir(args.mb, args.runs)
    size = sum(p.stat().st_size for p in root.rglob("*tfevents*")) / 1e6
    print(f"logdir: {size:.0f} MB, {args.runs} runs x 8 tags, {points:,} points ({root})")
    tb = tensorboard(root, args.runs)
    web = board(root)
    from nnlab.events import read_logdir
    import hashlib
    import numpy as np
    series = read_logdir(root).scalars("run_000", "train/loss")
    h = hashlib.sha256()
    for a in (series.steps, series.wall_times, series.values):
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
    if web["received"]["digest"] != h.hexdigest():  # no speed for wrong numbers
        raise SystemExit(f"content check failed: the page's run_000 train/loss ({web['received']['n']} points) "
                         f"differs from read_logdir's ({len(series)} points)")
    print(f"content: the page's run_000 train/loss equals read_logdir's ({len(series):,} points, sha256 {h.hexdigest()[:12]})")
    print(f"TensorBoard (Rust data server) lists every tag: {tb:6.1f} s")
    print(f"nnlab first chart drawn:                       {web['first']:6.1f} s  ({web['first'] / tb:.1f}x; goal 1.5x)")
    print(f"nnlab every chart drawn ({web['cards']} cards):           {web['every']:6.1f} s  ({web['every'] / tb:.1f}x; goal 3x)")
    print(f"longest main-thread task while loading:        {web['longest']:6.2f} s  (goal under 0.2 s)")
    print(f"smoothing slider to every chart on screen ({web['on_screen']}) redrawn: {web['smooth']:6.2f} s  (goal 0.2 s at 250 MB; "
          "the others when scrolled to)")
    print(f"renderer memory (pages and workers):           {web['memory']:6.0f} MB")


if __name__ == "__main__":
    main()
