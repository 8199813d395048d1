"""The site opened from a folder (file://) in Chromium, with no flag that relaxes file access.

The built site is copied to a folder with a space in its name, given two small
built-in examples (a Board log and a Projector config with a sprite sheet; the
real ones need TensorFlow), wrapped for file:// by the build's own code, and
each tool is used there as a teacher would after a double-click.
"""

import importlib
import inspect
import json
import shutil

import numpy as np
import pytest

from conftest import ROOT, SITE, wait_ready
from buildsys import offline
from nnlab.events import read_logdir
from test_board_scale import digest
from test_playground import SCENARIO_A, open_playground, record_losses, run_until, text
from test_projector import dataset, open_projector  # noqa: F401 (a fixture)
from test_projector_config import N_SPRITE, dark_pixels, files_for

pytestmark = pytest.mark.e2e
EVENTS = ROOT / "tests/fixtures/events"
CHECKPOINTS = ROOT / "tests/fixtures/checkpoints"
PAGES = ("index.html", "playground.html", "board.html", "projector.html")


def tid(name):
    return f'[data-testid="{name}"]'


def add_examples(site):
    """data/ as the examples stage writes it: one Board log, one Projector config with sprites."""
    data = site / "data"
    shutil.copytree(EVENTS / "tf2", data / "tiny_board" / "logs")
    proj = data / "tiny_projector" / "projector"
    proj.mkdir(parents=True)
    for name, body in files_for().items():
        (proj / name).write_bytes(body)
    logs = data / "tiny_board" / "logs"
    shutil.copytree(CHECKPOINTS / "tf2", logs / "emb")  # a checkpoint with a projector config
    events = sorted(p.relative_to(logs).as_posix() for p in logs.rglob("*") if "tfevents" in p.name)
    emb = sorted(p.relative_to(logs).as_posix() for p in (logs / "emb").iterdir())
    manifest = {"format": 1, "examples": [
        {"name": "tiny_board", "title": "Tiny board", "logdir": "tiny_board/logs", "event_files": events,
         "projector_files": emb},
        {"name": "tiny_projector", "title": "Tiny projector", "logdir": None, "projector": "tiny_projector/projector/config.json"}]}
    (data / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of build/site somewhere else, as a USB stick would hold it; its file:// URL."""
    site = tmp_path_factory.mktemp("usb") / "nnlab copy"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("data"))
    add_examples(site)
    # A page whose policy lacks 'wasm-unsafe-eval': its blob: worker inherits it and Pyodide cannot compile.
    html = (site / "index.html").read_text()
    assert " 'wasm-unsafe-eval';" in html
    (site / "strict.html").write_text(html.replace(" 'wasm-unsafe-eval';", ";"))
    offline.wrap(site)
    return site.as_uri() + "/"


@pytest.fixture
def watched(page):
    """The page, with every file:// request it makes and every CSP violation noted."""
    page.requests, page.violations = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None)
    return page


@pytest.mark.parametrize("name", PAGES)
def test_each_page_starts_python_reading_no_file_but_scripts(watched, folder, name):
    watched.goto(folder + name)
    wait_ready(watched)
    assert "numpy" in watched.text_content(tid("loader"))
    assert watched.evaluate("window.nnlab.versions.started") == "snapshot"
    wrapped = [u for u in watched.requests if "/offline/" in u]
    assert any(u.endswith("pyodide.asm.wasm.js") for u in wrapped) and any(u.endswith("nnlab.zip.js") for u in wrapped)
    # Only pages, styles, scripts and the icon: Python's files came as scripts.
    assert [u for u in watched.requests if u.startswith("file:") and not u.endswith((".html", ".css", ".js", ".svg"))] == []
    assert watched.violations == []


def test_a_start_the_policy_blocks_says_so_instead_of_hanging(page, folder):
    page.goto(folder + "strict.html")
    page.wait_for_selector('body[data-status="error"], .loader:has-text("has not started after 15 s")', timeout=25_000)
    text = page.text_content(tid("loader"))
    assert "could not start" in text or "has not started" in text, text
    assert page.get_attribute("body", "data-status") != "ready"


def test_playground_trains_from_a_folder(page, folder):
    open_playground(page, folder, SCENARIO_A)
    record_losses(page)
    run_until(page, 300)
    seen = page.evaluate("window.shownLosses")
    assert seen and float(text(page, "test-loss")) < seen[0][1] / 2, (seen[0], text(page, "test-loss"))


def test_board_opens_its_example_then_picked_files(page, folder):
    page.goto(folder + "board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="waiting"]', timeout=60_000)
    assert "serve --logdir" in page.text_content(tid("board-status"))  # live reload needs the server
    page.click(f'{tid("example")}:has-text("Tiny board")')
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    reader = read_logdir(EVENTS / "tf2")
    run, tag = next((r, t) for r in reader.runs for t in reader.tags(r)["scalars"])
    s = reader.scalars(run, tag)
    card = f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="points-shown"][data-digest]'
    page.wait_for_selector(card)
    got = page.eval_on_selector_all(card, "els => els.map(e => e.dataset.digest)")
    assert digest(s.steps, s.wall_times, np.asarray(s.values, dtype=np.float64)) in got
    tf1 = sorted((EVENTS / "tf1").iterdir())
    page.set_input_files(tid("pick-files"), [str(p) for p in tf1])
    page.wait_for_function("() => document.querySelector('[data-testid=\"board-status\"]').textContent.includes('1 run')")
    assert page.get_attribute("main.bd", "data-board") == "ready"


