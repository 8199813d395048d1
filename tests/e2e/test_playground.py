"""The Playground in Chromium: scenarios A and B, weight editing, URL state, same numbers as CPython."""

import subprocess
import sys

import pytest

from conftest import wait_ready
from nnlab.playground.trainer import Trainer

pytestmark = pytest.mark.e2e
ALL = "x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true"
SCENARIO_A = f"dataset=spiral&noise=0&{ALL}&networkShape=8,4,2&activation=tanh&learningRate=0.03&batchSize=10&percTrainData=50&seed=2"
FOUR = "x=true&y=true&xSquared=true&ySquared=true&xTimesY=false&sinX=false&sinY=false"
SCENARIO_B = f"dataset=spiral&noise=0&{FOUR}&networkShape=8,8,8,8,6,2&activation=tanh&learningRate=0.03&batchSize=10&seed=1"


def open_playground(page, site_url, hash_=""):
    page.goto(f"{site_url}playground.html#{hash_}")
    wait_ready(page)
    page.wait_for_selector('main.pg[data-pg="ready"]', timeout=60_000)


def text(page, testid):
    return page.text_content(f'[data-testid="{testid}"]')


def epoch(page):
    return int(text(page, "epoch").replace(",", ""))


MAX_AHEAD = 4  # session.js: results in flight or waiting while playing


def wait_idle(page):
    """Wait until the page is paused and every call it sent has been answered."""
    page.wait_for_selector('[data-testid="play"][data-playing="false"][data-inflight="0"]',
                           state="attached", timeout=60_000)


def run_until(page, min_epoch, fast=True, timeout_ms=240_000):
    """Play, press Pause as soon as the page shows min_epoch; return (epoch at the click, epoch after)."""
    if fast:
        page.check('[data-testid="fast"]')
    # The click happens in the page, on the frame that shows min_epoch, as a watching
    # user's would; a click sent from the test lands an unknown number of frames later.
    page.evaluate("""(min) => {
        const q = (id) => document.querySelector(`[data-testid="${id}"]`);
        const shown = () => Number(q('epoch').textContent.replaceAll(',', ''));
        window.pausedAt = null;
        const obs = new MutationObserver(() => {
            if (shown() < min || window.pausedAt !== null) return;
            window.pausedAt = shown();
            obs.disconnect();
            q('play').click();
        });
        obs.observe(q('epoch'), {childList: true, characterData: true, subtree: true});
    }""", min_epoch)
    page.click('[data-testid="play"]')
    page.wait_for_function("() => window.pausedAt !== null", timeout=timeout_ms)
    wait_idle(page)
    return page.evaluate("window.pausedAt"), epoch(page)


def cpython_trainer(page):
    """A CPython Trainer built from the exact config the page sends (state.js trainerConfig)."""
    config = page.evaluate("""async () => {
        const s = await import('./js/playground/state.js');
        return s.trainerConfig(s.parseHash(location.hash));
    }""")
    return Trainer(config)


def record_losses(page):
    """From now on, note (epoch, test loss) every time the page shows a new epoch."""
    page.evaluate("""() => {
        window.shownLosses = [];
        const q = (id) => document.querySelector(`[data-testid="${id}"]`);
        const note = () => window.shownLosses.push([Number(q('epoch').textContent.replaceAll(',', '')),
                                                   Number(q('test-loss').textContent)]);
        new MutationObserver(note).observe(q('epoch'), {childList: true, characterData: true, subtree: true});
    }""")


def test_scenario_a_reaches_test_loss_below_0_1_within_1000_epochs(page, site_url):
    open_playground(page, site_url, SCENARIO_A)
    assert page.get_attribute('[data-testid="network"]', "data-shape") == "7-8-4-2-1"
    record_losses(page)
    # One epoch per frame, as the anchor runs: the pause lands on the epoch shown.
    at_click, shown = run_until(page, 1000, fast=False)
    # Pause answers at once: only the answers already asked for land after it.
    assert at_click <= shown <= at_click + MAX_AHEAD, (at_click, shown)
    seen = page.evaluate("window.shownLosses")
    first = next((e for e, loss in seen if loss < 0.1), None)
    assert first is not None and first <= 1000, seen[-5:]
    # Every epoch was drawn (one per frame). The loss may wander a little after it got
    # there (seed 2 in the browser's numpy: below 0.1 from epoch 282, 0.107 at 1,000),
    # but it stays down.
    assert len({e for e, _ in seen if e <= 1000}) > 900
    assert float(text(page, "test-loss")) < 0.15, (first, seen[-5:])


