"""Projector speed: t-SNE iterations/s and PCA time in the page (Pyodide worker) beside native CPython.

    python3 build.py build && <venv python> bench/projector.py [--seconds 8] [--sizes 1000,5000,10000]

For each size N (64-dimensional Gaussian clusters) it prints the t-SNE preparation time
(kNN + perplexity calibration) and iterations per second of 2-D t-SNE stepping with a
30 ms budget per request (what the page does each frame), in the page and natively;
then the PCA time for 10,000 x 128. Set OMP_NUM_THREADS=1 for a fair native figure.
"""

import argparse
import os
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "py")]

from buildsys.serve import serve_in_thread  # noqa: E402
from conftest import CHROMIUM_FLAGS, SITE  # noqa: E402
from nnlab.projector import service  # noqa: E402

PAGE_JS = """async ([n, d, seconds, what]) => {
  const client = window.nnlab.client;
  await client.call('projector.warmup', {});
  let s = 12345;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 - 0.5; };
  const centres = Array.from({length: 10 * d}, () => rnd() * 8);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = centres[(i % 10) * d + j] + rnd();
  await client.call('projector.load', {vectors: {dtype: 'float32', shape: [n, d], data}});
  if (what === 'pca') {
    const t0 = performance.now();
    await client.call('projector.pca', {});
    return {pca_s: (performance.now() - t0) / 1000};
  }
  let t0 = performance.now();
  await client.call('projector.tsne.start', {dims: 2});
  const prep = (performance.now() - t0) / 1000;
  t0 = performance.now();
  let it = 0;
  while (performance.now() - t0 < seconds * 1000) {
    it = (await client.call('projector.tsne.step', {n: 1000, budget_ms: 30, kl: false})).iteration;
  }
  return {prep_s: prep, it_per_s: it / ((performance.now() - t0) / 1000)};
}"""


def drain(gen):
    """Run a handler generator to its return value."""
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def native(n, d, seconds, what):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(10, d)) * 8)[np.arange(n) % 10] + rng.normal(size=(n, d))
    ctx = types.SimpleNamespace(store={})
    drain(service.load(ctx, X.astype(np.float32)))
    if what == "pca":
        t0 = time.perf_counter()
        drain(service.run_pca(ctx))
        return {"pca_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    drain(service.tsne_start(ctx, dims=2))
    prep = time.perf_counter() - t0
    t0, it = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        it = drain(service.tsne_step(ctx, n=1000, budget_ms=30, kl=False))["iteration"]
    return {"prep_s": prep, "it_per_s": it / (time.perf_counter() - t0)}


def in_page(browser, url, n, d, seconds, what):
    page = browser.new_page()
    page.goto(f"{url}projector.html")
    page.wait_for_selector('body[data-status="ready"]', timeout=120_000)
    try:
        return page.evaluate(PAGE_JS, [n, d, seconds, what])
    finally:
        page.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--sizes", default="1000,5000,10000")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    server, url = serve_in_thread(SITE)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("NNLAB_CHROMIUM") or None, args=CHROMIUM_FLAGS)
            print(f"{'t-SNE 2-D, d=64':>16} {'page prep s':>12} {'page it/s':>10} {'native prep s':>14} {'native it/s':>12}")
            for n in (int(s) for s in args.sizes.split(",")):
                p = in_page(browser, url, n, 64, args.seconds, "tsne")
                q = native(n, 64, args.seconds, "tsne")
                print(f"{n:>16,} {p['prep_s']:>12.2f} {p['it_per_s']:>10.1f} {q['prep_s']:>14.2f} {q['it_per_s']:>12.1f}")
            p = in_page(browser, url, 10_000, 128, 0, "pca")
            q = native(10_000, 128, 0, "pca")
            print(f"PCA 10,000 x 128: page {p['pca_s']:.2f} s, native {q['pca_s']:.2f} s")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
