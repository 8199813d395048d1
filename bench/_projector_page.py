"""The page side of bench/projector.py: runs in Chromium through Playwright.

Arrays cross the Playwright boundary as base64 float32 (a 10,000 x 64 dataset is 2.5 MB).
"""

import base64
import json
import tempfile
from pathlib import Path

import numpy as np

JS_HELPERS = """
const b64ToF32 = (b64) => { const s = atob(b64); const u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i); return new Float32Array(u.buffer); };
const f32ToB64 = (f) => { const u = new Uint8Array(f.buffer, f.byteOffset, f.byteLength); let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
  return btoa(s); };
"""

TSNE_JS = "async ([b64, n, d, maxIter, every, budget]) => {" + JS_HELPERS + """
  const client = window.nnlab.client;
  await client.call('projector.warmup', {});  // the page imports scipy while the user picks a file
  await client.call('projector.load', {vectors: {dtype: 'float32', shape: [n, d], data: b64ToF32(b64)}});
  const t0 = performance.now();
  await client.call('projector.tsne.start', {dims: 2, perplexity: 30, learning_rate: 'auto', seed: 0});
  const prep = (performance.now() - t0) / 1000;
  const snaps = [];
  let it = 0;
  while (it < maxIter) {  // the page's loop: one request in flight, ~budget ms each; capped at checkpoints
    const next = Math.min(maxIter, (Math.floor(it / every) + 1) * every);
    const res = await client.call('projector.tsne.step', {n: next - it, budget_ms: budget, kl: false});
    it = res.iteration;
    if (it === next) snaps.push({t: (performance.now() - t0) / 1000, it, pos: res.positions.data});
  }
  return {prep_s: prep, snaps: snaps.map((s) => ({t: s.t, it: s.it, pos: f32ToB64(s.pos)}))};
}"""

SKLEARN_JS = "async ([b64, n, d, maxIter]) => {" + JS_HELPERS + """
  const client = window.nnlab.client;
  await client.load(['scikit-learn']);
  const t0 = performance.now();
  const res = await client.call('bench.sklearn_tsne',
    {data: {dtype: 'float32', shape: [n, d], data: b64ToF32(b64)}, perplexity: 30, seed: 0, max_iter: maxIter});
  return {seconds: res.seconds, wall_s: (performance.now() - t0) / 1000, n_iter: res.n_iter,
          version: res.sklearn, pos: f32ToB64(res.embedding.data)};
}"""

PCA_JS = "async ([b64, n, d]) => {" + JS_HELPERS + """
  const client = window.nnlab.client;
  await client.call('projector.warmup', {});
  await client.call('projector.load', {vectors: {dtype: 'float32', shape: [n, d], data: b64ToF32(b64)}});
  const t0 = performance.now();
  await client.call('projector.pca', {});
  return (performance.now() - t0) / 1000;
}"""

# With the real mouse button down on the plot: one pointermove per animation frame (as Chromium
# delivers coalesced mouse input) in a circle for `seconds`; count frames (rAF callbacks, with the
# longest gap) and the scatter's draws with their CPU time; then time 5 draws each waited for
# (readPixels), which includes the GPU's (here SwiftShader's) work.
DRAG_JS = """([cx, cy, r, seconds]) => new Promise((done) => {
  const s = window.nnlabProjector.app.scatter, el = s.host;
  const b = {frames: 0, draws: 0, drawMs: 0, maxGap: 0};
  const draw = s.draw;
  s.draw = function () { const t = performance.now(); draw.call(this); b.draws++; b.drawMs += performance.now() - t; };
  const t0 = performance.now();
  let last = t0;
  const tick = (now) => {
    b.frames++; b.maxGap = Math.max(b.maxGap, now - last); last = now;
    const a = b.frames * 0.05;
    el.dispatchEvent(new PointerEvent('pointermove', {clientX: cx + r * Math.cos(a), clientY: cy + r * Math.sin(a),
                                                      pointerId: 1, pointerType: 'mouse', buttons: 1, bubbles: true}));
    if (now - t0 < seconds * 1000) { requestAnimationFrame(tick); return; }
    s.draw = draw;
    const secs = (performance.now() - t0) / 1000;
    const gl = s.renderer.getContext(), px = new Uint8Array(4);
    const t1 = performance.now();
    for (let k = 0; k < 5; k++) { s.draw(); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); }
    done({fps: b.frames / secs, draws_per_s: b.draws / secs, ms_per_draw: b.drawMs / Math.max(1, b.draws),
          max_gap_ms: b.maxGap, synced_ms: (performance.now() - t1) / 5});
  };
  requestAnimationFrame(tick);
})"""


