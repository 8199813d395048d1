"""The Board in Chromium: `serve --logdir`, the folder picker, every dashboard's tags and counts
against nnlab.events.read_logdir, CSV downloads, text shown as text, bad input."""

import shutil
import urllib.request

import numpy as np
import pytest

from conftest import ROOT, logdir_served, wait_ready
from nnlab.events import read_logdir
from nnlab.events.proto import event_pb2, summary_pb2, tensor_pb2
from nnlab.events.records import encode_many

pytestmark = pytest.mark.e2e
FIXTURES = ROOT / "tests/fixtures/events"
HOSTILE = ("<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">\n\n"
           "# Notes\n\n| a | b |\n|---|---|\n| **1** | 2 |\n\n[run me](javascript:window.__pwned=3)")
HOSTILE_TAG = "<b onmouseover=alert(1)>bold</b>"
TABS = {"scalars": "scalars", "images": "images", "audio": "audio", "distributions": "histograms",
        "histograms": "histograms", "text": "text"}


def event(step, wall, **summary):
    ev = event_pb2.Event(step=step, wall_time=wall)
    if summary:
        ev.summary.value.add(**summary)
    return ev.SerializeToString()


def hostile_events(steps=range(3), start=0):
    """A text summary and a scalar whose tag and text hold HTML: they must stay text."""
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "text"
    out = [event_pb2.Event(wall_time=1e9, file_version="brain.Event:2").SerializeToString()] if not start else []
    for s in steps:
        text = tensor_pb2.TensorProto(dtype=7, string_val=[HOSTILE.encode()])
        out.append(event(s, 1e9 + s, tag="notes", tensor=text, metadata=meta))
        out.append(event(s, 1e9 + s, tag=HOSTILE_TAG, simple_value=float(s) * 0.5))
    return bytes(encode_many(out))


@pytest.fixture
def logdir(tmp_path):
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "tf2", root)
    shutil.copy(FIXTURES / "tf1" / next(p.name for p in (FIXTURES / "tf1").iterdir()), root / "events.out.tfevents.1.tf1")
    (root / "xss").mkdir()
    (root / "xss" / "events.out.tfevents.2.hand").write_bytes(hostile_events())
    return root


@pytest.fixture
def served(site_server, logdir):
    with logdir_served(site_server, logdir) as url:
        yield url


def open_board(page, url, examples=False):
    """The Board at `url`; without `examples` the site's built-in examples are hidden from it (the
    Board would open one by itself, and whether build/site has them depends on how it was built)."""
    if not examples:
        page.route(f"{url}data/manifest.json", lambda route: route.fulfill(status=404, body=b""))
    page.goto(f"{url}board.html")
    wait_ready(page)
    page.wait_for_selector(', '.join(f'main.bd[data-board="{s}"]' for s in ("ready", "empty", "error", "waiting")),
                           timeout=90_000)


def cards(page):
    return page.eval_on_selector_all('[data-testid="dashboard"] [data-testid="chart-card"]', """els => els.map(e => ({
        tag: e.dataset.tag, run: e.dataset.run || null,
        points: Number(e.querySelector('[data-testid="points-shown"]').dataset.points || -1)}))""")


def expected_cards(reader, tab):
    kind = TABS[tab]
    out = []
    for run in reader.runs:
        for tag in reader.tags(run)[kind]:
            s = reader.series(run, kind, tag)
            n = 1
            if kind == "images":
                n = max(1, max(len(v.images) for v in s.values))
            elif kind == "audio":
                n = max(1, max(len(v.clips) for v in s.values))
            out += [(tag, run, len(s))] * n
    return sorted(out)


