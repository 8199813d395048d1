"""Projector speed and quality: t-SNE in the page (Pyodide worker) beside sklearn, PCA, view fluidity.

    python3 build.py build && OMP_NUM_THREADS=1 <venv python> bench/projector.py \\
        [--sizes 1000,5000,10000] [--max-iter 1000] [--every 50] [--sklearn-page-max 5000] \\
        [--fluidity-points 100000] [--fluidity-seconds 4] [--no-pca] [--no-fluidity]

Data: 10 Gaussian clusters in 64-d (centres N(0, 8^2), unit noise, numpy seed 0), made once in
Python; the same float32 array goes to sklearn, to our t-SNE natively and to the page.
OMP_NUM_THREADS=1 gives single-threaded native figures, like the page's single wasm thread.

For each size N it prints one block:

- a header: N, the trustworthiness target (sklearn native's minus 0.005: "equal quality").
  Trustworthiness is sklearn's definition with k = 5 neighbours, computed exactly on all N points
  (bench/_quality.py; matches sklearn.manifold.trustworthiness).
- ``sklearn native``: sklearn.manifold.TSNE (perplexity 30, learning_rate "auto", init "pca",
  max_iter = --max-iter, random_state 0) in this process: "done s" = fit_transform wall time,
  "(it)" = iterations it ran, "T" = trustworthiness of its result.
- ``sklearn in page``: the same TSNE in the projector page's worker (Pyodide's scikit-learn, through
  the bench.sklearn_tsne request), for N <= --sklearn-page-max only (10,000 takes minutes);
  "done s" is the fit time measured in the worker (package loading and transfer excluded).
- ``ours native``: nnlab.projector's service (projector.tsne.start, then projector.tsne.step with
  a 30 ms budget, as the page asks each frame) in CPython, to --max-iter iterations.
- ``ours in page``: the same requests from the projector page to its worker (load and the scipy
  warm-up excluded, preparation included).
  For both "ours" rows: "prep s" = tsne.start (kNN, perplexities, PCA init); "it/s" = iterations
  per second of stepping over the whole run; "min it/s" = the slowest --every-iteration stretch;
  "T" = trustworthiness at the last iteration; "done s (it)" = seconds from tsne.start to the
  first checkpoint (every --every iterations) whose trustworthiness reaches the target, and that
  iteration, or "never" (the best T is then in the note line below the block).
- "x sk native" / "x sk page": "done s" divided by sklearn native's / sklearn in page's.

Then:

- ``PCA 10,000 x 128``: projector.pca (first request; covariance + eigh + transform) in the
  page and natively, seconds.
- ``PCA view, N x 50``: --fluidity-points 50-d points loaded into the page through its file
  picker (projector config + .bytes), "load + PCA" = seconds until all points are shown; then,
  for "rotate 3-D" (dims 3, drag) and "pan 2-D" (dims 2, drag), the mouse is pressed on the plot
  and dragged in circles for --fluidity-seconds, one pointermove per animation frame (dispatched in
  the page: Playwright's own mouse moves are too slow a round trip to load the page): fps =
  animation frames per second, draws/s = Scatter.draw calls per second, ms/draw = their mean CPU
  time (WebGL work the GPU process does later is not in it), max gap = the longest time between
  two frames, "ms/draw with GPU" = mean of 5 further draws each waited for (readPixels).
  Headless Chromium with --disable-gpu renders WebGL in software (SwiftShader), so these are
  pessimistic beside a real GPU.
"""

import argparse
import os
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "py"), str(ROOT / "bench")]

import _projector_page as pg  # noqa: E402
from _quality import trustworthiness_many  # noqa: E402
from buildsys.env import DEBIAN_CHROMIUM  # noqa: E402
from buildsys.serve import serve_in_thread  # noqa: E402
from conftest import CHROMIUM_FLAGS, SITE  # noqa: E402
from nnlab.projector import service  # noqa: E402

BUDGET_MS = 30      # what the page asks of each projector.tsne.step (projections.js)
TOLERANCE = 0.005   # "equal quality": within this of sklearn native's trustworthiness
K = 5


def clusters(n, d, seed=0):
    rng = np.random.default_rng(seed)
    return ((rng.normal(size=(10, d)) * 8)[np.arange(n) % 10] + rng.normal(size=(n, d))).astype(np.float32)