def b64(X):
    return base64.b64encode(np.ascontiguousarray(X, dtype=np.float32).tobytes()).decode()


def unb64(s, dims=2):
    return np.frombuffer(base64.b64decode(s), dtype=np.float32).reshape(-1, dims)


def open_page(browser, url, name="projector"):
    page = browser.new_page()
    page.goto(f"{url}{name}.html?handlers=bench")
    page.wait_for_selector('body[data-status="ready"]', timeout=180_000)
    return page


def tsne(page, X, max_iter, every, budget_ms):
    """Our t-SNE in the worker: prep seconds and snapshots [(seconds since start, iteration, positions)]."""
    out = page.evaluate(TSNE_JS, [b64(X), len(X), X.shape[1], max_iter, every, budget_ms])
    return out["prep_s"], [(s["t"], s["it"], unb64(s["pos"])) for s in out["snaps"]]


def sklearn_tsne(page, X, max_iter):
    """sklearn's TSNE in the worker (bench.sklearn_tsne): {seconds, wall_s, n_iter, version, embedding}."""
    out = page.evaluate(SKLEARN_JS, [b64(X), len(X), X.shape[1], max_iter])
    out["embedding"] = unb64(out.pop("pos"))
    return out


def pca_seconds(page, X):
    return page.evaluate(PCA_JS, [b64(X), len(X), X.shape[1]])


def _drag(page, seconds):
    """Press the mouse on the plot, drag in circles for `seconds` (see DRAG_JS), release."""
    box = page.locator('[data-testid="plot"]').bounding_box()
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, min(box["width"], box["height"]) / 4
    page.mouse.move(cx + r, cy)
    page.mouse.down()
    try:
        return page.evaluate(DRAG_JS, [cx, cy, r, seconds])
    finally:
        page.mouse.up()


def fluidity(browser, url, X, seconds):
    """Load X through the file picker (config + .bytes, as a user would), PCA, then drag the view.

    Returns {load_s, rotate3d: {...}, pan2d: {...}} where each drag reports fps (animation frames/s),
    draws_per_s, ms_per_draw (CPU time of Scatter.draw), max_gap_ms between frames.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "vectors.bytes").write_bytes(np.ascontiguousarray(X, dtype=np.float32).tobytes())
        (tmp / "bench.json").write_text(json.dumps({"embeddings": [
            {"tensorName": "bench", "tensorShape": list(X.shape), "tensorPath": "vectors.bytes"}]}))
        page = open_page(browser, url)
        try:
            page.wait_for_timeout(3000)  # let the page's scipy warm-up finish, as while a user picks a file
            t0 = page.evaluate("performance.now()")
            page.set_input_files('[data-testid="pick-files"]', [str(tmp / "bench.json"), str(tmp / "vectors.bytes")])
            page.wait_for_function(f"() => document.querySelector('[data-testid=points-visible]').textContent"
                                   f" === '{len(X)}'", timeout=300_000)
            load_s = (page.evaluate("performance.now()") - t0) / 1000
            page.check('[data-testid="dims-3"]')
            page.wait_for_function("() => document.querySelector('[data-testid=plot]').dataset.dims === '3'")
            page.wait_for_timeout(500)
            rotate = _drag(page, seconds)
            page.check('[data-testid="dims-2"]')
            page.wait_for_function("() => document.querySelector('[data-testid=plot]').dataset.dims === '2'")
            page.wait_for_timeout(500)
            pan = _drag(page, seconds)
            return {"load_s": load_s, "rotate3d": rotate, "pan2d": pan}
        finally:
            page.close()