def test_play_resolution_is_lower_only_for_big_nets(page, site_url):
    open_playground(page, site_url, SCENARIO_B)
    res = page.evaluate("""async () => {
        const s = await import('./js/playground/session.js');
        return [[4, 8, 8, 8, 8, 6, 2, 1], [7, 8, 8, 8, 8, 8, 8, 1], [7, 8, 4, 2, 1], [2, 4, 2, 1]].map(s.playResolution);
    }""")
    assert res == [40, 40, 50, 50]


def test_scenario_b_trains_without_divergence(page, site_url):
    open_playground(page, site_url, SCENARIO_B)
    assert page.get_attribute('[data-testid="network"]', "data-shape") == "4-8-8-8-8-6-2-1"
    start = float(text(page, "train-loss"))
    run_until(page, 300)
    loss = float(text(page, "train-loss"))
    assert loss < start
    assert "diverged" not in (page.get_attribute('[data-testid="pg-status"]', "data-kind") or "")


def test_step_play_pause_and_same_losses_as_cpython(page, site_url):
    open_playground(page, site_url, "dataset=xor&noise=10&seed=7")
    for _ in range(3):
        page.click('[data-testid="step"]')
    page.wait_for_function("""() => document.querySelector('[data-testid="epoch"]').textContent === '000,003'""")
    trainer = cpython_trainer(page)
    snap = trainer.step(3)
    assert text(page, "train-loss") == f"{snap['train_loss']:.3f}"
    assert text(page, "test-loss") == f"{snap['test_loss']:.3f}"
    page.click('[data-testid="play"]')
    page.wait_for_function("""() => Number(document.querySelector('[data-testid="epoch"]')
        .textContent.replaceAll(',', '')) > 10""")
    page.click('[data-testid="play"]')
    wait_idle(page)
    paused = epoch(page)
    # Idle means idle: a few more frames go by and the epoch stays.
    page.evaluate("() => new Promise((ok) => { let n = 30; const f = () => (--n ? requestAnimationFrame(f) : ok()); f(); })")
    assert epoch(page) == paused


def output_pixels(page):
    return page.evaluate("""() => {
        const c = document.querySelector('[data-testid="output-heatmap"]');
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 97 === 0));
    }""")


def point_on_last_link(page):
    """The middle of the last link's curve in page pixels (a curve's box centre may miss it)."""
    return page.evaluate("""() => {
        const links = document.querySelectorAll('svg.links path.link');
        const el = links[links.length - 1];
        const p = el.getPointAtLength(el.getTotalLength() / 2);
        const m = el.getScreenCTM();
        return [p.x * m.a + m.e, p.y * m.d + m.f];
    }""")


def test_editing_a_weight_changes_the_output(page, site_url):
    open_playground(page, site_url, "dataset=circle&seed=3&networkShape=2")
    before = output_pixels(page)
    x, y = point_on_last_link(page)
    page.mouse.move(x, y)
    card = page.locator('[data-testid="weight-card"]')
    card.wait_for(state="visible")
    assert "Weight is" in card.text_content()
    page.mouse.click(x, y)
    box = page.locator('[data-testid="weight-input"]')
    box.fill("abc")
    box.press("Enter")
    assert "not a number" in card.text_content()
    assert output_pixels(page) == before
    box.fill("-4.5")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=\"weight-card\"]').hidden")
    assert output_pixels(page) != before
    value = page.evaluate("() => [...document.querySelectorAll('svg.links path.link')].pop().nnValue")
    assert abs(value + 4.5) < 1e-6