def check_dashboards(page, reader):
    runs = page.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)")
    assert runs == reader.runs
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="chart-card"] [data-testid="points-shown"]')]
        .every(e => e.dataset.points)""")
    scal = cards(page)
    want = {}
    for run in reader.runs:
        for tag in reader.tags(run)["scalars"]:
            want[tag] = want.get(tag, 0) + len(reader.scalars(run, tag))
    assert {c["tag"]: c["points"] for c in scal} == want
    for tab in ("images", "audio", "distributions", "histograms", "text"):
        page.click(f'[data-testid="tab-{tab}"]')
        expected = expected_cards(reader, tab)
        page.wait_for_function(f"""() => document.querySelectorAll('[data-testid="dashboard"] [data-testid="chart-card"]').length
            === {len(expected)}""")
        got = sorted((c["tag"], c["run"], c["points"]) for c in cards(page))
        assert got == expected, tab


def test_serve_logdir_shows_every_dashboard_like_read_logdir(page, served, logdir):
    open_board(page, served)
    reader = read_logdir(logdir)
    status = page.text_content('[data-testid="board-status"]')
    assert f"{len(reader.runs)} run(s)" in status
    check_dashboards(page, reader)


def test_text_and_tags_with_html_stay_text(page, served):
    open_board(page, served)
    card = page.locator(f'[data-testid="chart-card"][data-tag="{HOSTILE_TAG}"]')
    assert card.locator(".card-title").text_content() == HOSTILE_TAG
    page.click('[data-testid="tab-text"]')
    entry = page.locator('[data-testid="chart-card"][data-run="xss"] [data-testid="text-entry"] .markdown').first
    entry.wait_for()
    # Markdown made HTML, then sanitised: the script is gone, the picture stays without its handler.
    assert page.locator('[data-testid="dashboard"] script').count() == 0
    assert page.locator('[data-testid="dashboard"] [onerror]').count() == 0
    assert page.locator('[data-testid="chart-card"][data-run="xss"] .markdown img[src="x"]').count() >= 1
    assert page.evaluate("() => window.__pwned") is None


def test_markdown_text_is_rendered_and_links_cannot_run_script(page, served):
    open_board(page, served)
    page.click('[data-testid="tab-text"]')
    md = page.locator('[data-testid="chart-card"][data-run="xss"] [data-testid="text-entry"] .markdown').first
    md.wait_for()
    assert md.locator("h1").text_content() == "Notes"
    assert md.locator("table td strong").text_content() == "1"
    link = md.locator("a", has_text="run me")
    assert (link.get_attribute("href") or "").startswith("javascript:") is False
    link.click()
    assert page.evaluate("() => window.__pwned") is None


def test_a_picked_run_colour_is_drawn_and_kept_across_reloads(page, served):
    open_board(page, served)
    pick = page.locator('[data-testid="run-item"][data-run="train"] [data-testid="run-color"]')
    pick.fill("#ff0000")
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="chart-card"] .dl')]
        .some(d => d.textContent.startsWith('train') && d.querySelector('.swatch').style.background === 'rgb(255, 0, 0)')""")
    other = page.locator('[data-testid="run-item"][data-run="xss"] [data-testid="run-color"]').input_value()
    page.reload()
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=90_000)
    assert pick.input_value() == "#ff0000"
    assert page.locator('[data-testid="run-item"][data-run="xss"] [data-testid="run-color"]').input_value() == other


def test_first_sight_opens_the_mnist_example_and_offers_your_own_logs(page, site_url):
    """No logdir served: the Board opens the built-in example mnist_with_summaries by itself."""
    import json
    logs = FIXTURES / "tf2"
    files = sorted(p.relative_to(logs).as_posix() for p in logs.rglob("*") if p.is_file())
    manifest = {"format": 1, "examples": [
        {"name": "audio", "title": "Tones", "logdir": "audio/logs", "event_files": files},
        {"name": "mnist_with_summaries", "title": "MNIST with summaries", "logdir": "mnist/logs", "event_files": files}]}

    def handle(route):
        path = route.request.url.split("/data/", 1)[1]
        if path == "manifest.json":
            route.fulfill(status=200, body=json.dumps(manifest), content_type="application/json")
        elif path.startswith("mnist/logs/") and (logs / path[len("mnist/logs/"):]).is_file():
            route.fulfill(status=200, body=(logs / path[len("mnist/logs/"):]).read_bytes())
        else:
            route.fulfill(status=404, body=b"")
    page.route(f"{site_url}data/**", handle)
    open_board(page, site_url, examples=True)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    assert "MNIST with summaries" in page.text_content('[data-testid="board-status"]')
    assert page.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)") == read_logdir(logs).runs
    own = page.locator('[data-testid="open-own"]')
    assert own.is_visible() and own.text_content() == "Open your own logs"
    with page.expect_file_chooser() as chooser:
        own.click()
    chooser.value.set_files(str(FIXTURES / "tf1"))
    page.wait_for_function("() => document.querySelector('[data-testid=\"open-own\"]').hidden")
    assert page.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)") == ["."]