def test_board_embeddings_open_a_checkpoint_in_the_projector_frame(page, folder):
    page.goto(folder + "board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="waiting"]', timeout=60_000)
    page.click(f'{tid("example")}:has-text("Tiny board")')
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    page.click(tid("tab-embeddings"))
    rows = page.eval_on_selector_all(tid("embedding"), "rows => rows.map(r => [r.dataset.run, r.dataset.tag])")
    assert rows == [["emb", "embedding/.ATTRIBUTES/VARIABLE_VALUE"]]
    frame = page.frame_locator(tid("projector-frame"))
    frame.locator(f'main.pj[data-projector="ready"] {tid("points-visible")}:text-is("40")').wait_for(timeout=120_000)
    inner = page.locator(tid("projector-frame")).element_handle().content_frame()
    labels = inner.evaluate("() => { const a = window.nnlabProjector.app; return [a.label(0), a.label(a.ds.n - 1)]; }")
    assert labels == ["word0", "word39"]


def test_board_plugin_tabs_work_from_a_folder(page, folder):
    """PR curves, hparams, custom scalars and a Keras graph, picked in a page opened from a folder."""
    page.goto(folder + "board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="waiting"]', timeout=60_000)
    page.set_input_files(tid("pick-folder"), str(EVENTS / "plugins"))
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    page.click(tid("tab-pr_curves"))
    page.wait_for_function("() => document.querySelectorAll('[data-kind=\"pr\"] [data-testid=\"pr-chart\"]').length === 2")
    page.click(tid("tab-hparams"))
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"hparams-row\"]').length === 2")
    page.click(tid("tab-custom_scalars"))
    page.wait_for_selector('[data-testid="chart-card"][data-tag="all losses"] [data-testid="points-shown"][data-digest]')
    page.click(tid("tab-graphs"))
    page.select_option(tid("graph-run"), "keras/train")
    page.wait_for_selector('[data-testid="graph-node"][data-id="join"]')


def test_projector_opens_its_example_with_sprites(page, folder):
    page.goto(folder + "projector.html")
    wait_ready(page)
    page.click('[data-example="tiny_projector"]')
    page.wait_for_function(f"() => document.querySelector('{tid('points-visible')}').textContent === '{N_SPRITE}'",
                           timeout=60_000)
    page.wait_for_selector(f'{tid("plot")}[data-sprites="on"]')
    assert dark_pixels(page) > N_SPRITE * 40


def test_projector_runs_tsne_on_picked_files(page, folder, dataset):  # noqa: F811
    open_projector(page, folder, [dataset["vectors"], dataset["metadata"]])
    assert page.get_attribute("main.pj", "data-projector") == "ready"
    page.click(tid("tab-tsne"))
    page.wait_for_function(f"() => Number(document.querySelector('{tid('tsne-iteration')}').textContent) >= 100",
                           timeout=120_000)


def test_the_language_carries_from_index_to_each_tool(page, folder):
    page.goto(folder + "index.html")
    wait_ready(page)
    page.click(tid("lang-zh"))
    for name in PAGES[1:]:
        page.click(f'header nav a[href*="{name}"]')
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "zh-Hans", name
        assert "lang=zh" in page.url
    page.reload()
    assert page.get_attribute("html", "lang") == "zh-Hans"


# Served tests that hold unchanged from a folder: their site_url is the folder's file:// URL.
AS_SERVED = [("test_playground", n) for n in (
    "test_editing_a_weight_changes_the_output", "test_anchor_link_opens_and_unknown_keys_are_ignored",
    "test_csv_upload_keeps_good_rows_and_reports_bad_lines", "test_exported_numpy_script_reproduces_the_run",
    "test_keyboard_steps_plays_and_resets_but_not_in_a_field")] + [
    ("test_board", "test_folder_picker_reads_the_fixture_folder"), ("test_board", "test_bad_input_is_reported_not_crashed"),
    ("test_board", "test_dropped_event_files_open_like_picked_ones"),
    ("test_projector_config", "test_config_picked_with_its_files_and_dropped_files"),
    ("test_tools_together", "test_a_logged_run_opens_in_the_board_and_downloads_as_a_logdir"),
    ("test_tools_together", "test_layer_3_in_the_projector_moves_with_the_epoch_slider")] + [("test_projector", n) for n in (
        "test_load_pca_and_bad_tsv", "test_search_neighbors_isolate", "test_click_selects_and_3d",
        "test_bookmark_round_trip_and_coordinates_tsv")]


@pytest.mark.parametrize("module,name", AS_SERVED, ids=[n for _, n in AS_SERVED])
def test_as_served(request, page, folder, module, name):
    test = getattr(importlib.import_module(module), name)
    given = {"page": page, "site_url": folder}
    test(**{p: given[p] if p in given else request.getfixturevalue(p) for p in inspect.signature(test).parameters})
