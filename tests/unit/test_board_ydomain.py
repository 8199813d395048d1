"""A scalar chart's y range (site/js/render/ydomain.js, run in Node.js) against numpy: the 5th-95th
percentile rule as the sorted values give it, padded by 5%, on data with outliers, duplicates,
NaN and infinities, with and without log scale."""

import json

import numpy as np
import pytest

from tests.conftest import ROOT
from tests.nodejs import node_json

YDOMAIN_JS = (ROOT / "site" / "js" / "render" / "ydomain.js").as_uri()


def expected(arrays, log_y, ignore):
    v = np.concatenate(arrays)
    v = np.sort(v[np.isfinite(v) & ((v > 0) if log_y else True)])
    k = len(v)
    if not k:
        return [0.1, 10] if log_y else [0, 1]
    i0, i1 = (int(np.ceil((k - 1) * 0.05)), int(np.floor((k - 1) * 0.95))) if ignore and k >= 100 else (0, k - 1)
    lo, hi = float(v[i0]), float(v[i1])
    if log_y:
        return [lo / 2, hi * 2] if lo == hi else [lo, hi]
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.05
    return [lo - pad, hi + pad]


CASES = {
    "outliers": [np.r_[np.random.default_rng(0).normal(size=5000), [1e9, -1e9]], np.arange(300.0)],
    "duplicates": [np.full(1000, 2.0), np.r_[np.full(50, 1.0), np.full(50, 3.0)]],
    "short": [np.array([5.0, 1.0, 3.0])],
    "non-finite": [np.r_[np.linspace(-1, 1, 400), [np.nan, np.inf, -np.inf]]],
    "empty": [np.array([])],
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("log_y", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
def test_y_range_matches_the_sorted_percentiles(name, log_y, ignore):
    arrays = CASES[name]
    data = json.dumps([[None if not np.isfinite(x) else x for x in a.tolist()] for a in arrays])
    # JSON has no NaN or infinity: they travel as null and are put back in Node.
    inf = json.dumps([[("nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")) if not np.isfinite(x) else 0
                       for x in a.tolist()] for a in arrays])
    got = node_json(f"""const m = await import({json.dumps(YDOMAIN_JS)});
      const raw = {data}; const marks = {inf};
      const arrays = raw.map((a, i) => Float64Array.from(a, (x, j) => x === null
        ? ({{ nan: NaN, inf: Infinity, '-inf': -Infinity }})[marks[i][j]] : x));
      console.log(JSON.stringify(m.yDomain(arrays, {{ logY: {json.dumps(log_y)}, ignoreOutliers: {json.dumps(ignore)} }})));""")
    assert got == pytest.approx(expected(arrays, log_y, ignore), rel=1e-12, abs=1e-12)
