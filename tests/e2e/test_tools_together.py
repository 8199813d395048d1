"""The tools together in Chromium: a Playground run logged to the Board, its hidden layer in the Projector.

Scenario A of the product walk-through is trained with "Log to Board" on; the Board and the
Projector open in new tabs from what the Playground stored in the browser (IndexedDB), and
what they show is checked against the Playground's readout and against Python's readers.
"""

import json
import subprocess
import zipfile

import pytest

from conftest import wait_ready
from nnlab.events import read_logdir
from test_board import cards
from nnlab.playground.trainer import Trainer
from test_playground import SCENARIO_A, open_playground, run_until, text

pytestmark = pytest.mark.e2e
RUN = "run-1-lr0.03-tanh-8x4x2"
LAYERS = ("hidden_1", "hidden_2", "hidden_3", "output")


def logged_scenario_a(page, site_url, epochs=200):
    """Scenario A trained `epochs` epochs (or a few more) with logging on; returns the epoch shown."""
    open_playground(page, site_url, SCENARIO_A)
    page.check('[data-testid="log-to-board"]')
    _, shown = run_until(page, epochs)
    return shown


def new_tab(page, click):
    """The page a click opens in a new tab, once Python is ready in it."""
    with page.context.expect_page() as info:
        page.click(click)
    tab = info.value
    tab.on("console", lambda m: print(f"[tab console.{m.type}] {m.text}"))
    wait_ready(tab)
    return tab


def csv_rows(board, tag, run):
    btn = f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="download-csv"][data-run="{run}"]'
    with board.expect_download() as dl:
        board.click(btn)
    return [[float(x) for x in line.split(",")] for line in open(dl.value.path()).read().splitlines()[1:]]


def test_a_logged_run_opens_in_the_board_and_downloads_as_a_logdir(page, site_url, tmp_path):
    shown = logged_scenario_a(page, site_url)
    readout = text(page, "test-loss")
    board = new_tab(page, '[data-testid="open-in-board"]')
    board.wait_for_selector('main.bd[data-board="ready"]')
    assert board.text_content('[data-testid="board-status"]').startswith("Showing the runs logged in the Playground")
    assert board.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)") == [RUN]
    assert board.locator('[data-testid="warnings"]').is_hidden()  # every record read cleanly
    rows = csv_rows(board, "loss/test", RUN)
    assert [int(r[1]) for r in rows] == list(range(shown + 1))  # every epoch, 0 to the one shown
    decimals = len(readout.split(".")[1])
    assert f"{rows[-1][2]:.{decimals}f}" == readout  # the chart's last point is the Playground's readout
    board.screenshot(path="/tmp/shots/tools-board.png")
    board.click('[data-testid="tab-histograms"]')
    board.wait_for_function("""() => document.querySelectorAll('[data-testid="dashboard"] [data-testid="chart-card"]').length === 8""")
    assert sorted(c["tag"] for c in cards(board)) == sorted(f"{l}/{p}" for l in LAYERS for p in ("biases", "weights"))
    board.click('[data-testid="tab-images"]')
    board.wait_for_selector('[data-testid="chart-card"][data-tag="output"] [data-testid="image"]')
    board.reload()  # the runs live in the browser, not in the page
    wait_ready(board)
    board.wait_for_selector('main.bd[data-board="ready"]')
    assert board.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)") == [RUN]

    with page.expect_download() as dl:
        page.click('[data-testid="download-logdir"]')
    with zipfile.ZipFile(dl.value.path()) as z:
        z.extractall(tmp_path / "logs")
    reader = read_logdir(tmp_path / "logs")
    assert reader.runs == [RUN]
    assert reader.scalars(RUN, "loss/test").values[-1] == pytest.approx(rows[-1][2], rel=1e-6)
    from buildsys import examples  # TensorBoard itself, from the examples' venv (made on first use)
    code = ("import sys; from tensorboard.backend.event_processing import event_accumulator as ea\n"
            "a = ea.EventAccumulator(sys.argv[1]); a.Reload(); print(a.Scalars('loss/test')[-1].value)")
    done = subprocess.run([str(examples.examples_python()), "-c", code, str(tmp_path / "logs" / RUN)],
                          capture_output=True, text=True, env=examples.example_env())
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout) == pytest.approx(rows[-1][2], rel=1e-6)


