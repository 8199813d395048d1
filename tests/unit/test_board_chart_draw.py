"""A SCALARS chart drawn from the points nnlab.board.chart keeps draws exactly what every point
draws: the Board's own renderer (site/js/render/scalarchart.js, in Node.js on a recording canvas)
traces both, and the vertices must be equal, on long series with spikes, gaps, infinities, a step
counter that restarts, every x axis and a log y axis."""

import json

import numpy as np
import pytest

from nnlab.board.chart import chart
from nnlab.events.values import Series
from tests.conftest import ROOT
from tests.nodejs import node_json

CHART_JS = (ROOT / "site" / "js" / "render" / "scalarchart.js").as_uri()

DRAW = """
const m = await import(%(js)s);
const input = %(input)s;
const arr = (a) => Float64Array.from(a, Number);
function draw(lines) {
  const calls = [];
  const rec = (name) => (...a) => calls.push([name, ...a.map((v) => Math.round(v * 1e6) / 1e6)]);
  const ctx = new Proxy({}, { get: (o, k) => (k in o ? o[k] : (o[k] = ['moveTo', 'lineTo'].includes(k) ? rec(k) : () => {})),
                              set: (o, k, v) => { o[k] = v; return true; } });
  const canvas = { width: input.width, height: 300, clientWidth: input.width, getContext: () => ctx };
  const drawn = m.drawLines(canvas, lines.map((l) => ({ x: arr(l.x), y: arr(l.y), color: '#000' })),
    { x: input.x, y: input.y, logY: input.logY, xFormat: String, yFormat: String });
  return { drawn, calls };
}
const full = draw(input.full);
const cut = draw(input.cut);
console.log(JSON.stringify({ same: JSON.stringify(full.calls) === JSON.stringify(cut.calls), full: full.drawn,
  cut: cut.drawn, geometry: m.columns(input.width, input.full.length) }));
"""


def enc(a):
    return [v if np.isfinite(v) else str(v).replace("inf", "Infinity").replace("nan", "NaN") for v in a.tolist()]


def js_columns(width, stroked):
    return node_json(f"const m = await import({json.dumps(CHART_JS)}); "
                     f"console.log(JSON.stringify(m.columns({width}, {stroked})));")


def walk(n, seed):
    rng = np.random.default_rng(seed)
    y = np.cumsum(rng.normal(size=n)) + 5 * (rng.random(n) < 0.002) * rng.normal(size=n) ** 2
    return y


def cases():
    n = 20_000
    steps = np.arange(n, dtype=np.float64)
    wall = 1.7e9 + np.cumsum(np.random.default_rng(1).exponential(0.05, n))
    y = walk(n, 2)
    gaps = y.copy()
    gaps[[10, 11, 12, 500, 7000]] = np.nan
    gaps[[900, 901]] = [np.inf, -np.inf]
    restart = np.r_[np.arange(12_000), np.arange(3_000, 11_000)].astype(np.float64)
    return {
        "spikes, step": ([(steps, wall, y)], "step", False, 0.0),
        "gaps, wall": ([(steps, wall, gaps)], "wall", False, 0.0),
        "restart, relative, smoothed": ([(restart, wall, y)], "relative", False, 0.6),
        "log y with negatives": ([(steps, wall, y - 10)], "step", True, 0.0),
        "eight runs, smoothed": ([(steps[: n - 997 * k], wall[: n - 997 * k], walk(n - 997 * k, 10 + k)) for k in range(8)],
                                 "step", False, 0.9),
    }


@pytest.mark.parametrize("name", list(cases()))
def test_points_kept_draw_the_same_vertices_as_every_point(name):
    data, axis, log_y, smoothing = cases()[name]
    series = [Series(run="r", tag="t", kind="scalars", steps=s, wall_times=w, values=v) for s, w, v in data]
    width = 611
    stroked = len(series) * (2 if smoothing > 0 else 1)
    geometry = js_columns(width, stroked)
    out = chart(series, smoothing, axis, geometry, log_y)
    x0, x1 = out["x"]

    def lines(parts, pick):
        res = []
        for p in parts:
            x = {"step": p["steps"], "wall": p["wall_times"], "relative": p["wall_times"] - p["wall_times"][0]}[axis]
            if smoothing > 0:
                res.append({"x": enc(x), "y": enc(p["values"])})
            res.append({"x": enc(x), "y": enc(p[pick])})
        return res

    from nnlab.board.smoothing import smooth
    whole = [{"steps": s.steps, "wall_times": s.wall_times, "values": s.values, "smoothed": smooth(s.values, smoothing)}
             for s in series]
    pick = "smoothed" if smoothing > 0 else "values"
    finite = np.concatenate([v for _, _, v in data])
    finite = finite[np.isfinite(finite) & ((finite > 0) if log_y else True)]
    y_range = [float(finite.min()), float(finite.max())]
    got = node_json(DRAW % {"js": json.dumps(CHART_JS), "input": json.dumps({
        "width": width, "x": [x0, x1], "y": y_range, "logY": log_y,
        "full": lines(whole, pick), "cut": lines(out["series"], pick)})}, timeout=120)
    assert got["geometry"] == geometry
    assert got["same"], name
    assert got["full"] == got["cut"] > 0
    kept = sum(len(p["values"]) for p in out["series"])
    assert kept < sum(len(v) for _, _, v in data) / 5  # and far fewer points cross to the page