def test_csv_and_json_downloads_equal_the_data(page, served, logdir):
    open_board(page, served)
    reader = read_logdir(logdir)
    run, tag = "train", reader.tags("train")["scalars"][0]
    s = reader.scalars(run, tag)
    btn = f'[data-testid="chart-card"][data-tag="{tag}"] [data-testid="download-csv"][data-run="{run}"]'
    with page.expect_download() as dl:
        page.click(btn)
    lines = open(dl.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "Wall time,Step,Value"
    rows = [tuple(float(x) for x in line.split(",")) for line in lines[1:]]
    assert rows == list(zip(s.wall_times.tolist(), s.steps.astype(float).tolist(), s.values.tolist()))
    with page.expect_download() as dl:
        page.click(btn.replace("download-csv", "download-json"))
    import json
    data = json.load(open(dl.value.path(), encoding="utf-8"))
    assert [r[2] for r in data] == s.values.tolist() and [r[1] for r in data] == s.steps.tolist()


def test_reload_reads_only_appended_bytes(page, served, logdir):
    open_board(page, served)
    path = logdir / "xss" / "events.out.tfevents.2.hand"
    size = path.stat().st_size
    req = urllib.request.Request(f"{served}logdir/xss/events.out.tfevents.2.hand", headers={"Range": f"bytes={size - 10}-"})
    with urllib.request.urlopen(req) as res:
        assert res.status == 206 and len(res.read()) == 10
    sel = f'[data-testid="chart-card"][data-tag="{HOSTILE_TAG}"] [data-testid="points-shown"]'
    assert page.get_attribute(sel, "data-points") == "3"
    with open(path, "ab") as f:
        f.write(hostile_events(range(3, 10), start=3))
    page.click('[data-testid="reload"]')
    page.wait_for_function(f"""() => document.querySelector('{sel}')?.dataset.points === '10'""")


def test_controls_smoothing_axis_and_run_toggle(page, served, logdir):
    open_board(page, served)
    slider = page.locator('[data-testid="smoothing"]')
    assert slider.input_value() == "0.6"
    slider.fill("0.95")
    assert page.text_content('[data-testid="smoothing-value"]') == "0.950"
    page.select_option('[data-testid="x-axis"]', "relative")
    page.select_option('[data-testid="x-axis"]', "wall")
    page.check('[data-testid="log-y"]')
    box = page.locator('[data-testid="chart-card"]').first.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator('[data-testid="tooltip"] td').count() >= 5
    page.locator('[data-testid="run-item"][data-run="xss"] [data-testid="run-toggle"]').uncheck()
    page.wait_for_function(f"""() => !document.querySelector('[data-testid="chart-card"][data-tag="{HOSTILE_TAG}"]')""")
    page.fill('[data-testid="run-filter"]', "^tr")
    assert page.locator('[data-testid="run-item"]:visible').count() == 1


def test_folder_picker_reads_the_fixture_folder(page, site_url):
    folder = FIXTURES / "torch"
    open_board(page, site_url)
    page.set_input_files('[data-testid="pick-folder"]', folder)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    check_dashboards(page, read_logdir(folder))


def test_dropped_event_files_open_like_picked_ones(page, site_url):
    folder = next(p for p in sorted((FIXTURES / "tf2").iterdir()) if p.is_dir())
    files = [{"name": p.name, "bytes": list(p.read_bytes())} for p in sorted(folder.iterdir()) if p.is_file()]
    open_board(page, site_url)
    page.evaluate("""(files) => {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
        document.querySelector('main.bd').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", files)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=60_000)
    check_dashboards(page, read_logdir(folder))


def test_bad_input_is_reported_not_crashed(page, site_url, tmp_path):
    open_board(page, site_url)
    junk = tmp_path / "events.out.tfevents.9.junk"
    junk.write_bytes(b"this is not an event file" * 40)
    page.set_input_files('[data-testid="pick-files"]', junk)
    page.wait_for_selector('main.bd[data-board="ready"], main.bd[data-board="empty"]')
    assert "events.out.tfevents.9.junk" in page.text_content('[data-testid="warnings"]')
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    page.set_input_files('[data-testid="pick-files"]', notes)
    page.wait_for_selector('main.bd[data-board="empty"]')
    assert "tfevents" in page.text_content('[data-testid="board-status"]')


def test_graph_dashboard_folds_scopes_and_colours_by_step(page, served, logdir):
    from nnlab.board.graph import graph_view
    reader = read_logdir(logdir)
    gd = reader.graph(".").graph_def()
    open_board(page, served)
    page.click('[data-testid="tab-graphs"]')
    nodes = '[data-testid="graph"] [data-testid="graph-node"]'
    page.wait_for_selector(nodes)
    assert page.locator(nodes).count() == len(graph_view(gd)["nodes"])
    page.click(f'{nodes}[data-id="gradients"]')
    want = len(graph_view(gd, ["gradients"])["nodes"])
    page.wait_for_function(f"() => document.querySelectorAll('{nodes}').length === {want}")
    page.select_option('[data-testid="graph-color"]', "time")
    page.select_option('[data-testid="graph-step"]', reader.tags(".")["run_metadata"][0])
    page.wait_for_selector(f'{nodes}[data-id="probs"]')
    page.click(f'{nodes}[data-id="probs"]')
    assert "probs" in page.text_content('[data-testid="graph-details"]')
    assert "µs" in page.text_content('[data-testid="graph-details"]')
    page.click('[data-testid="lang-zh"]')  # the open details follow the language
    page.wait_for_function("() => document.querySelector('[data-testid=\"graph-details\"]')?.textContent.includes('操作')")
    assert "probs" in page.text_content('[data-testid="graph-details"]')


def test_a_run_keeps_its_colour_when_runs_are_added(page, site_server, tmp_path):
    """As in TensorBoard: a run added later (here one that sorts first) takes the next colour; the
    others keep theirs."""
    def write_run(name):
        ev = event_pb2.Event(step=1, wall_time=1e9)
        ev.summary.value.add(tag="loss", simple_value=1.0)
        (tmp_path / name).mkdir()
        (tmp_path / name / "events.out.tfevents.1.host").write_bytes(bytes(encode_many([ev.SerializeToString()])))

    def colours():
        return page.eval_on_selector_all('[data-testid="run-item"]', """items => Object.fromEntries(items.map(
            (i) => [i.dataset.run, i.querySelector('[data-testid="run-color"]').value]))""")
    write_run("b")
    write_run("c")
    with logdir_served(site_server, tmp_path) as url:
        open_board(page, url)
        before = colours()
        assert sorted(before) == ["b", "c"] and before["b"] != before["c"]
        write_run("a")
        page.click('[data-testid="reload"]')
        page.wait_for_selector('[data-testid="run-item"][data-run="a"]')
        page.wait_for_selector('main.bd[data-board="ready"]')
        after = colours()
    assert {r: after[r] for r in before} == before
    assert after["a"] not in before.values()


def test_only_cards_on_screen_are_drawn_and_a_card_scrolled_to_draws(page, site_server, tmp_path):
    """40 tags: every card has its points (data-points), but only those on screen are drawn
    (data-drawn); the last card draws once it is scrolled into view."""
    events = []
    for step in range(300):
        ev = event_pb2.Event(step=step, wall_time=1e9 + step)
        for k in range(40):
            ev.summary.value.add(tag=f"metric_{k:02d}", simple_value=float(np.sin(step / 10 + k)))
        events.append(ev.SerializeToString())
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "events.out.tfevents.1.host").write_bytes(bytes(encode_many(events)))
    state = """() => [...document.querySelectorAll('[data-testid="chart-card"]')].map((c) => {
        const r = c.querySelector('[data-testid="points-shown"]');
        return [c.dataset.tag, Number(r.dataset.points || -1), r.dataset.drawn !== undefined]; })"""
    with logdir_served(site_server, tmp_path) as url:
        open_board(page, url)
        page.wait_for_function(f"() => ({state})().length === 40 && ({state})().every(([, n]) => n === 300)")
        page.wait_for_function(f"() => ({state})()[0][2]")  # the first card is on screen: drawn
        cards = page.evaluate(state)
        assert not cards[-1][2]  # the last is far below: not drawn
        assert 0 < sum(d for _, _, d in cards) < 40
        page.locator('[data-testid="chart-card"][data-tag="metric_39"]').scroll_into_view_if_needed()
        page.wait_for_function(f"() => ({state})()[39][2]")
        drawn = page.get_attribute('[data-tag="metric_39"] [data-testid="points-shown"]', "data-drawn")
    assert int(drawn) > 0