def test_two_runs_side_by_side(page, site_url):
    logged_scenario_a(page, site_url, epochs=20)
    page.select_option('select[data-key="learningRate"]', "0.1")
    page.click('[data-testid="reset"]')  # a new network: a new run, named by its learning rate
    # The reset is done when the new network shows epoch 0 (until then the page still shows run 1's).
    page.wait_for_function("() => document.querySelector('[data-testid=epoch]').textContent === '000,000'")
    run_until(page, 20)
    board = new_tab(page, '[data-testid="open-in-board"]')
    board.wait_for_selector('main.bd[data-board="ready"]')
    runs = board.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)")
    assert runs == [RUN, "run-2-lr0.1-tanh-8x4x2"]
    page.reload()  # the runs live in the browser: a reloaded Playground still opens them
    wait_ready(page)
    page.wait_for_selector('main.pg[data-pg="ready"]')
    assert text(page, "handoff-status").startswith("2 logged run(s)")
    board = new_tab(page, '[data-testid="open-in-board"]')
    board.wait_for_selector('main.bd[data-board="ready"]')
    assert board.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)") == runs


def test_layer_3_in_the_projector_moves_with_the_epoch_slider(page, site_url):
    shown = logged_scenario_a(page, site_url)
    page.select_option('[data-testid="layer-choice"]', "3")
    trainer = Trainer({"dataset": "spiral", "networkShape": [8, 4, 2]})  # scenario A's points, whatever the seed
    n_points = len(trainer.y_train) + len(trainer.y_test)
    projector = new_tab(page, '[data-testid="open-in-projector"]')
    projector.wait_for_selector('main.pj[data-projector="ready"]')
    assert projector.text_content('[data-testid="points-visible"]') == str(n_points)
    color = projector.eval_on_selector('[data-testid="color-by"]', "s => s.selectedOptions[0].textContent")
    assert color == "label"
    slider = projector.locator('[data-testid="epoch-slider"]')
    epochs = list(range(0, shown + 1, 10)) + ([shown] if shown % 10 else [])  # every 10th, and the last
    assert slider.is_visible() and slider.get_attribute("max") == str(len(epochs) - 1)
    assert f"epoch {shown} ({len(epochs)} of {len(epochs)})" in projector.text_content('[data-testid="epoch-value"]')
    plot = '[data-testid="plot"]'
    before = projector.get_attribute(plot, "data-checksum")
    projector.screenshot(path="/tmp/shots/tools-projector-last.png")
    projector.evaluate("""() => { const s = document.querySelector('[data-testid="epoch-slider"]');
        s.value = '0'; s.dispatchEvent(new Event('input')); }""")
    projector.wait_for_selector('[data-testid="epoch-slider"][data-frame="0"]')
    assert projector.get_attribute(plot, "data-checksum") != before  # the points moved
    assert "epoch 0" in projector.text_content('[data-testid="epoch-value"]')
    projector.screenshot(path="/tmp/shots/tools-projector-first.png")
    projector.reload()  # the layer lives in the browser
    wait_ready(projector)
    projector.wait_for_selector('main.pj[data-projector="ready"]')
    assert projector.text_content('[data-testid="points-visible"]') == str(n_points)


def test_nothing_to_open_is_said_clearly(page, site_url):
    open_playground(page, site_url, SCENARIO_A)
    page.click('[data-testid="open-in-board"]')
    page.wait_for_function("""() => document.querySelector('[data-testid="handoff-status"]').textContent.startsWith('Nothing is logged yet')""")
    page.goto(f"{site_url}board.html?from=playground")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="empty"]')
    assert page.text_content('[data-testid="board-status"]').startswith("No Playground runs are stored")
    page.goto(f"{site_url}projector.html?from=playground")
    wait_ready(page)
    page.wait_for_selector('main.pj[data-projector="error"]')
    assert page.text_content('[data-testid="pj-status"]').startswith("No Playground layer is stored")
