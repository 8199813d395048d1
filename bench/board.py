"""Board benchmark: parsing 200,000 scalar points in the browser vs natively, and smoothing + drawing them.

    PYTHONPATH=py:. NNLAB_CHROMIUM=/usr/bin/chromium python bench/board.py [--points 200000]

Writes a log directory with one 200,000-point scalar series (TensorBoard's own
Event protos framed as TFRecords), then times:
- nnlab.events under CPython (read_logdir),
- TensorBoard's EventAccumulator under CPython (keeping every point: size_guidance 0),
- the same nnlab code in Chromium's Pyodide worker (the Board's board.feed calls),
- board.scalars (every point), board.chart (smoothed at 0.9 and cut to an 800 px chart's columns,
  in the worker) and drawing what it keeps with the Board's renderer,
and prints events/s, MB/s and the ratios. Needs build/site (python3 build.py build).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT), str(ROOT / "bench")]

from nnlab.events import read_logdir  # noqa: E402
from nnlab.events.proto import event_pb2  # noqa: E402
from nnlab.events.records import encode_many  # noqa: E402
from _served import served_page  # noqa: E402

BROWSER_JS = """async ({path, size}) => {
  const client = window.nnlab.client;
  await client.load(['protobuf']);
  await client.call('board.reset');
  const bytes = new Uint8Array(await (await fetch('logdir/' + path)).arrayBuffer());
  const t0 = performance.now();
  const SLICE = 4 << 20;
  for (let at = 0; at < bytes.length; at += SLICE) {
    await client.call('board.feed', {files: {[path]: bytes.slice(at, at + SLICE)}});
  }
  const summary = await client.call('board.summary');
  const t1 = performance.now();
  const r = await client.call('board.scalars', {run: '.', tag: 'loss', smoothing: 0.6});
  const t2 = performance.now();
  const { digest } = await import('./js/board/dom.js');
  const received = await digest(r.steps.data, r.wall_times.data, r.values.data);
  const { columns, drawLines } = await import('./js/render/scalarchart.js');
  const geometry = columns(800, 2);
  const cut = await client.call('board.chart', {series: [['.', 'loss']], smoothing: 0.9, axis: 'step', geometry});
  const t3 = performance.now();
  const canvas = document.createElement('canvas');
  canvas.width = 800; canvas.height = 300;
  document.body.append(canvas);
  const c = cut.series[0];
  const x = c.steps.data, y = c.values.data, ys = c.smoothed.data;
  const draw = () => drawLines(canvas, [{x, y, color: '#ccc'}, {x, y: ys, color: '#425066'}],
    {x: cut.x, y: [-5, 5], logY: false, xFormat: String, yFormat: String});
  const t4 = performance.now();
  draw();
  const t5 = performance.now();
  draw();
  const t6 = performance.now();
  return {points: summary.points, digest: received, parse: (t1 - t0) / 1000, load: (t2 - t1) / 1000, smooth: (t3 - t2) / 1000, draw: (t5 - t4) / 1000, redraw: (t6 - t5) / 1000};
}"""


def write_logdir(root, points):
    """One event file: a file_version event, then `points` simple_value scalars of tag 'loss'."""
    import numpy as np
    rng = np.random.default_rng(0)
    ys = np.exp(-np.arange(points) / points * 3) + rng.normal(0, 0.05, points)
    events = [event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2").SerializeToString()]
    for step, y in enumerate(ys.tolist()):
        ev = event_pb2.Event(wall_time=1.7e9 + step * 0.01, step=step)
        ev.summary.value.add(tag="loss", simple_value=y)
        events.append(ev.SerializeToString())
    path = Path(root) / "events.out.tfevents.1700000000.bench"
    path.write_bytes(bytes(encode_many(events)))
    return path


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def digest(*arrays):
    """sha256 of the arrays' float64 bytes, as the page's dom.js digest computes it."""
    import hashlib
    import numpy as np
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
    return h.hexdigest()


def native(root, points):
    """Time both CPython readers; check they agree point for point. Returns (t_nnlab, t_acc, digest)."""
    t_nnlab = best(lambda: read_logdir(root).scalars(".", "loss"))
    s = read_logdir(root).scalars(".", "loss")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    def accumulate():
        acc = EventAccumulator(str(root), size_guidance={"scalars": 0})
        acc.Reload()
        return acc.Scalars("loss")
    t_acc = best(accumulate, 1)
    events = accumulate()
    want = digest([e.step for e in events], [e.wall_time for e in events], [e.value for e in events])
    got = digest(s.steps, s.wall_times, s.values)
    if len(events) != points or got != want:
        sys.exit(f"content check failed: read_logdir {got[:12]} ({len(s)} points) != EventAccumulator {want[:12]}")
    return t_nnlab, t_acc, got


def browser(root, path):
    with served_page(root) as (page, url):
        page.goto(f"{url}index.html")
        page.wait_for_selector('body[data-status="ready"]', timeout=120_000)
        return page.evaluate(BROWSER_JS, {"path": path.name, "size": path.stat().st_size})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        path = write_logdir(root, args.points)
        mb = path.stat().st_size / 1e6
        events = args.points + 1
        t_nnlab, t_acc, want = native(root, args.points)
        web = browser(root, path)
        if web["points"] != args.points or web["digest"] != want:  # no speed for wrong numbers
            sys.exit(f"content check failed: the page received {web['points']:,} points, sha256 {web['digest'][:12]}; "
                     f"CPython read {args.points:,}, sha256 {want[:12]}")
        print(f"content: the page received all {args.points:,} points, equal to read_logdir and EventAccumulator "
              f"(sha256 of steps, wall times and values {want[:12]})")
        print(f"log: {events:,} events, {mb:.2f} MB, one {args.points:,}-point scalar series")
        for name, t in (("nnlab, browser (Pyodide)", web["parse"]), ("nnlab, native CPython", t_nnlab),
                        ("EventAccumulator, native", t_acc)):
            print(f"  {name:28s} {t:7.3f} s  {events / t:12,.0f} events/s  {mb / t:7.1f} MB/s")
        print(f"ratios: browser/native nnlab = {web['parse'] / t_nnlab:.1f}x slower; "
              f"EventAccumulator/browser = {t_acc / web['parse']:.1f}x; EventAccumulator/native nnlab = {t_acc / t_nnlab:.1f}x")
        print(f"in the page: board.scalars {web['load'] * 1e3:.0f} ms, board.chart {web['smooth'] * 1e3:.0f} ms "
              f"(Python in the worker, incl. transfer), draw raw+smoothed {web['draw'] * 1e3:.1f} ms first, {web['redraw'] * 1e3:.1f} ms again")


if __name__ == "__main__":
    main()
