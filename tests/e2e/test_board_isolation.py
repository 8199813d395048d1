"""The Board in Chromium when one part fails: the rest keeps working.

Op and scope names that are JavaScript object keys (``__proto__``, ``constructor``)
must lay out like any other name; a file the server can no longer give, a tag
whose call fails and a tab whose call fails each show their message in their
own place while every other file, card and tab is shown.
"""

import pytest

from conftest import logdir_served, wait_ready
from nnlab.board.graph import graph_view
from nnlab.events import read_logdir
from nnlab.events.proto import event_pb2, graph_pb2, summary_pb2, tensor_pb2
from nnlab.events.records import encode_many

pytestmark = pytest.mark.e2e
# Op names a writer may legally produce that are also keys every JS object has.
PROTO_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty/x", "hasOwnProperty/valueOf", "__defineGetter__"]
BROKEN = "broken"  # tags whose worker call the test makes fail

# The page's own requests are rewritten at the Worker boundary: a call for a BROKEN tag, or
# any board.graph call once window.__failGraph is set, asks for a tag that is not there,
# so Python answers with an error as it would for any failing call.
FAULTS = """(() => {
  const send = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    const p = msg && msg.params;
    const gone = (tag) => (typeof tag === 'string' && tag.startsWith('%s') ? `${tag} (gone)` : tag);
    if (p && typeof p.tag === 'string') p.tag = gone(p.tag);
    if (p && Array.isArray(p.series)) p.series = p.series.map(([run, tag]) => [run, gone(tag)]);
    if (p && msg.type === 'board.graph' && window.__failGraph) p.run = 'no such run';
    return send.call(this, msg, ...rest);
  };
})();""" % BROKEN


def graph_event():
    gd = graph_pb2.GraphDef()
    for i, name in enumerate(PROTO_NAMES):
        node = gd.node.add(name=name, op="Identity" if i else "Placeholder")
        if i:
            node.input.append(PROTO_NAMES[i - 1])
    gd.node.add(name="out", op="Identity", input=["__defineGetter__", "^constructor"])
    return event_pb2.Event(step=0, wall_time=1.0, graph_def=gd.SerializeToString()).SerializeToString()


def summary_event(step, tag, **value):
    ev = event_pb2.Event(step=step, wall_time=1e9 + step)
    ev.summary.value.add(tag=tag, **value)
    return ev.SerializeToString()


def text_value(s):
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "text"
    return {"tensor": tensor_pb2.TensorProto(dtype=7, string_val=[s.encode()]), "metadata": meta}


@pytest.fixture
def logdir(tmp_path):
    root = tmp_path / "logs"
    for run in ("main", "gone"):
        (root / run).mkdir(parents=True)
    events = [graph_event()]
    for s in range(5):
        events += [summary_event(s, f"{BROKEN}_loss", simple_value=float(s)),
                   summary_event(s, "loss", simple_value=s / 2),
                   summary_event(s, f"{BROKEN}_notes", **text_value(f"bad {s}")),
                   summary_event(s, "notes", **text_value(f"note {s}"))]
    (root / "main" / "events.out.tfevents.1.host").write_bytes(bytes(encode_many(events)))
    (root / "gone" / "events.out.tfevents.2.host").write_bytes(bytes(encode_many([summary_event(0, "loss", simple_value=1.0)])))
    return root


@pytest.fixture
def board(page, site_server, logdir):
    with logdir_served(site_server, logdir) as url:
        page.add_init_script(FAULTS)
        # The file of run "gone" vanishes between the server's listing and the page's read.
        page.route("**/logdir/gone/*", lambda route: route.fulfill(status=404, body="gone"))
        page.goto(f"{url}board.html")
        wait_ready(page)
        page.wait_for_selector('main.bd[data-board="ready"], main.bd[data-board="error"]', timeout=90_000)
        yield page


def test_a_file_that_cannot_be_read_is_named_and_the_others_open(board):
    assert board.get_attribute("main.bd", "data-board") == "ready"
    assert board.eval_on_selector_all('[data-testid="run-list"] [data-run]', "els => els.map(e => e.dataset.run)") == ["main"]
    warnings = board.text_content('[data-testid="warnings"]')
    assert "gone/events.out.tfevents.2.host" in warnings and "404" in warnings


def test_a_failing_scalar_tag_says_so_in_its_card_and_the_next_card_draws(board, logdir):
    card = '[data-testid="dashboard"] [data-testid="chart-card"]'
    board.wait_for_selector(f'{card}[data-tag="loss"] [data-testid="points-shown"][data-digest]')
    bad = board.locator(f'{card}[data-tag="{BROKEN}_loss"] [data-testid="card-error"]')
    assert "gone" in bad.text_content()
    points = board.get_attribute(f'{card}[data-tag="loss"] [data-testid="points-shown"]', "data-points")
    assert int(points) == len(read_logdir(logdir).scalars("main", "loss"))


def test_a_failing_text_tag_says_so_and_the_cards_after_it_come(board, logdir):
    board.click('[data-testid="tab-text"]')
    card = '[data-testid="dashboard"] [data-testid="chart-card"]'
    board.wait_for_selector(f'{card}[data-tag="notes"] [data-testid="text-entry"]')
    assert "gone" in board.text_content(f'{card}[data-tag="{BROKEN}_notes"] [data-testid="card-error"]')
    shown = board.eval_on_selector_all(f'{card}[data-tag="notes"] .markdown', "els => els.map(e => e.textContent.trim())")
    assert shown == [f"note {s}" for s in reversed(range(5))]


def test_ops_named_like_object_keys_lay_out_and_expand(board, logdir):
    gd = read_logdir(logdir).graph("main").graph_def()
    board.click('[data-testid="tab-graphs"]')
    nodes = '[data-testid="graph"] [data-testid="graph-node"]'
    board.wait_for_selector(nodes)
    ids = board.eval_on_selector_all(nodes, "els => els.map(e => e.dataset.id)")
    assert sorted(ids) == sorted(n["id"] for n in graph_view(gd)["nodes"])
    assert {"__proto__", "constructor", "toString", "hasOwnProperty"} <= set(ids)
    board.click(f'{nodes}[data-id="hasOwnProperty"]')
    want = sorted(n["id"] for n in graph_view(gd, ["hasOwnProperty"])["nodes"])
    board.wait_for_function(f"() => document.querySelectorAll('{nodes}').length === {len(want)}")
    assert sorted(board.eval_on_selector_all(nodes, "els => els.map(e => e.dataset.id)")) == want
    board.click(f'{nodes}[data-id="__proto__"]')
    assert "__proto__" in board.text_content('[data-testid="graph-details"]')


def test_a_failing_tab_says_so_there_and_the_other_tabs_work(board):
    board.evaluate("() => { window.__failGraph = true; }")
    board.click('[data-testid="tab-graphs"]')
    assert "no such run" in board.text_content('[data-testid="tab-error"]')
    board.click('[data-testid="tab-text"]')
    board.wait_for_selector('[data-testid="chart-card"][data-tag="notes"] [data-testid="text-entry"]')