def test_full_state_url_restores_the_experiment(page, site_url):
    state = ("activation=relu&regularization=L2&batchSize=23&dataset=gauss&regDataset=reg-plane&mcDataset=blobs"
             "&learningRate=0.3&regularizationRate=0.01&noise=35&networkShape=5,3,1&seed=42&showTestData=true"
             "&discretize=true&percTrainData=70&problem=classification&loss=square&initZero=true&x=true&y=false&xSquared=true"
             "&ySquared=false&xTimesY=true&sinX=false&sinY=true")
    open_playground(page, site_url, state)
    assert page.evaluate("location.hash") == "#" + state
    assert page.input_value('select[data-key="activation"]') == "relu"
    assert page.input_value('select[data-key="learningRate"]') == "0.3"
    assert page.input_value('select[data-key="regularization"]') == "L2"
    assert page.is_checked('input[data-key="showTestData"]')
    assert page.input_value('input[data-key="batchSize"]') == "23"
    assert page.get_attribute('[data-testid="dataset-gauss"]', "aria-pressed") == "true"
    assert page.get_attribute('[data-testid="network"]', "data-shape") == "4-5-3-1-1"
    trainer = cpython_trainer(page)
    assert text(page, "train-loss") == f"{trainer.snapshot(heatmaps=False)['train_loss']:.3f}"


def test_anchor_link_opens_and_unknown_keys_are_ignored(page, site_url):
    anchor = ("activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
              "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.49213&showTestData=false&discretize=false"
              "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false"
              "&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false")
    open_playground(page, site_url, anchor)
    assert page.get_attribute('[data-testid="network"]', "data-shape") == "2-4-2-1"
    assert "seed=0.49213" in page.evaluate("location.hash")


def test_divergence_is_reported_and_reset_recovers(page, site_url):
    open_playground(page, site_url, "problem=regression&regDataset=reg-plane&activation=relu&learningRate=10&networkShape=8,8&seed=2")
    page.click('[data-testid="play"]')
    page.wait_for_selector('[data-testid="pg-status"][data-kind="diverged"]', timeout=60_000)
    assert "diverged" in text(page, "pg-status")
    assert page.get_attribute('[data-testid="play"]', "data-playing") == "false"
    page.click('[data-testid="reset"]')
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,000'")
    assert text(page, "pg-status") == ""
    assert text(page, "train-loss") not in ("NaN", "")


def test_csv_upload_keeps_good_rows_and_reports_bad_lines(page, site_url, tmp_path):
    open_playground(page, site_url, "seed=5")
    rows = ["x,y,label"] + [f"{(i % 10) - 5},{(i // 10) - 2},{1 if i % 2 else 0}" for i in range(40)]
    rows[3] = "1,two,1"
    rows[7] = "<script>alert(1)</script>"
    csv = tmp_path / "points.csv"
    csv.write_text("\n".join(rows) + "\n")
    page.set_input_files('[data-testid="upload-csv"]', str(csv))
    page.wait_for_function("() => document.querySelector('[data-testid=\"points-info\"]').textContent.includes('38')")
    info = text(page, "points-info")
    assert "2 rows skipped" in info and "4:" in info and "8:" in info
    assert page.locator("script:has-text('alert(1)')").count() == 0


def test_exported_numpy_script_reproduces_the_run(page, site_url, tmp_path):
    open_playground(page, site_url, "dataset=gauss&seed=11&noise=5")
    for _ in range(4):
        page.click('[data-testid="step"]')
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,004'")
    with page.expect_download() as dl:
        page.click('[data-testid="export-python"]')
    script = tmp_path / "run.py"
    dl.value.save_as(script)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    printed = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines() if line.startswith(("train loss", "test loss")))
    assert f"{float(printed['train loss']):.3f}" == text(page, "train-loss")
    assert f"{float(printed['test loss']):.3f}" == text(page, "test-loss")
    with page.expect_download() as dl:
        page.click('[data-testid="export-json"]')
    assert dl.value.suggested_filename.endswith(".json")


