"""The Board in Chromium at the size of real training logs, by content.

200,000 `loss` and 5,000 `acc` records in one file, one event per value as
TensorFlow's and tensorboardX's add_scalar write them, and a second run mixing
thousands of histograms, images and texts. What each card received (a sha256 of
its steps, wall times and values, set by the page) must equal TensorBoard-format
data read by `read_logdir` under CPython, point for point and in order.
"""

import hashlib

import numpy as np
import pytest

from conftest import logdir_served, wait_ready
from nnlab.events import read_logdir
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

pytestmark = pytest.mark.e2e
N_LOSS, N_ACC, N_MIXED = 200_000, 5_000, 6_600


def scalar_event(step, wall, tag, value):
    return event_pb2.Event(step=step, wall_time=wall, summary=summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])).SerializeToString()


def write_scalars(path, rng):
    loss = rng.standard_normal(N_LOSS)
    with open(path, "wb") as f:
        w = RecordWriter(f)
        w.write(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
        for i in range(N_LOSS):
            w.write(scalar_event(10 * i + 1, 1.7e9 + i / 4, "loss", float(loss[i])))
            if i % (N_LOSS // N_ACC) == 0:
                w.write(scalar_event(10 * i + 1, 1.7e9 + i / 4, "acc", i / N_LOSS))


def write_mixed(path, rng):
    """Histograms, images and texts interleaved with a scalar, one event per step (Keras's layout)."""
    from tests.unit import test_events_scale as mixed  # the values the unit test compares with TensorBoard
    with open(path, "wb") as f:
        w = RecordWriter(f)
        for i in range(N_MIXED):
            e = event_pb2.Event(wall_time=1.7e9 + i, step=3 * i + 2, summary=summary_pb2.Summary(value=mixed.values_at(i, rng)))
            w.write(e.SerializeToString())


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    rng = np.random.default_rng(3)
    for run in ("train", "mixed"):
        (root / run).mkdir()
    write_scalars(root / "train" / "events.out.tfevents.1.host", rng)
    write_mixed(root / "mixed" / "events.out.tfevents.2.host", rng)
    return root


@pytest.fixture(scope="module")
def served(site_server, logdir):
    with logdir_served(site_server, logdir) as url:
        yield url


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
    return h.hexdigest()


def card_digests(page, count):
    page.wait_for_function(f"""() => {{
        const f = [...document.querySelectorAll('[data-testid="dashboard"] [data-testid="chart-card"] [data-testid="points-shown"]')];
        return f.length === {count} && f.every((e) => e.dataset.digest);
    }}""", timeout=120_000)
    return page.eval_on_selector_all('[data-testid="dashboard"] [data-testid="chart-card"]', """els => els.map(e => [
        e.dataset.tag, e.dataset.run || null, e.querySelector('[data-testid="points-shown"]').dataset.digest])""")


def test_real_sized_logs_reach_every_card_point_for_point(page, served, logdir):
    reader = read_logdir(logdir)
    assert reader.warnings == [] and len(reader.scalars("train", "loss")) == N_LOSS
    page.goto(f"{served}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=180_000)
    scalar_tags = sorted({t for run in reader.runs for t in reader.tags(run)["scalars"]})
    got = {tag: d for tag, _, d in card_digests(page, len(scalar_tags))}
    want = {tag: " ".join(digest(s.steps, s.wall_times, s.values) for run in reader.runs
                          if tag in reader.tags(run)["scalars"] for s in [reader.scalars(run, tag)])
            for tag in scalar_tags}
    assert got == want
    for tab, kind in (("distributions", "histograms"), ("images", "images"), ("text", "text")):
        page.click(f'[data-testid="tab-{tab}"]')
        tags = reader.tags("mixed")[kind]
        got = [tuple(c) for c in card_digests(page, len(tags))]
        assert got == [(t, "mixed", digest(reader.series("mixed", kind, t).steps)) for t in tags], tab


CUTS = """() => [...document.querySelectorAll('[data-testid="dashboard"] [data-testid="chart-card"]')].map((e) => {
    const r = e.querySelector('[data-testid="points-shown"]');
    return [e.dataset.tag, r.dataset.cut || null, JSON.parse(r.dataset.geometry || 'null'), Number(r.dataset.points)];
})"""


def cpython_cut(reader, tag, geometry):
    """CPython's cut of a tag's series (every run holding it) for the columns a card used."""
    from nnlab.board.chart import chart
    series = [reader.scalars(run, tag) for run in reader.runs if tag in reader.tags(run)["scalars"]]
    out = chart(series, geometry["smoothing"], geometry["axis"], geometry, geometry["log_y"])
    return " ".join(digest(p["steps"], p["wall_times"], p["values"], p["smoothed"]) for p in out["series"])


def test_each_card_holds_what_cpython_cuts_for_its_columns_and_the_slider_cuts_again(page, served, logdir):
    """A card holds only the points its columns draw (a few thousand of 200,000), the same points, raw
    and smoothed, as CPython's nnlab.board.chart gives for the card's geometry; after the smoothing
    slider and the axis move, again."""
    reader = read_logdir(logdir)
    page.goto(f"{served}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=180_000)
    tags = sorted({t for run in reader.runs for t in reader.tags(run)["scalars"]})
    for smoothing, axis in ((0.6, "step"), (0.95, "wall")):
        if axis != "step":
            page.select_option('[data-testid="x-axis"]', axis)
            page.fill('[data-testid="smoothing"]', str(smoothing))
            page.wait_for_selector(f'[data-testid="dashboard"][data-smoothed="{smoothing}"]')
        page.wait_for_function(f"""() => ({CUTS})().every(([, cut, g]) => cut && g.smoothing === {smoothing}
                                                            && g.axis === '{axis}')""", timeout=120_000)
        cards = page.evaluate(CUTS)
        assert [c[0] for c in cards] == tags
        for tag, cut, geometry, points in cards:
            assert cut == cpython_cut(reader, tag, geometry), (tag, smoothing, axis)
            assert points == sum(len(reader.scalars(r, tag)) for r in reader.runs if tag in reader.tags(r)["scalars"])
    held = page.evaluate("""() => window.nnlab.client.call('board.chart', { series: [['train', 'loss']], smoothing: 0.95,
        axis: 'wall', geometry: JSON.parse(document.querySelector('[data-tag="loss"] [data-testid="points-shown"]').dataset.geometry) })
        .then((r) => r.series[0].values.data.length)""")
    assert held < N_LOSS / 20


def test_the_csv_of_200000_points_lists_them_in_order(page, served, logdir):
    s = read_logdir(logdir).scalars("train", "loss")
    page.goto(f"{served}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=180_000)
    btn = '[data-testid="chart-card"][data-tag="loss"] [data-testid="download-csv"][data-run="train"]'
    with page.expect_download(timeout=120_000) as dl:
        page.click(btn)
    rows = np.loadtxt(dl.value.path(), delimiter=",", skiprows=1)
    assert rows.shape == (N_LOSS, 3)
    assert digest(rows[:, 1], rows[:, 2]) == digest(s.steps, s.values)


WATCH_PARTIAL = """(() => {
  window.chartsWhileLoading = 0;
  const look = () => {
    const main = document.querySelector('main.bd');
    if (main && main.dataset.board === 'loading') {
      const drawn = document.querySelectorAll('[data-testid="chart-card"] [data-testid="points-shown"][data-points]').length;
      window.chartsWhileLoading = Math.max(window.chartsWhileLoading, drawn);
    }
    if (!main || main.dataset.board !== 'ready') requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})()"""


def test_charts_drawn_while_a_many_run_logdir_is_read_are_right_once_it_is_read(page, site_server, tmp_path):
    """12 training-like runs (5 tags every step, 3 every 10th): charts appear before the read ends,
    and once it has ended every card holds every run's points, equal to CPython's reader."""
    from bench._logdirs import write_run
    for i in range(12):
        write_run(tmp_path / f"run_{i:02d}", 3000, i)
    reader = read_logdir(tmp_path)
    page.add_init_script(WATCH_PARTIAL)
    with logdir_served(site_server, tmp_path) as url:
        page.goto(f"{url}board.html")
        wait_ready(page)
        page.wait_for_selector('main.bd[data-board="ready"]', timeout=180_000)
        assert page.evaluate("window.chartsWhileLoading") > 0  # the first runs were shown while the rest was read
        tags = sorted({t for run in reader.runs for t in reader.tags(run)["scalars"]})
        got = {tag: d for tag, _, d in card_digests(page, len(tags))}
    want = {tag: " ".join(digest(s.steps, s.wall_times, s.values) for run in reader.runs
                          if tag in reader.tags(run)["scalars"] for s in [reader.scalars(run, tag)]) for tag in tags}
    assert len(reader.runs) == 12 and got == want