def drain(gen):
    """Run a handler generator to its return value."""
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def ours_native(X, max_iter, every):
    """The page's request sequence against the service in CPython: prep s, snapshots (s, it, positions)."""
    ctx = types.SimpleNamespace(store={})
    drain(service.load(ctx, X))
    t0 = time.perf_counter()
    drain(service.tsne_start(ctx, dims=2, perplexity=30, learning_rate="auto", seed=0))
    prep, snaps, it = time.perf_counter() - t0, [], 0
    while it < max_iter:
        nxt = min(max_iter, (it // every + 1) * every)
        res = drain(service.tsne_step(ctx, n=nxt - it, budget_ms=BUDGET_MS, kl=False))
        it = res["iteration"]
        if it == nxt:
            snaps.append((time.perf_counter() - t0, it, res["positions"]))
    return prep, snaps


def sklearn_native(X, max_iter):
    import sklearn
    from sklearn.manifold import TSNE
    tsne = TSNE(perplexity=30, learning_rate="auto", init="pca", max_iter=max_iter, random_state=0)
    t0 = time.perf_counter()
    emb = tsne.fit_transform(X)
    return {"seconds": time.perf_counter() - t0, "n_iter": int(tsne.n_iter_), "embedding": emb,
            "version": sklearn.__version__}


def ours_row(prep, snaps, trust, target):
    times = [0.0] + [t - prep for t, _, _ in snaps]
    its = [0] + [it for _, it, _ in snaps]
    rates = [(b - a) / max(tb - ta, 1e-9) for a, b, ta, tb in zip(its, its[1:], times, times[1:])]
    hit = next((k for k, tr in enumerate(trust) if tr >= target), None)
    return {"prep": prep, "it_s": its[-1] / max(times[-1], 1e-9), "min_it_s": min(rates), "T": trust[-1],
            "done": None if hit is None else snaps[hit][0], "done_it": None if hit is None else snaps[hit][1],
            "best": (max(trust), snaps[int(np.argmax(trust))][1])}


def print_block(n, rows, target, sk_native, sk_page):
    print(f"\nt-SNE 2-D, N = {n:,} x 64 (trustworthiness k={K} on all points; target = sklearn native "
          f"{target + TOLERANCE:.4f} - {TOLERANCE} = {target:.4f})")
    print(f"{'':>16} {'prep s':>7} {'it/s':>7} {'min it/s':>8} {'T':>7} {'done s':>8} {'(it)':>7} "
          f"{'x sk native':>11} {'x sk page':>9}")
    fmt = lambda v, f: "-" if v is None else format(v, f)  # noqa: E731
    for name, r in rows:
        done = r.get("done")
        ratio = lambda ref: None if done is None or ref is None else done / ref  # noqa: E731
        print(f"{name:>16} {fmt(r.get('prep'), '7.2f'):>7} {fmt(r.get('it_s'), '7.1f'):>7} "
              f"{fmt(r.get('min_it_s'), '8.1f'):>8} {r['T']:>7.4f} {fmt(done, '8.2f') if done else 'never':>8} "
              f"{fmt(r.get('done_it'), 'd'):>7} {fmt(ratio(sk_native), '11.2f'):>11} {fmt(ratio(sk_page), '9.2f'):>9}")
    for name, r in rows:
        if "best" in r and r["done"] is None:
            print(f"  note: {name} never reached {target:.4f}; best T {r['best'][0]:.4f} at iteration {r['best'][1]}")


def run_size(browser, url, n, args):
    X = clusters(n, 64)
    sk = sklearn_native(X, args.max_iter)
    nat_prep, nat_snaps = ours_native(X, args.max_iter, args.every)
    page = pg.open_page(browser, url)
    try:
        page_prep, page_snaps = pg.tsne(page, X, args.max_iter, args.every, BUDGET_MS)
        skp = pg.sklearn_tsne(page, X, args.max_iter) if n <= args.sklearn_page_max else None
    finally:
        page.close()
    embs = [sk["embedding"]] + ([skp["embedding"]] if skp else []) + [s[2] for s in nat_snaps + page_snaps]
    trust = trustworthiness_many(X, embs, K)
    t_sk, trust = trust[0], trust[1:]
    t_skp, trust = (trust[0], trust[1:]) if skp else (None, trust)
    target = t_sk - TOLERANCE
    rows = [("sklearn native", {"T": t_sk, "done": sk["seconds"], "done_it": sk["n_iter"]})]
    if skp:
        rows.append(("sklearn in page", {"T": t_skp, "done": skp["seconds"], "done_it": skp["n_iter"]}))
    rows.append(("ours native", ours_row(nat_prep, nat_snaps, trust[:len(nat_snaps)], target)))
    rows.append(("ours in page", ours_row(page_prep, page_snaps, trust[len(nat_snaps):], target)))
    print_block(n, rows, target, sk["seconds"], skp["seconds"] if skp else None)
    if skp and skp["version"] != sk["version"]:
        print(f"  note: sklearn {sk['version']} natively, {skp['version']} in the page")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--max-iter", type=int, default=1000)
    ap.add_argument("--every", type=int, default=50, help="checkpoint (trustworthiness) every this many iterations")
    ap.add_argument("--sklearn-page-max", type=int, default=5000, help="run sklearn in the page up to this N")
    ap.add_argument("--fluidity-points", type=int, default=100_000)
    ap.add_argument("--fluidity-seconds", type=float, default=4.0)
    ap.add_argument("--no-pca", action="store_true")
    ap.add_argument("--no-fluidity", action="store_true")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    server, url = serve_in_thread(SITE)
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, {os.cpu_count()} CPUs")
    try:
        with sync_playwright() as pw:
            exe = os.environ.get("NNLAB_CHROMIUM") or (str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None)
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
            for n in (int(s) for s in args.sizes.split(",") if s):
                run_size(browser, url, n, args)
            if not args.no_pca:
                X = clusters(10_000, 128)
                page = pg.open_page(browser, url)
                try:
                    p = pg.pca_seconds(page, X)
                finally:
                    page.close()
                ctx = types.SimpleNamespace(store={})
                drain(service.load(ctx, X))
                t0 = time.perf_counter()
                drain(service.run_pca(ctx))
                print(f"\nPCA 10,000 x 128: page {p:.3f} s, native {time.perf_counter() - t0:.3f} s")
            if not args.no_fluidity:
                n = args.fluidity_points
                f = pg.fluidity(browser, url, clusters(n, 50), args.fluidity_seconds)
                print(f"\nPCA view, {n:,} x 50: load + PCA {f['load_s']:.2f} s")
                for name in ("rotate3d", "pan2d"):
                    r = f[name]
                    print(f"  {'rotate 3-D' if name == 'rotate3d' else 'pan 2-D':>10}: {r['fps']:5.1f} fps, "
                          f"{r['draws_per_s']:5.1f} draws/s, {r['ms_per_draw']:6.2f} ms/draw, "
                          f"max gap {r['max_gap_ms']:6.1f} ms, {r['synced_ms']:6.1f} ms/draw with GPU")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
