"""What a SCALARS chart draws: each series cut to the points its pixel columns can show.

The page traces a line column by column (site/js/render/scalarchart.js): a
column is ``round(x * ax + bx)`` with ``ax = w / (x1 - x0) / step`` and
``bx = (left - x0 * w / (x1 - x0)) / step``, and each run of consecutive points
in one column draws its first, lowest, highest and last point; a point whose y
is not finite (or not positive on a log axis) breaks the line. Keeping exactly
those points of every series, raw and smoothed, draws the same vertices as
every point would, while the page receives a few per column instead of all:
every point stays here, for downloads and for content checks.

The column arithmetic repeats the page's float64 operations in the same order,
so both sides put each point in the same column.
"""

import numpy as np

from .smoothing import smooth

SHORT = 100  # series this short cross whole: the page marks their points with dots


def x_values(steps, wall_times, axis):
    """The x of each point for an axis mode ('step' | 'relative' | 'wall'), float64 (n,)."""
    if axis == "step":
        return np.asarray(steps, dtype=np.float64)
    wall = np.asarray(wall_times, dtype=np.float64)
    if axis == "wall":
        return wall
    if axis == "relative":
        return wall - wall[0] if wall.size else wall
    raise ValueError(f"axis must be 'step', 'relative' or 'wall', got {axis!r}")


def x_range(xs):
    """[x0, x1] over several x arrays, widened by 1 each side when empty or a single value (as the page)."""
    lo, hi = np.inf, -np.inf
    for x in xs:
        if x.size:
            lo, hi = min(lo, float(np.min(x))), max(hi, float(np.max(x)))
    if not hi > lo:
        lo, hi = lo - 1, hi + 1
        if not np.isfinite(lo):
            lo, hi = -1.0, 1.0
    return lo, hi


def _js_round(v):
    """JavaScript's Math.round (halves go up), exactly: floor, then the exact fraction decides."""
    r = np.floor(v)
    return r + (v - r >= 0.5)


def columns(x, y, geometry, log_y=False):
    """The page's column of each point, NaN where the point breaks the line.

    Parameters
    ----------
    x, y : (n,) float64
    geometry : dict
        ``x0``, ``x1`` (the chart's x range), ``w`` (plot width, CSS px), ``left`` (plot's left
        edge, CSS px), ``step`` (column width, px).
    log_y : bool

    Returns
    -------
    (n,) float64
    """
    x0, x1, w, left, step = (float(geometry[k]) for k in ("x0", "x1", "w", "left", "step"))
    span = (x1 - x0) or 1.0
    ax = w / span
    bx = left - x0 * ax
    ax, bx = ax / step, bx / step
    # log10 is increasing, so a column's extremes are the same points on either axis: only the breaks differ
    drawn = np.isfinite(y) & (y > 0) if log_y else np.isfinite(y)
    with np.errstate(invalid="ignore"):
        px = _js_round(ax * x + bx)
    return np.where(drawn, px, np.nan)


def _first_where(mask, run_id):
    """Per run (run_id increasing), the first index where `mask` holds (every run has one)."""
    idx = np.flatnonzero(mask)
    r = run_id[idx]
    return idx[np.flatnonzero(np.diff(r, prepend=-1))]


def kept(x, y, geometry, log_y=False):
    """Indices of the points that draw a series: per run of one column its first, lowest,
    highest and last point, and the first point of each break.

    Returns
    -------
    (m,) int64, increasing
    """
    n = x.size
    if n <= 2:
        return np.arange(n)
    px = columns(x, y, geometry, log_y)
    gap = np.isnan(px)
    # a run starts where the column changes; each non-finite point is its own one-point run
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = (px[1:] != px[:-1]) | gap[1:]
    change[1:] &= ~(gap[1:] & gap[:-1])  # a break of several points counts once
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n) - 1
    run_id = np.cumsum(change) - 1
    key = np.where(gap, 0.0, y)
    lows = _first_where(key == np.minimum.reduceat(key, starts)[run_id], run_id)
    highs = _first_where(key == np.maximum.reduceat(key, starts)[run_id], run_id)
    mask = np.zeros(n, dtype=bool)
    mask[starts] = mask[ends] = mask[lows] = mask[highs] = True
    return np.flatnonzero(mask)


def chart(series, smoothing, axis, geometry, log_y=False, raw_cuts=None):
    """The points a chart of several series draws, raw and smoothed.

    Parameters
    ----------
    series : list of `nnlab.events.values.Series` with float64 values
    smoothing : float
        The slider's weight; 0 draws the raw line only.
    axis : str
    geometry : dict
        ``w``, ``left``, ``step`` as in `columns`; x0 and x1 are computed here, over every series.
    log_y : bool
    raw_cuts : dict, optional
        Kept points of raw lines by (series, columns), carried between calls: moving the smoothing
        slider cuts only the smoothed lines again.

    Returns
    -------
    dict
        ``x``: [x0, x1]; ``series``: per input ``{"points": n, "steps", "wall_times", "values",
        "smoothed"}``, (m,) float64 each, the kept points in their order.
    """
    try:
        w, left, step = (float(geometry[k]) for k in ("w", "left", "step"))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"a chart's geometry needs numbers w, left and step, got {geometry!r}") from None
    if not (0 < w < 1e6 and 1 <= step < 1e6 and abs(left) < 1e6):
        raise ValueError(f"a chart's geometry is out of range: w={w}, left={left}, step={step}")
    xs = [x_values(s.steps, s.wall_times, axis) for s in series]
    x0, x1 = x_range(xs)
    geo = {"w": w, "left": left, "step": step, "x0": x0, "x1": x1}
    out = []
    raw_cuts = {} if raw_cuts is None else raw_cuts
    for s, x in zip(series, xs):
        values = np.asarray(s.values, dtype=np.float64)
        smoothed = smooth(values, float(smoothing)) if smoothing > 0 else values
        if values.size <= SHORT:
            idx = np.arange(values.size)
        else:
            key = (s.run, s.tag, values.size, axis, bool(log_y), *sorted(geo.items()))
            if key not in raw_cuts:
                raw_cuts[key] = kept(x, values, geo, log_y)
            idx = raw_cuts[key]
            if smoothing > 0:  # both lines' points, in order (a mask: linear, where union1d sorts)
                mask = np.zeros(values.size, dtype=bool)
                mask[idx] = True
                mask[kept(x, smoothed, geo, log_y)] = True
                idx = np.flatnonzero(mask)
        out.append({"points": int(values.size), "steps": np.asarray(s.steps, dtype=np.float64)[idx],
                    "wall_times": np.asarray(s.wall_times, dtype=np.float64)[idx],
                    "values": values[idx], "smoothed": smoothed[idx]})
    return {"x": [x0, x1], "series": out}