def test_multiclass_blobs_train_and_draw_three_classes(page, site_url):
    open_playground(page, site_url, "problem=multiclass&mcDataset=blobs&seed=4&networkShape=6")
    assert page.get_attribute('[data-testid="network"]', "data-shape") == "2-6-3"
    assert page.is_disabled('select[data-key="loss"]')  # multi-class is always cross-entropy
    start = float(text(page, "train-loss"))
    run_until(page, 30)
    assert float(text(page, "train-loss")) < start
    colours = page.evaluate("""() => {
        const c = document.querySelector('[data-testid="output-heatmap"]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 37) {
            const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
            seen.add(b > r && b > g ? 'blue' : r > b && r > g ? 'orange' : g > r && g > b ? 'green' : 'other');
        }
        return [...seen];
    }""")
    assert {"blue", "orange", "green"} <= set(colours)


def test_clicking_the_output_adds_points(page, site_url):
    open_playground(page, site_url, "seed=6")
    page.check('[data-testid="draw-mode"]')
    plot = page.locator('[data-testid="output-points"]').bounding_box()
    spots = [(0.2, 0.2, "1"), (0.8, 0.8, "-1"), (0.25, 0.3, "1"), (0.7, 0.75, "-1"), (0.3, 0.2, "1"), (0.8, 0.6, "-1")]
    for fx, fy, label in spots:
        page.select_option('[data-testid="draw-class"]', label)
        page.mouse.click(plot["x"] + fx * plot["width"], plot["y"] + fy * plot["height"])
    page.wait_for_function("() => document.querySelector('[data-testid=\"points-info\"]').textContent.includes('6 points')")
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,000'")
    page.click('[data-testid="step"]')
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,001'")
    assert text(page, "train-loss") != "NaN"
    page.click('[data-testid="clear-points"]')
    page.wait_for_function("() => document.querySelector('[data-testid=\"points-info\"]').textContent === ''")


def test_play_waits_for_the_first_network(page, site_url):
    # Watch the buttons from the first DOM on: Play must never be clickable before the network exists.
    page.add_init_script("""document.addEventListener('DOMContentLoaded', () => {
      window.__earlyPlay = null;
      const check = () => {
        if (document.querySelector('main.pg')?.dataset.pg === 'ready') return;
        const play = document.querySelector('[data-testid="play"]');
        if (play) window.__earlyPlay = window.__earlyPlay === true || !play.disabled;
      };
      check();
      new MutationObserver(check).observe(document.body, {attributes: true, subtree: true, childList: true});
    });""")
    page.goto(f"{site_url}playground.html")
    page.wait_for_selector('main.pg[data-pg="ready"]', timeout=90_000)
    assert page.evaluate("window.__earlyPlay") is False  # seen while loading, and disabled every time
    page.click('[data-testid="play"]')
    page.wait_for_function("""() => Number(document.querySelector('[data-testid="epoch"]')
        .textContent.replace(/,/g, '')) >= 5""", timeout=60_000)
    assert page.text_content('[data-testid="pg-status"]') == ""


def test_keyboard_steps_plays_and_resets_but_not_in_a_field(page, site_url):
    open_playground(page, site_url, "dataset=circle&seed=3&networkShape=2")
    assert page.get_attribute('[data-testid="play"]', "title").endswith("(space)")  # the tooltip says so
    page.keyboard.press("s")
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,001'")
    page.keyboard.press(" ")
    page.wait_for_selector('[data-testid="play"][data-playing="true"]', state="attached")
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent > '000,003'")
    page.keyboard.press(" ")
    wait_idle(page)
    paused = epoch(page)
    assert paused > 3 and page.get_attribute('[data-testid="play"]', "data-playing") == "false"
    page.keyboard.press("r")
    page.wait_for_function("() => document.querySelector('[data-testid=\"epoch\"]').textContent === '000,000'")
    # In a field the keys are the field's: space ticks a focused checkbox, an "s" or "r" is typed.
    page.focus('[data-testid="fast"]')
    page.keyboard.press(" ")
    assert page.is_checked('[data-testid="fast"]')
    x, y = point_on_last_link(page)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    box = page.locator('[data-testid="weight-input"]')
    box.fill("")
    box.type("rs 1")
    assert box.input_value() == "rs 1"
    assert page.get_attribute('[data-testid="play"]', "data-playing") == "false"
    assert text(page, "epoch") == "000,000"
