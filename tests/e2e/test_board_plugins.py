"""The Board's plugin dashboards in Chromium on logs written by TensorBoard's and TensorFlow's
own summary code (tests/fixtures/events/plugins, make_plugin_logs.py): PR curves."""

import numpy as np
import pytest

from conftest import ROOT, logdir_served, wait_ready
from nnlab.events import read_logdir

pytestmark = pytest.mark.e2e
PLUGINS = ROOT / "tests/fixtures/events/plugins"


@pytest.fixture(scope="module")
def served(site_server):
    with logdir_served(site_server, PLUGINS) as url:
        yield url


def open_tab(page, url, tab):
    page.goto(f"{url}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=90_000)
    page.click(f'[data-testid="tab-{tab}"]')


def test_pr_curve_tooltip_shows_the_stored_numbers(page, served):
    reader = read_logdir(PLUGINS)
    tags = reader.tags("pr")["pr_curves"]
    open_tab(page, served, "pr_curves")
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=\"chart-card\"][data-kind=\"pr\"]').length === {len(tags)}")
    got = page.eval_on_selector_all('[data-testid="chart-card"]', "els => els.map(e => [e.dataset.run, e.dataset.tag, "
                                    "Number(e.querySelector('[data-testid=\"points-shown\"]').dataset.points)])")
    assert got == [["pr", tag, len(reader.pr_curves("pr", tag))] for tag in tags]
    tag = "pr/cat/pr_curves"
    last = reader.pr_curves("pr", tag).values[-1]
    precision, recall = last.values[4], last.values[5]
    pts = list(zip(recall.round(6), precision.round(6)))
    i = next(k for k, p in enumerate(pts) if pts.count(p) == 1 and 0 < p[0] < 1)  # a point alone on the chart
    canvas = page.locator(f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="pr-chart"]')
    box = canvas.bounding_box()
    x = 44 + recall[i] * (box["width"] - 52)
    y = 8 + (1 - precision[i]) * (box["height"] - 38)
    canvas.hover(position={"x": float(x), "y": float(y)})
    tip = page.locator(f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="pr-tooltip"]')
    tip.wait_for()
    assert tip.get_attribute("data-index") == str(i)
    cells = tip.locator("td").all_text_contents()
    want = [i / (last.values.shape[1] - 1), *last.values[:, i]]
    assert [float(c) for c in cells] == pytest.approx(want, rel=1e-3)
    assert [int(float(c)) for c in cells[1:5]] == [int(v) for v in last.values[:4, i]]  # the four counts, exactly
    slider = page.locator(f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="step-slider"]')
    slider.fill("0")
    label = page.locator(f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="step-label"]')
    assert str(int(reader.pr_curves("pr", tag).steps[0])) in label.text_content()
    assert np.isfinite(precision).all()


def test_hparams_table_has_a_row_per_session_sorts_filters_and_links_to_scalars(page, served):
    from nnlab.events import hparams
    table = hparams.sessions(read_logdir(PLUGINS))
    open_tab(page, served, "hparams")
    page.wait_for_selector('[data-testid="hparams-table"]')
    rows = lambda: page.eval_on_selector_all('[data-testid="hparams-row"]', "rs => rs.map(r => [...r.children].map(c => c.textContent))")  # noqa: E731
    want = sorted([[s["run"], str(s["hparams"]["lr"]), s["hparams"]["optimizer"], str(np.float32(s["metrics"]["accuracy"]).item())[:8]]
                   for s in table["sessions"]])
    got = rows()
    assert len(got) == len(table["sessions"]) == 2
    assert [r[:3] for r in got] == [w[:3] for w in want]
    assert [float(r[3]) for r in got] == pytest.approx([s["metrics"]["accuracy"] for s in sorted(table["sessions"], key=lambda s: s["run"])], rel=1e-5)
    page.click('[data-testid="hparams-sort"][data-col="h:lr"]')
    assert [r[1] for r in rows()] == ["0.01", "0.1"]
    page.click('[data-testid="hparams-sort"][data-col="h:lr"]')
    assert [r[1] for r in rows()] == ["0.1", "0.01"]
    page.fill('[data-testid="hparams-filter"][data-col="h:optimizer"]', "ada")
    assert [r[2] for r in rows()] == ["adam"]
    assert page.locator('[data-testid="hparams-parallel"] polyline').count() == 1
    page.click('[data-testid="hparams-session"]')
    page.wait_for_selector('main.bd[data-tab="scalars"] [data-testid="chart-card"][data-tag="accuracy"]')
    assert page.eval_on_selector_all('[data-testid="run-item"]:not([hidden])', "els => els.map(e => e.dataset.run)") == ["hparams/lr_0.01"]


def test_custom_scalars_show_multiline_and_margin_charts_of_the_layout(page, served):
    from test_board_scale import digest
    reader = read_logdir(PLUGINS)
    open_tab(page, served, "custom_scalars")
    card = '[data-testid="custom-category"][data-category="losses"] [data-testid="chart-card"]'
    page.wait_for_selector(f'{card}[data-tag="all losses"] [data-testid="points-shown"][data-digest]')
    page.wait_for_selector(f'{card}[data-tag="accuracy band"] [data-testid="points-shown"][data-digest]')
    multi = page.get_attribute(f'{card}[data-tag="all losses"] [data-testid="points-shown"]', "data-digest").split(" ")
    want = [digest(s.steps, s.wall_times, np.asarray(s.values, dtype=np.float64))
            for s in (reader.scalars("custom", "loss/test"), reader.scalars("custom", "loss/train"))]
    assert multi == want  # both tags the regex loss/.* matches, on one chart
    labels = page.locator(f'{card}[data-tag="all losses"] .dl').all_text_contents()
    assert [lab.split("CSV")[0] for lab in labels] == ["custom: loss/test", "custom: loss/train"]
    mid = reader.scalars("custom", "acc/mid")
    margin = page.get_attribute(f'{card}[data-tag="accuracy band"] [data-testid="points-shown"]', "data-digest")
    assert margin == digest(mid.steps, mid.wall_times, np.asarray(mid.values, dtype=np.float64))


def test_keras_conceptual_graph_is_drawn_and_downloads_as_png(page, served):
    open_tab(page, served, "graphs")
    page.select_option('[data-testid="graph-run"]', "keras/train")
    page.wait_for_selector('[data-testid="graph-node"][data-id="probs"]')
    ids = page.eval_on_selector_all('[data-testid="graph-node"]', "els => els.map(e => e.dataset.id)")
    assert sorted(ids) == ["features", "hidden", "join", "probs", "side"]
    page.click('[data-testid="graph-node"][data-id="join"]')
    assert "Concatenate" in page.text_content('[data-testid="graph-details"]')
    with page.expect_download() as dl:
        page.click('[data-testid="graph-png"]')
    data = open(dl.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert dl.value.suggested_filename == "keras_train-graph.png" or dl.value.suggested_filename.endswith("-graph.png")
