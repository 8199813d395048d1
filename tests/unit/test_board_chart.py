"""What a SCALARS chart receives (nnlab.board.chart): in every pixel column the same first, lowest,
highest and last value as every point has, a few points per column however long the series, short
series whole, and a series that cannot be read costs only its own place. Runs in CPython and in
Pyodide (32-bit intp): the page's worker is the second."""

import numpy as np
import pytest

from nnlab.board.chart import chart, x_values
from nnlab.board.smoothing import smooth
from nnlab.events.values import Series
from test_board_service import call, server  # noqa: F401  (the fixture)

GEOMETRY = {"w": 400.0, "left": 52, "step": 1}


def series(values, steps=None, seed=0):
    n = len(values)
    steps = np.arange(n, dtype=np.int64) if steps is None else steps
    wall = 1.7e9 + np.cumsum(np.random.default_rng(seed).exponential(0.1, n))
    return Series(run="r", tag="t", kind="scalars", steps=steps, wall_times=wall, values=np.asarray(values, dtype=np.float64))


def by_column(x, y, x0, x1):
    """{column: (first, lowest, highest, last)} of the finite points, columns as the page counts them."""
    ax = GEOMETRY["w"] / (x1 - x0)
    col = np.floor(ax * x + (GEOMETRY["left"] - x0 * ax) + 0.5)
    out = {}
    for c in np.unique(col[np.isfinite(y)]):
        v = y[(col == c) & np.isfinite(y)]
        out[c] = (v[0], v.min(), v.max(), v[-1])
    return out


@pytest.mark.parametrize("axis", ["step", "relative", "wall"])
def test_every_column_keeps_its_first_extremes_and_last(axis):
    rng = np.random.default_rng(3)
    y = np.cumsum(rng.normal(size=50_000))
    y[rng.integers(0, y.size, 40)] = np.nan
    s = series(y)
    out = chart([s], 0.6, axis, GEOMETRY)
    got = out["series"][0]
    x = x_values(s.steps, s.wall_times, axis)
    gx = x_values(got["steps"], got["wall_times"], axis)
    if axis == "relative":  # the page subtracts the first kept wall time, which is the first point's
        assert got["wall_times"][0] == s.wall_times[0]
    x0, x1 = out["x"]
    assert (x0, x1) == (x.min(), x.max())
    assert by_column(gx, got["values"], x0, x1) == by_column(x, y, x0, x1)
    assert by_column(gx, got["smoothed"], x0, x1) == by_column(x, smooth(y, 0.6), x0, x1)
    assert got["points"] == y.size
    assert got["values"].size <= 8 * 401 + 3 * 40  # first/low/high/last of both lines, plus each break


def test_short_series_cross_whole_and_every_kept_point_is_a_real_point():
    short = series([3.0, 1.0, np.inf, 2.0])
    long = series(np.sin(np.arange(5000) / 50.0), seed=1)
    out = chart([short, long], 0.0, "step", GEOMETRY)
    a, b = out["series"]
    np.testing.assert_array_equal(a["values"], short.values)
    idx = np.searchsorted(long.steps.astype(np.float64), b["steps"])
    np.testing.assert_array_equal(long.values[idx], b["values"])
    np.testing.assert_array_equal(long.wall_times[idx], b["wall_times"])
    assert out["x"] == [0.0, 4999.0]


@pytest.mark.parametrize("geometry", [{}, {"w": "wide", "left": 0, "step": 1}, {"w": 400, "left": 52, "step": 0},
                                      {"w": float("nan"), "left": 52, "step": 1}, {"w": 1e300, "left": 52, "step": 1}])
def test_a_bad_geometry_is_a_message(geometry):
    with pytest.raises(ValueError, match="geometry"):
        chart([series(np.arange(500.0))], 0.0, "step", geometry)


def test_the_worker_draws_a_chart_and_names_the_series_it_cannot_read(server):  # noqa: F811
    summary = call(server, "board.summary")
    run = summary["runs"][0]
    tag = sorted(summary["tags"][run]["scalars"])[0]
    out = call(server, "board.chart", series=[[run, "no such tag"], [run, tag]], smoothing=0.0, axis="step",
               geometry=GEOMETRY, log_y=False)
    assert "no such tag" in out["series"][0]["error"]
    assert out["series"][1]["points"] == summary["tags"][run]["scalars"][tag]
